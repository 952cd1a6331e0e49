// The loom passes and the default compilation pipeline.
#ifndef LOOM_TRANSFORMS_PASSES_H
#define LOOM_TRANSFORMS_PASSES_H

#include "dialect/LoomDialect.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <memory>
#include <string>
#include <vector>

namespace loom {

#define GEN_PASS_DECL
#include "dialect/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialect/Passes.h.inc"

/// Name of a layer op as written in the spec (`blocks.0.conv`), taken from
/// its NameLoc; empty when the op has none.
std::string getLayerName(mlir::Operation *op);

/// verify → decompose → re-parameterize → canonicalize → fuse elementwise →
/// assign schedules, nested on every loom.model.
void buildLoomPipeline(mlir::OpPassManager &pm, llvm::StringRef target,
                       const std::vector<std::string> &knobs, bool fuse = true,
                       bool reparameterize = true,
                       const std::vector<std::string> &knobOrigins = {});

} // namespace loom

#endif // LOOM_TRANSFORMS_PASSES_H
