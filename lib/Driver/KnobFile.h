// Knob files (`loomc --knobs FILE`): one `<layer-or-op>.<knob>=<value>` per line.
#ifndef LOOM_DRIVER_KNOBFILE_H
#define LOOM_DRIVER_KNOBFILE_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

namespace loom {

/// Knob overrides in the order they apply (a later one wins) and, for each,
/// where it was written: "FILE:LINE:COL" for a knob file's line, "" for a
/// --knob on the command line. The pass reports a problem with an override
/// (unknown knob, value below the knob's minimum, no matching layer) there.
struct KnobSettings {
  std::vector<std::string> knobs;
  std::vector<std::string> origins;
};

/// Reads the knob file `path` into `settings`. Blank lines and `#` comments
/// (whole-line or trailing) are skipped; anything else must read
/// `<layer-or-op>.<knob>=<integer>`. The file is added to `sources`, so
/// errors show its line with a caret, as errors in the spec do; they are
/// emitted through `context`'s diagnostic engine. A file that cannot be read
/// fails with `readError` set (and nothing emitted: it has no location).
mlir::LogicalResult readKnobFile(const std::string &path, llvm::SourceMgr &sources,
                                 mlir::MLIRContext &context, KnobSettings &settings,
                                 std::string &readError);

} // namespace loom

#endif // LOOM_DRIVER_KNOBFILE_H
