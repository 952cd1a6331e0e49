// Halide algorithms of the hyperkernel ops (LoomHyper.td).
#ifndef LOOM_HALIDE_EMITHYPER_H
#define LOOM_HALIDE_EMITHYPER_H

#include "lib/Halide/EmitCore.h"
#include "schedules/HyperFuncs.h"

namespace loom {

/// `params` in the operand order of LoomHyper.td; `context` may be null.
HyperKernelFuncs emitHyperKernel(const Tensor *context, llvm::ArrayRef<Tensor> params,
                                 bool siren, int64_t kernel, int64_t channels,
                                 int64_t hidden, int64_t layers, double omega0,
                                 double beta, const std::string &name);

/// `elementwise`: mode = "elementwise".
HyperZZWFuncs emitHyperZZW(const Tensor &input, const Tensor &kernel, bool elementwise,
                           const std::string &name);

/// Re-parameterization stages (loom-reparameterize): pure Funcs.
Halide::Func emitFoldBatchNormWeight(const Tensor &weight, const Tensor &runningMean,
                                     const Tensor &runningVar, const Tensor &normWeight,
                                     double eps, const std::string &name);
Halide::Func emitFoldBatchNormBias(const Tensor &runningMean, const Tensor &runningVar,
                                   const Tensor &normWeight, const Tensor &normBias,
                                   const Tensor *convBias, double eps,
                                   const std::string &name);
Halide::Func emitEmbedKernel(const Tensor &weight, int64_t size, int64_t dilation,
                             const std::string &name);

} // namespace loom

#endif // LOOM_HALIDE_EMITHYPER_H
