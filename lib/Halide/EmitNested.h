// Halide algorithms of the nested (Matryoshka) ops: nested_ffn and
// nested_embedding, whose width is a run-time scalar of the pipeline.
#ifndef LOOM_HALIDE_EMITNESTED_H
#define LOOM_HALIDE_EMITNESTED_H

#include "lib/Halide/EmitCore.h"

#include "llvm/ADT/StringRef.h"

namespace loom {

/// `activation`: relu, gelu, gelu_tanh or silu. `width` is the run-time
/// hidden width (already range-checked by the pipeline: 1 ≤ width ≤ h).
NestedFFNFuncs emitNestedFFN(const Tensor &input, const Tensor &fc1Weight,
                             const Tensor *fc1Bias, const Tensor &fc2Weight,
                             const Tensor *fc2Bias, llvm::StringRef activation,
                             llvm::ArrayRef<int64_t> granularities, Halide::Expr width,
                             const std::string &name);

NestedEmbeddingFuncs emitNestedEmbedding(const Tensor &input, bool normalize,
                                         llvm::ArrayRef<int64_t> granularities,
                                         Halide::Expr width, const std::string &name);

} // namespace loom

#endif // LOOM_HALIDE_EMITNESTED_H
