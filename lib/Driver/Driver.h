// The loomc driver: from a spec to every artifact kind.
#ifndef LOOM_DRIVER_DRIVER_H
#define LOOM_DRIVER_DRIVER_H

#include "lib/Driver/Progress.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loom {

/// What `loomc` was asked to do; filled from its command line.
struct CompileOptions {
  std::string inputPath;
  std::string outputPath = "-";
  std::string emit = "exe";   // mlir|scheduled|dot|stmt|html|asm|obj|exe|lib|shared
  std::string target = "host"; // host|x86-64-avx2|x86-64-avx512|arm64|cuda
  std::optional<std::string> weightsPath;
  std::optional<int64_t> randomSeed;
  bool embedWeights = false;
  std::vector<std::string> knobs;
  bool timePasses = false;
  bool fuse = true;
  /// Run loom-reparameterize (batch norm folding, branch merging).
  bool reparameterize = true;
  /// Ops per Halide pipeline of a long model (0: one pipeline); see
  /// lib/Halide/Segments.h.
  /// Unset: kDefaultSegmentOps.
  std::optional<int64_t> segmentOps;
  /// --emit=dot: draw the graph after the pass pipeline (fusion, folded
  /// batch norms) instead of as written.
  bool dotAfterPasses = false;
  /// --emit=dot: draw parameters as nodes of their own.
  bool dotShowParams = false;
  ProgressMode progress = ProgressMode::Off;
  /// A Halide 14 autoscheduler (adams2019, mullapudi2016) that
  /// schedules the whole pipeline instead of Loom's schedules; empty: Loom's.
  std::string autoschedule;
  /// Take Halide's runtime object from the cache (lib/Driver/RuntimeCache.h)
  /// and store it there; false: --no-runtime-cache.
  bool runtimeCache = true;
  /// Knob files (--knobs FILE, lib/Driver/KnobFile.h), applied before
  /// `knobs`, so a --knob on the command line wins over a file.
  std::vector<std::string> knobFiles;
};

/// A layer op after the pass pipeline, with the knob values it got: what
/// `loomc tune` searches.
struct ScheduledOp {
  std::string layer;  // its layer name ("" when it has none)
  std::string opName; // "loom.conv2d"
  /// Knob values in the registry's order (without those that cannot change
  /// this op's code, e.g. the depthwise knobs of a dense conv2d).
  std::vector<std::pair<std::string, int64_t>> knobs;
  /// Estimated work (result elements times the reduction length over a
  /// weight), to tune the heavy layers first.
  double cost = 0;
};

/// Parses the input and runs the pass pipeline with `options`' target and
/// knobs, and lists the scheduled ops. Returns the exit code (diagnostics on
/// stderr).
int listScheduledOps(const CompileOptions &options, std::vector<ScheduledOp> &ops);

/// `loomc --list-ops`: one line per op of the language with its arguments,
/// e.g. `conv2d(x, out_channels=<int>, kernel=<int|[int, int]>, stride=1, ...)`.
void printOpCatalogue(llvm::raw_ostream &os);

/// Runs the whole compilation; diagnostics go to stderr. Returns the process
/// exit code (0 on success).
int compile(const CompileOptions &options);

} // namespace loom

#endif // LOOM_DRIVER_DRIVER_H
