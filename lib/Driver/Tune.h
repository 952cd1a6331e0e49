// `loomc tune`: a search over the schedule knobs of a model with timed runs.
#ifndef LOOM_DRIVER_TUNE_H
#define LOOM_DRIVER_TUNE_H

#include "lib/Driver/Driver.h"

#include <string>
#include <vector>

namespace loom {

struct TuneOptions {
  /// The model, target, weights and the starting knobs (--knob, --knobs);
  /// emit and outputPath are ignored.
  CompileOptions compile;
  /// The knob file written at the end.
  std::string outputPath;
  /// Wall-clock seconds the search may take; a trial that would not finish
  /// in what is left (judged by the trials so far) is not started. The
  /// first trial (the starting knobs) always runs. Only the knobs that had a
  /// trial are written.
  double budgetSeconds = 300;
  /// Timed runs per trial (the artifact's own `--bench N`; its median counts).
  int runs = 20;
  /// Restrict the search to these `<layer>` or `<layer>.<knob>` (empty: all).
  std::vector<std::string> only;
  /// Print what would be searched and stop (no compile, no timing).
  bool dryRun = false;
};

/// Runs the search and writes the knob file; returns the exit code.
/// Coordinate descent: layers by estimated work (heaviest first), each knob
/// in turn over its candidate values (schedules::tuningCandidates), keeping a
/// value when its median is at least 2% faster than the best so far. Every
/// trial compiles an executable with the loomc running now (its runtime
/// from the cache) and times it with `--bench`.
int tune(const TuneOptions &options);

} // namespace loom

#endif // LOOM_DRIVER_TUNE_H
