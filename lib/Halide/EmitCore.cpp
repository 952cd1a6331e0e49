// Halide algorithms of the core ops: linear, convolution, norms, activations,
// broadcasting arithmetic, pooling, softmax, embedding and data movement.
#include "lib/Halide/EmitCore.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace Halide;

namespace loom {

Expr Tensor::at(llvm::ArrayRef<Expr> index) const {
  std::vector<Expr> args(index.rbegin(), index.rend());
  return func(args);
}

std::vector<Var> makeVars(int rank, llvm::ArrayRef<const char *> names) {
  std::vector<Var> vars;
  int named = std::min<int>(rank, names.size());
  for (int dim = 0; dim < rank; ++dim) {
    int fromEnd = rank - 1 - dim;
    if (fromEnd < named)
      vars.emplace_back(names[names.size() - 1 - fromEnd]);
    else
      vars.emplace_back("d" + std::to_string(dim));
  }
  return vars;
}

void define(Func &func, llvm::ArrayRef<Var> vars, const Expr &value) {
  std::vector<Var> args(vars.rbegin(), vars.rend());
  func(args) = value;
}

namespace {

std::vector<Expr> asExprs(llvm::ArrayRef<Var> vars) {
  return std::vector<Expr>(vars.begin(), vars.end());
}

/// Halide-ordered Vars: `vars` reversed.
std::vector<Var> reversed(llvm::ArrayRef<Var> vars) {
  return std::vector<Var>(vars.rbegin(), vars.rend());
}

/// `input` at `index`, where out-of-range coordinates along the dimensions
/// listed in `bounded` (PyTorch order) read `outside` instead. The clamp keeps
/// bounds inference inside the input.
Expr readPadded(const Tensor &input, std::vector<Expr> index, llvm::ArrayRef<int> bounded,
                Expr outside) {
  Expr inside = Internal::const_true();
  for (int dim : bounded) {
    Expr coordinate = index[dim];
    inside = inside && coordinate >= 0 && coordinate < static_cast<int>(input.shape[dim]);
    index[dim] = clamp(coordinate, 0, static_cast<int>(input.shape[dim]) - 1);
  }
  return select(inside, input.at(index), outside);
}

/// Index into an operand broadcast (NumPy rules) to a result with `vars`.
std::vector<Expr> broadcastIndex(const Tensor &operand,
                                 const std::vector<int64_t> &resultShape,
                                 llvm::ArrayRef<Var> vars) {
  int offset = static_cast<int>(resultShape.size()) - operand.rank();
  std::vector<Expr> index;
  for (int dim = 0; dim < operand.rank(); ++dim) {
    bool stretched = operand.shape[dim] == 1 && resultShape[dim + offset] != 1;
    index.push_back(stretched ? Expr(0) : Expr(vars[dim + offset]));
  }
  return index;
}

int i32(int64_t value) { return static_cast<int>(value); }

} // namespace

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

LinearFuncs emitLinear(const Tensor &input, const Tensor &weight, const Tensor *bias,
                       const std::string &name) {
  int rank = input.rank();
  int64_t inFeatures = input.shape.back();
  std::vector<Var> vars = makeVars(rank, {"m", "o"});
  Var o = vars.back();
  LinearFuncs funcs;
  funcs.inFeatures = inFeatures;
  funcs.input = input.func;
  funcs.weight = weight.func;
  funcs.reduction = RDom(0, i32(inFeatures), "k");
  funcs.accumulate = Func(name + "_accumulate");
  funcs.result = Func(name);

  define(funcs.accumulate, vars, bias ? bias->at({o}) : Expr(0.0f));
  std::vector<Expr> inputIndex = asExprs(vars);
  inputIndex.back() = funcs.reduction.x;
  std::vector<Var> args = reversed(vars);
  funcs.accumulate(args) += input.at(inputIndex) * weight.at({o, funcs.reduction.x});
  funcs.result(args) = funcs.accumulate(args);
  return funcs;
}

ConvolutionFuncs emitConvolution(const Tensor &input, const Tensor &weight,
                                 const Tensor *bias, llvm::ArrayRef<int64_t> stride,
                                 llvm::ArrayRef<int64_t> padding,
                                 llvm::ArrayRef<int64_t> dilation, int64_t groups,
                                 const std::string &name) {
  int spatial = static_cast<int>(stride.size());
  std::vector<Var> vars =
      spatial == 1 ? makeVars(3, {"n", "c", "x"}) : makeVars(4, {"n", "c", "y", "x"});
  Var c = vars[1];
  ConvolutionFuncs funcs;
  funcs.spatialDims = spatial;
  funcs.groups = groups;
  funcs.inChannelsPerGroup = weight.shape[1];
  funcs.outChannels = weight.shape[0];
  funcs.inputExtents.assign(input.shape.rbegin(), input.shape.rend());
  funcs.input = input.func;
  funcs.weight = weight.func;
  funcs.accumulate = Func(name + "_accumulate");
  funcs.result = Func(name);

  // The reduction, innermost first: kernel x, [kernel y,] input channel.
  Region ranges;
  for (int dim = spatial - 1; dim >= 0; --dim) {
    ranges.push_back({0, i32(weight.shape[2 + dim])});
    funcs.kernel.push_back(weight.shape[2 + dim]);
    funcs.stride.push_back(stride[dim]);
    funcs.dilation.push_back(dilation[dim]);
  }
  ranges.push_back({0, i32(funcs.inChannelsPerGroup)});
  funcs.reduction = RDom(ranges, name + "_r");
  RDom &r = funcs.reduction;
  auto kernelTap = [&](int dim) { return r[spatial - 1 - dim]; }; // PyTorch order
  RVar inChannel = r[spatial];

  bool padded = llvm::any_of(padding, [](int64_t p) { return p != 0; });
  Tensor source = input;
  if (padded) {
    // Zero padding as a Func of its own, so the schedule can materialize it
    // and keep boundary selects out of the inner loop. Same coordinates as
    // the input (reads at -padding .. extent+padding).
    std::vector<Var> inputVars =
        spatial == 1 ? makeVars(3, {"n", "c", "x"}) : makeVars(4, {"n", "c", "y", "x"});
    std::vector<int> bounded;
    for (int dim = 0; dim < spatial; ++dim)
      bounded.push_back(2 + dim);
    funcs.paddedInput = Func(name + "_padded");
    define(funcs.paddedInput, inputVars,
           readPadded(input, asExprs(inputVars), bounded, 0.0f));
    source.func = funcs.paddedInput;
  }

  Expr channel = inChannel;
  if (groups != 1)
    channel =
        (c / i32(funcs.outChannels / groups)) * i32(funcs.inChannelsPerGroup) + inChannel;
  std::vector<Expr> inputIndex = {vars[0], channel};
  std::vector<Expr> weightIndex = {c, inChannel};
  for (int dim = 0; dim < spatial; ++dim) {
    inputIndex.push_back(vars[2 + dim] * i32(stride[dim]) +
                         kernelTap(dim) * i32(dilation[dim]) - i32(padding[dim]));
    weightIndex.push_back(kernelTap(dim));
  }

  define(funcs.accumulate, vars, bias ? bias->at({c}) : Expr(0.0f));
  std::vector<Var> args = reversed(vars);
  funcs.accumulate(args) += source.at(inputIndex) * weight.at(weightIndex);
  funcs.result(args) = funcs.accumulate(args);
  return funcs;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

namespace {

/// Vars of a row-wise op over [..., D]: the rows' coordinates and the last.
struct RowVars {
  std::vector<Var> all;  // PyTorch order
  std::vector<Var> rows; // all but the last, Halide order
  Var last;
};

RowVars rowVars(int rank) {
  RowVars vars;
  vars.all = makeVars(rank, {"row", "i"});
  vars.last = vars.all.back();
  for (int dim = rank - 2; dim >= 0; --dim)
    vars.rows.push_back(vars.all[dim]);
  return vars;
}

/// `input` at (r, rows...) in Halide order.
Expr atRow(const Tensor &input, Expr last, llvm::ArrayRef<Var> rows) {
  std::vector<Expr> args = {last};
  args.insert(args.end(), rows.begin(), rows.end());
  return input.func(args);
}

} // namespace

NormFuncs emitLayerNorm(const Tensor &input, const Tensor *weight, const Tensor *bias,
                        double eps, const std::string &name) {
  RowVars vars = rowVars(input.rank());
  int64_t size = input.shape.back();
  NormFuncs funcs;
  funcs.reduction = RDom(0, i32(size), name + "_r");
  Func sum(name + "_sum"), squares(name + "_squared_deviation");
  sum(vars.rows) = 0.0f;
  sum(vars.rows) += atRow(input, funcs.reduction.x, vars.rows);
  Expr mean = sum(vars.rows) / static_cast<float>(size);
  // Two passes (mean, then squared deviations) as PyTorch: no cancellation.
  squares(vars.rows) = 0.0f;
  Expr deviation = atRow(input, funcs.reduction.x, vars.rows) - mean;
  squares(vars.rows) += deviation * deviation;
  Expr variance = squares(vars.rows) / static_cast<float>(size);

  Expr x = atRow(input, vars.last, vars.rows);
  Expr value = (x - mean) / sqrt(variance + static_cast<float>(eps));
  if (weight)
    value = value * weight->at({vars.last});
  if (bias)
    value = value + bias->at({vars.last});
  funcs.result = Func(name);
  define(funcs.result, vars.all, value);
  funcs.sums = {sum, squares};
  return funcs;
}

NormFuncs emitRMSNorm(const Tensor &input, const Tensor &weight, double eps,
                      const std::string &name) {
  RowVars vars = rowVars(input.rank());
  int64_t size = input.shape.back();
  NormFuncs funcs;
  funcs.reduction = RDom(0, i32(size), name + "_r");
  Func squares(name + "_sum_squares");
  squares(vars.rows) = 0.0f;
  Expr element = atRow(input, funcs.reduction.x, vars.rows);
  squares(vars.rows) += element * element;
  Expr meanSquare = squares(vars.rows) / static_cast<float>(size);
  Expr x = atRow(input, vars.last, vars.rows);
  funcs.result = Func(name);
  define(funcs.result, vars.all,
         x / sqrt(meanSquare + static_cast<float>(eps)) * weight.at({vars.last}));
  funcs.sums = {squares};
  return funcs;
}

Func emitBatchNorm(const Tensor &input, const Tensor &runningMean,
                   const Tensor &runningVar, const Tensor &weight, const Tensor &bias,
                   double eps, const std::string &name) {
  std::vector<Var> vars = makeVars(input.rank());
  Var c = vars[1];
  Expr scale = weight.at({c}) / sqrt(runningVar.at({c}) + static_cast<float>(eps));
  Func result(name);
  define(result, vars,
         (input.at(asExprs(vars)) - runningMean.at({c})) * scale + bias.at({c}));
  return result;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

namespace {

Func unary(const Tensor &input, const std::string &name,
           const std::function<Expr(Expr)> &math) {
  std::vector<Var> vars = makeVars(input.rank());
  Func result(name);
  define(result, vars, math(input.at(asExprs(vars))));
  return result;
}

/// tanh with an absolute error below 1e-7 that vectorizes (Halide's tanh is a
/// scalar libm call): the odd Taylor polynomial near 0, where the exp form
/// cancels, and (1 - e)/(1 + e), e = exp(-2|x|), elsewhere.
Expr accurateTanh(Expr x) {
  Expr magnitude = abs(x);
  Expr e = exp(-2.0f * magnitude);
  Expr far = (1.0f - e) / (1.0f + e);
  Expr x2 = x * x;
  Expr near =
      x * (1.0f +
           x2 * (-1.0f / 3.0f +
                 x2 * (2.0f / 15.0f + x2 * (-17.0f / 315.0f + x2 * (62.0f / 2835.0f)))));
  return select(magnitude < 0.125f, near, select(x < 0.0f, -far, far));
}

/// log(1 + u) for u ≥ 0, accurate for small u (Halide has no log1p).
Expr log1pNonNegative(Expr u) {
  Expr series = u * (1.0f + u * (-0.5f + u * (1.0f / 3.0f + u * -0.25f)));
  return select(u < 1.0f / 1024.0f, series, log(1.0f + u));
}

} // namespace

Func emitRelu(const Tensor &input, const std::string &name) {
  return unary(input, name, [](Expr x) { return max(x, 0.0f); });
}

Func emitSilu(const Tensor &input, const std::string &name) {
  return unary(input, name, [](Expr x) { return x / (1.0f + exp(-x)); });
}

Func emitSigmoid(const Tensor &input, const std::string &name) {
  return unary(input, name, [](Expr x) { return 1.0f / (1.0f + exp(-x)); });
}

Func emitTanh(const Tensor &input, const std::string &name) {
  return unary(input, name, accurateTanh);
}

Func emitSoftplus(const Tensor &input, const std::string &name) {
  // PyTorch (beta 1, threshold 20): x above the threshold, log1p(exp(x)) below.
  return unary(input, name, [](Expr x) {
    return select(x > 20.0f, x, log1pNonNegative(exp(min(x, 20.0f))));
  });
}

Func emitGelu(const Tensor &input, bool tanhApproximation, const std::string &name) {
  if (tanhApproximation)
    return unary(input, name, [](Expr x) {
      const float sqrtTwoOverPi = 0.7978845608028654f;
      Expr inner = sqrtTwoOverPi * (x + 0.044715f * x * x * x);
      return 0.5f * x * (1.0f + accurateTanh(inner));
    });
  return unary(input, name, [](Expr x) {
    return 0.5f * x * (1.0f + erf(x * static_cast<float>(M_SQRT1_2)));
  });
}

Func emitAdd(const Tensor &lhs, const Tensor &rhs,
             const std::vector<int64_t> &resultShape, const std::string &name) {
  std::vector<Var> vars = makeVars(resultShape.size());
  Func result(name);
  define(result, vars,
         lhs.at(broadcastIndex(lhs, resultShape, vars)) +
             rhs.at(broadcastIndex(rhs, resultShape, vars)));
  return result;
}

Func emitMul(const Tensor &lhs, const Tensor &rhs,
             const std::vector<int64_t> &resultShape, const std::string &name) {
  std::vector<Var> vars = makeVars(resultShape.size());
  Func result(name);
  define(result, vars,
         lhs.at(broadcastIndex(lhs, resultShape, vars)) *
             rhs.at(broadcastIndex(rhs, resultShape, vars)));
  return result;
}

//===----------------------------------------------------------------------===//
// Pooling, softmax, embedding
//===----------------------------------------------------------------------===//

namespace {

/// The window of a 2-D pooling at output (x, y): the input element at tap
/// (r.x, r.y), or `outside` in the padding.
Expr poolTap(const Tensor &input, llvm::ArrayRef<Var> vars, const RDom &r,
             llvm::ArrayRef<int64_t> stride, llvm::ArrayRef<int64_t> padding,
             Expr outside) {
  std::vector<Expr> index = {vars[0], vars[1],
                             vars[2] * i32(stride[0]) + r.y - i32(padding[0]),
                             vars[3] * i32(stride[1]) + r.x - i32(padding[1])};
  if (padding[0] == 0 && padding[1] == 0)
    return input.at(index);
  return readPadded(input, index, {2, 3}, outside);
}

} // namespace

Func emitMaxPool2D(const Tensor &input, llvm::ArrayRef<int64_t> kernel,
                   llvm::ArrayRef<int64_t> stride, llvm::ArrayRef<int64_t> padding,
                   const std::string &name) {
  std::vector<Var> vars = makeVars(4, {"n", "c", "y", "x"});
  RDom r(0, i32(kernel[1]), 0, i32(kernel[0]), name + "_r");
  Func result(name);
  define(result, vars,
         maximum(poolTap(input, vars, r, stride, padding, Float(32).min())));
  return result;
}

Func emitAvgPool2D(const Tensor &input, llvm::ArrayRef<int64_t> kernel,
                   llvm::ArrayRef<int64_t> stride, llvm::ArrayRef<int64_t> padding,
                   const std::string &name) {
  std::vector<Var> vars = makeVars(4, {"n", "c", "y", "x"});
  RDom r(0, i32(kernel[1]), 0, i32(kernel[0]), name + "_r");
  Func result(name);
  // count_include_pad: the padding counts in the divisor.
  define(result, vars,
         sum(poolTap(input, vars, r, stride, padding, 0.0f)) /
             static_cast<float>(kernel[0] * kernel[1]));
  return result;
}

GlobalAvgPool2DFuncs emitGlobalAvgPool2D(const Tensor &input, const std::string &name) {
  std::vector<Var> vars = makeVars(4, {"n", "c", "y", "x"});
  Var n = vars[0], c = vars[1];
  int64_t height = input.shape[2], width = input.shape[3];
  GlobalAvgPool2DFuncs funcs;
  funcs.reduction = RDom(0, i32(width), 0, i32(height), name + "_r");
  funcs.sum = Func(name + "_sum");
  funcs.sum(c, n) = 0.0f;
  funcs.sum(c, n) += input.at({n, c, funcs.reduction.y, funcs.reduction.x});
  funcs.result = Func(name);
  define(funcs.result, vars, funcs.sum(c, n) / static_cast<float>(height * width));
  return funcs;
}

SoftmaxFuncs emitSoftmax(const Tensor &input, int64_t axis, const std::string &name) {
  int rank = input.rank();
  std::vector<Var> vars = makeVars(rank, {"i"});
  SoftmaxFuncs funcs;
  funcs.axis = rank - 1 - static_cast<int>(axis);
  funcs.reduction = RDom(0, i32(input.shape[axis]), name + "_r");
  // The reduced Funcs have every coordinate but the axis (Halide order).
  std::vector<Var> others;
  for (int dim = rank - 1; dim >= 0; --dim)
    if (dim != axis)
      others.push_back(vars[dim]);
  std::vector<Expr> reduced = asExprs(vars);
  reduced[axis] = funcs.reduction.x;

  funcs.maximum = Func(name + "_max");
  funcs.maximum(others) = Float(32).min();
  funcs.maximum(others) = max(funcs.maximum(others), input.at(reduced));
  funcs.exponential = Func(name + "_exp");
  define(funcs.exponential, vars, exp(input.at(asExprs(vars)) - funcs.maximum(others)));
  funcs.sum = Func(name + "_sum");
  funcs.sum(others) = 0.0f;
  std::vector<Expr> reducedHalide(reduced.rbegin(), reduced.rend());
  funcs.sum(others) += funcs.exponential(reducedHalide);
  funcs.result = Func(name);
  define(funcs.result, vars, funcs.exponential(reversed(vars)) / funcs.sum(others));
  return funcs;
}

Func emitEmbedding(const Tensor &ids, const Tensor &table, const std::string &name) {
  std::vector<Var> vars = makeVars(ids.rank() + 1);
  Var feature = vars.back();
  std::vector<Expr> idIndex(vars.begin(), vars.end() - 1);
  Expr id = clamp(ids.at(idIndex), 0, i32(table.shape[0]) - 1);
  Func result(name);
  define(result, vars, table.at({id, feature}));
  return result;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

Func emitReshape(const Tensor &input, const std::vector<int64_t> &resultShape,
                 const std::string &name) {
  std::vector<Var> vars = makeVars(resultShape.size());
  // Split both shapes into the shortest runs of dimensions with equal element
  // counts; a run that is one dimension on both sides maps directly, the
  // others go through a row-major flat index of the run only.
  std::vector<Expr> index(input.rank());
  size_t out = 0, in = 0;
  while (out < resultShape.size() || in < input.shape.size()) {
    size_t outBegin = out, inBegin = in;
    int64_t outCount = 1, inCount = 1;
    do {
      if (outCount <= inCount && out < resultShape.size())
        outCount *= resultShape[out++];
      else if (in < input.shape.size())
        inCount *= input.shape[in++];
      else
        outCount *= resultShape[out++];
    } while (outCount != inCount);
    if (out - outBegin == 1 && in - inBegin == 1) {
      index[inBegin] = vars[outBegin];
      continue;
    }
    Expr flat = 0;
    for (size_t dim = outBegin; dim < out; ++dim)
      flat = flat * i32(resultShape[dim]) + vars[dim];
    int64_t stride = 1;
    for (size_t dim = in; dim-- > inBegin;) {
      Expr coordinate = flat / i32(stride);
      if (dim != inBegin)
        coordinate = coordinate % i32(input.shape[dim]);
      index[dim] = input.shape[dim] == 1 ? Expr(0) : coordinate;
      stride *= input.shape[dim];
    }
  }
  Func result(name);
  define(result, vars, input.at(index));
  return result;
}

Func emitTranspose(const Tensor &input, llvm::ArrayRef<int64_t> perm,
                   const std::string &name) {
  std::vector<Var> vars = makeVars(input.rank());
  std::vector<Expr> index(input.rank());
  for (size_t dim = 0; dim < perm.size(); ++dim)
    index[perm[dim]] = vars[dim];
  Func result(name);
  define(result, vars, input.at(index));
  return result;
}

Func emitConcat(llvm::ArrayRef<Tensor> inputs, int64_t axis, const std::string &name) {
  std::vector<Var> vars = makeVars(inputs.front().rank());
  Expr value;
  int64_t offset = 0;
  for (const Tensor &input : inputs) {
    std::vector<Expr> index = asExprs(vars);
    int64_t extent = input.shape[axis];
    // Clamped so that bounds inference keeps every input inside its extent.
    index[axis] = clamp(vars[axis] - i32(offset), 0, i32(extent) - 1);
    Expr element = input.at(index);
    value = value.defined() ? select(vars[axis] < i32(offset), value, element) : element;
    offset += extent;
  }
  Func result(name);
  define(result, vars, value);
  return result;
}

Func emitSlice(const Tensor &input, int64_t axis, int64_t start, int64_t step,
               const std::vector<int64_t> &resultShape, const std::string &name) {
  std::vector<Var> vars = makeVars(resultShape.size());
  std::vector<Expr> index = asExprs(vars);
  index[axis] = i32(start) + vars[axis] * i32(step);
  Func result(name);
  define(result, vars, input.at(index));
  return result;
}

} // namespace loom
