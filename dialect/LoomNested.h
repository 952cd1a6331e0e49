// Helpers shared by the lowering and the artifact glue about the nested ops:
// which ops take a run-time granularity, in which order, under which name.
#ifndef LOOM_DIALECT_LOOMNESTED_H
#define LOOM_DIALECT_LOOMNESTED_H

#include "dialect/LoomDialect.h"

#include <string>
#include <vector>

namespace loom {

/// A layer whose width the caller picks at run time (nested_ffn,
/// nested_embedding); the pipeline has one int32 scalar argument per layer,
/// after the parameters, in model order.
struct GranularityLayer {
  mlir::Operation *op;
  /// The layer's name in the spec ("blocks.0.ffn"), or "layer<i>" when the op
  /// carries none.
  std::string name;
  std::vector<int64_t> granularities;
};

/// The nested layers of `model`, in order.
std::vector<GranularityLayer> granularityLayers(ModelOp model);

} // namespace loom

#endif // LOOM_DIALECT_LOOMNESTED_H
