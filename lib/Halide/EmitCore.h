// Halide algorithms of the core ops (LoomCore.td): one emitter per op,
// algorithm only; schedules/ places the Funcs.
#ifndef LOOM_HALIDE_EMITCORE_H
#define LOOM_HALIDE_EMITCORE_H

#include "schedules/OpFuncs.h"

#include "llvm/ADT/ArrayRef.h"

#include <Halide.h>

#include <cstdint>
#include <string>
#include <vector>

namespace loom {

/// A tensor value during lowering: a Func over Halide-ordered coordinates
/// (dimension 0 = the last PyTorch dimension) and its PyTorch-ordered shape.
struct Tensor {
  Halide::Func func;
  std::vector<int64_t> shape;

  int rank() const { return static_cast<int>(shape.size()); }
  /// The element at a PyTorch-ordered index.
  Halide::Expr at(llvm::ArrayRef<Halide::Expr> index) const;
};

/// Coordinates of a rank-`rank` result, in PyTorch order. `names` (PyTorch
/// order, innermost last) names the last dimensions; the rest are d0, d1, ...
std::vector<Halide::Var> makeVars(int rank, llvm::ArrayRef<const char *> names = {});

/// Defines `func` at PyTorch-ordered coordinates.
void define(Halide::Func &func, llvm::ArrayRef<Halide::Var> vars,
            const Halide::Expr &value);

LinearFuncs emitLinear(const Tensor &input, const Tensor &weight, const Tensor *bias,
                       const std::string &name);

/// conv1d and conv2d; stride, padding and dilation in PyTorch order (one
/// value per spatial dimension).
ConvolutionFuncs emitConvolution(const Tensor &input, const Tensor &weight,
                                 const Tensor *bias, llvm::ArrayRef<int64_t> stride,
                                 llvm::ArrayRef<int64_t> padding,
                                 llvm::ArrayRef<int64_t> dilation, int64_t groups,
                                 const std::string &name);

NormFuncs emitLayerNorm(const Tensor &input, const Tensor *weight, const Tensor *bias,
                        double eps, const std::string &name);
NormFuncs emitRMSNorm(const Tensor &input, const Tensor &weight, double eps,
                      const std::string &name);
Halide::Func emitBatchNorm(const Tensor &input, const Tensor &runningMean,
                           const Tensor &runningVar, const Tensor &weight,
                           const Tensor &bias, double eps, const std::string &name);

Halide::Func emitRelu(const Tensor &input, const std::string &name);
Halide::Func emitSilu(const Tensor &input, const std::string &name);
Halide::Func emitSigmoid(const Tensor &input, const std::string &name);
Halide::Func emitTanh(const Tensor &input, const std::string &name);
Halide::Func emitSoftplus(const Tensor &input, const std::string &name);
/// `tanhApproximation`: PyTorch's approximate="tanh"; otherwise the exact erf form.
Halide::Func emitGelu(const Tensor &input, bool tanhApproximation,
                      const std::string &name);

/// NumPy broadcasting to `resultShape`.
Halide::Func emitAdd(const Tensor &lhs, const Tensor &rhs,
                     const std::vector<int64_t> &resultShape, const std::string &name);
Halide::Func emitMul(const Tensor &lhs, const Tensor &rhs,
                     const std::vector<int64_t> &resultShape, const std::string &name);

/// kernel, stride, padding: PyTorch order (H, W).
Halide::Func emitMaxPool2D(const Tensor &input, llvm::ArrayRef<int64_t> kernel,
                           llvm::ArrayRef<int64_t> stride,
                           llvm::ArrayRef<int64_t> padding, const std::string &name);
Halide::Func emitAvgPool2D(const Tensor &input, llvm::ArrayRef<int64_t> kernel,
                           llvm::ArrayRef<int64_t> stride,
                           llvm::ArrayRef<int64_t> padding, const std::string &name);
GlobalAvgPool2DFuncs emitGlobalAvgPool2D(const Tensor &input, const std::string &name);

/// `axis` in PyTorch order, already non-negative.
SoftmaxFuncs emitSoftmax(const Tensor &input, int64_t axis, const std::string &name);

Halide::Func emitEmbedding(const Tensor &ids, const Tensor &table,
                           const std::string &name);

Halide::Func emitReshape(const Tensor &input, const std::vector<int64_t> &resultShape,
                         const std::string &name);
Halide::Func emitTranspose(const Tensor &input, llvm::ArrayRef<int64_t> perm,
                           const std::string &name);
/// `axis` non-negative.
Halide::Func emitConcat(llvm::ArrayRef<Tensor> inputs, int64_t axis,
                        const std::string &name);
/// `start` already resolved (non-negative, clamped) as the verifier does.
Halide::Func emitSlice(const Tensor &input, int64_t axis, int64_t start, int64_t step,
                       const std::vector<int64_t> &resultShape, const std::string &name);

} // namespace loom

#endif // LOOM_HALIDE_EMITCORE_H
