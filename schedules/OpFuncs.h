// The Funcs an op's emitter (lib/Halide) hands to the op's schedules: the
// contract between an algorithm and its schedules.
#ifndef LOOM_SCHEDULES_OPFUNCS_H
#define LOOM_SCHEDULES_OPFUNCS_H

#include <Halide.h>

#include <cstdint>
#include <vector>

namespace loom {

// Dimension order: Halide's dimension 0 is PyTorch's last (contiguous) one, so
// a [N, C, H, W] tensor is f(x, y, c, n).

/// linear: result(o, rows...) = accumulate(o, rows...), where accumulate
/// starts at the bias (or 0) and its one update adds
/// x(k, rows...) · weight(k, o) over `reduction` = k in [0, inFeatures).
struct LinearFuncs {
  Halide::Func result;
  Halide::Func accumulate;
  Halide::RDom reduction;
  int64_t inFeatures = 0;
};

/// conv1d / conv2d: result(x, [y,] c, n) = accumulate(...), where accumulate
/// starts at the bias (or 0) and its one update adds
/// paddedInput(...) · weight(...) over `reduction` = (kx, [ky,] input channel
/// of the group). `paddedInput` is the zero-padded input when padding is
/// non-zero (undefined otherwise: the input is read directly).
struct ConvolutionFuncs {
  Halide::Func result;
  Halide::Func accumulate;
  Halide::Func paddedInput;
  Halide::RDom reduction;
  int spatialDims = 2;
  int64_t groups = 1;
  int64_t inChannelsPerGroup = 0;
  int64_t outChannels = 0;
  std::vector<int64_t> kernel;       // Halide order: kx[, ky]
  std::vector<int64_t> stride;       // Halide order
  std::vector<int64_t> inputExtents; // Halide order: x, [y,] c, n
};

/// layer_norm / rms_norm over the last dimension (Halide dimension 0): each of
/// `sums` is a Func of the row coordinates that starts at 0 and has one
/// update summing over `reduction` (the normalized dimension). layer_norm:
/// {sum of x, sum of squared deviations}; rms_norm: {sum of squares}.
struct NormFuncs {
  Halide::Func result;
  std::vector<Halide::Func> sums;
  Halide::RDom reduction;
};

/// softmax along Halide dimension `axis`: `maximum` and `sum` are Funcs of
/// all coordinates but `axis` (which they reduce over `reduction`, in an
/// update), `exponential` = exp(x - maximum) has all coordinates.
struct SoftmaxFuncs {
  Halide::Func result;
  Halide::Func maximum;
  Halide::Func exponential;
  Halide::Func sum;
  Halide::RDom reduction;
  int axis = 0;
};

/// global_avg_pool2d: result(0, 0, c, n) = sum(c, n) / (H·W); `sum` starts at
/// 0 and its update runs over `reduction` = (x, y).
struct GlobalAvgPool2DFuncs {
  Halide::Func result;
  Halide::Func sum;
  Halide::RDom reduction;
};

/// nested_ffn with a run-time hidden width `width` (an int32 scalar
/// parameter of the pipeline, in [1, hiddenSize]):
///   hiddenAccumulate(j, rows...) starts at fc1 bias (or 0), its one update
///     adds x(k, rows...) · fc1_weight(k, j) over `inputReduction` (k < dModel);
///   hidden(j, rows...) = activation(hiddenAccumulate(j, rows...)), needed
///     for j in [0, width);
///   outputAccumulate(o, rows...) starts at fc2 bias (or 0), its one update
///     adds hidden(j, rows...) · fc2_weight(j, o) over `hiddenReduction`
///     (j < width);
///   result(o, rows...) = outputAccumulate(o, rows...).
/// Schedules specialize on `width == g` for every g of `granularities`.
struct NestedFFNFuncs {
  Halide::Func result;
  Halide::Func outputAccumulate;
  Halide::RDom hiddenReduction;
  Halide::Func hidden;
  Halide::Func hiddenAccumulate;
  Halide::RDom inputReduction;
  Halide::Expr width;
  std::vector<int64_t> granularities;
  int64_t dModel = 0;
  int64_t hiddenSize = 0;
};

/// nested_embedding with a run-time width `width`: result(i, rows...) is
/// x(i, rows...) · scale(rows...) for i < width and 0 past it; with
/// normalization `sumSquares(rows...)` starts at 0 and its update sums x² over
/// `reduction` (i < width); it is undefined without normalization.
struct NestedEmbeddingFuncs {
  Halide::Func result;
  Halide::Func sumSquares;
  Halide::RDom reduction;
  Halide::Expr width;
  std::vector<int64_t> granularities;
};

} // namespace loom

#endif // LOOM_SCHEDULES_OPFUNCS_H
