// Halide algorithms of hyper_kernel (a coordinate network evaluated on the
// kernel grid) and hyper_zzw (the HyperZ·Z·W operator).
#include "lib/Halide/EmitHyper.h"

using namespace Halide;

namespace loom {

namespace {

int i32(int64_t value) { return static_cast<int>(value); }

} // namespace

HyperKernelFuncs emitHyperKernel(const Tensor *context, llvm::ArrayRef<Tensor> params,
                                 bool siren, int64_t kernel, int64_t channels,
                                 int64_t hidden, int64_t layers, double omega0,
                                 double beta, const std::string &name) {
  HyperKernelFuncs funcs;
  funcs.kernel = kernel;
  funcs.hidden = hidden;
  funcs.channels = channels;
  funcs.samples = context ? context->shape[0] : 0;
  // Hidden activations are f(j, x, y[, n]): j (the unit) innermost, so that
  // each linear map is a dot product over contiguous units.
  Var j("j"), x("x"), y("y"), n("n"), c("c");
  std::vector<Var> hiddenVars = {j, x, y};
  if (context)
    hiddenVars.push_back(n);
  auto call = [&](Func f, Expr unit) {
    std::vector<Expr> args = {unit, x, y};
    if (context)
      args.push_back(n);
    return f(args);
  };
  // p = (x, y) on linspace(-1, 1, k) along the kernel's last and
  // second-to-last dimensions.
  float step = 2.0f / static_cast<float>(kernel - 1);
  Expr px = -1.0f + cast<float>(x) * step, py = -1.0f + cast<float>(y) * step;

  size_t next = 0;
  auto take = [&]() -> const Tensor & { return params[next++]; };
  int counter = 0;
  // lin(j) = b[j] + Σ_m W[j, m] · h(m): a Func with one reduction update.
  auto linear = [&](const Tensor &weight, const Tensor &bias, Func input, int64_t inExtent) {
    Func f(name + "_layer" + std::to_string(counter++));
    RDom m(0, i32(inExtent), f.name() + "_r");
    f(hiddenVars) = bias.at({j});
    f(hiddenVars) += weight.at({j, m}) * call(input, m);
    funcs.layers.push_back(f);
    return f;
  };
  auto coordinateMap = [&](const Tensor &weight, const Tensor &bias) {
    return weight.at({j, 0}) * px + weight.at({j, 1}) * py + bias.at({j});
  };

  std::vector<std::pair<const Tensor *, const Tensor *>> filters, linears, gates;
  for (int64_t i = 0; i < (siren ? 0 : layers); ++i) {
    const Tensor &w = take();
    filters.push_back({&w, &take()});
  }
  for (int64_t i = 0; i < (siren ? layers : layers - 1); ++i) {
    const Tensor &w = take();
    linears.push_back({&w, &take()});
  }
  for (int64_t i = 0; context && i < layers; ++i) {
    const Tensor &w = take();
    gates.push_back({&w, &take()});
  }
  const Tensor &outWeight = take();
  const Tensor &outBias = take();

  // The gate of hidden layer i at each kernel position: V_i c(p) + d_i.
  Func contextChannels;
  if (context) {
    contextChannels = Func(name + "_context");
    contextChannels(j, x, y, n) = context->at({n, j, y, x});
  }
  auto gated = [&](Expr value, int64_t layer) -> Expr {
    if (!context)
      return value;
    Func gate = linear(*gates[layer].first, *gates[layer].second, contextChannels,
                       context->shape[1]);
    return value * call(gate, j);
  };

  Func current(name + "_hidden0");
  if (siren) {
    current(hiddenVars) = gated(
        sin(static_cast<float>(omega0) * coordinateMap(*linears[0].first, *linears[0].second)),
        0);
  } else {
    current(hiddenVars) = gated(sin(coordinateMap(*filters[0].first, *filters[0].second)), 0);
  }
  for (int64_t i = 1; i < layers; ++i) {
    Func next(name + "_hidden" + std::to_string(i));
    if (siren) {
      Func lin = linear(*linears[i].first, *linears[i].second, current, hidden);
      next(hiddenVars) = gated(sin(static_cast<float>(omega0) * call(lin, j)), i);
    } else {
      Func lin = linear(*linears[i - 1].first, *linears[i - 1].second, current, hidden);
      Expr filter = sin(coordinateMap(*filters[i].first, *filters[i].second));
      next(hiddenVars) = gated(filter * call(lin, j) + static_cast<float>(beta), i);
    }
    funcs.activations.push_back(current);
    current = next;
  }
  funcs.activations.push_back(current);

  // K(x, y, c[, n]) = b_out[c] + Σ_j W_out[c, j] h(j, x, y[, n]), in a Func
  // of its own: the stored result stays a pure Func (Halide assumes vector
  // alignment for loads of an output buffer in an update).
  funcs.outputLayer = Func(name + "_output_layer");
  funcs.result = Func(name);
  RDom r(0, i32(hidden), name + "_r");
  std::vector<Var> resultVars = {x, y, c};
  if (context)
    resultVars.push_back(n);
  std::vector<Expr> hiddenArgs = {r, x, y};
  if (context)
    hiddenArgs.push_back(n);
  funcs.outputLayer(resultVars) = outBias.at({c});
  funcs.outputLayer(resultVars) += outWeight.at({c, r}) * current(hiddenArgs);
  funcs.result(resultVars) = funcs.outputLayer(resultVars);
  return funcs;
}

HyperZZWFuncs emitHyperZZW(const Tensor &input, const Tensor &kernel, bool elementwise,
                           const std::string &name) {
  HyperZZWFuncs funcs;
  funcs.inputExtents.assign(input.shape.rbegin(), input.shape.rend());
  bool perSample = kernel.rank() == 4;
  int64_t kh = kernel.shape[kernel.rank() - 2], kw = kernel.shape[kernel.rank() - 1];
  funcs.kernel = kh;
  funcs.global = kh == input.shape[2] && kw == input.shape[3];
  funcs.conv = !elementwise;
  Var x("x"), y("y"), c("c"), n("n");
  auto kernelAt = [&](Expr kx, Expr ky) {
    return perSample ? kernel.at({n, c, ky, kx}) : kernel.at({c, ky, kx});
  };
  funcs.result = Func(name);
  if (elementwise) {
    funcs.result(x, y, c, n) = kernelAt(x, y) * input.at({n, c, y, x});
    return funcs;
  }

  // The context-dependent kernel: W ⊙ Z for the global form.
  funcs.contextKernel = Func(name + "_kernel");
  if (funcs.global)
    funcs.contextKernel(x, y, c, n) = kernelAt(x, y) * input.at({n, c, y, x});
  else
    funcs.contextKernel(x, y, c, n) = kernelAt(x, y);

  // "same" zero padding: (k-1)/2 before, the rest after (PyTorch).
  int padTop = i32((kh - 1) / 2), padLeft = i32((kw - 1) / 2);
  int height = i32(input.shape[2]), width = i32(input.shape[3]);
  funcs.paddedInput = Func(name + "_padded");
  Expr inside = x >= 0 && x < width && y >= 0 && y < height;
  funcs.paddedInput(x, y, c, n) =
      select(inside, input.at({n, c, clamp(y, 0, height - 1), clamp(x, 0, width - 1)}), 0.0f);

  funcs.reduction = RDom({{0, i32(kw)}, {0, i32(kh)}}, name + "_r");
  RVar kx = funcs.reduction[0], ky = funcs.reduction[1];
  funcs.accumulate = Func(name + "_accumulate");
  funcs.accumulate(x, y, c, n) = 0.0f;
  funcs.accumulate(x, y, c, n) += funcs.paddedInput(x + kx - padLeft, y + ky - padTop, c, n) *
                                  funcs.contextKernel(kx, ky, c, n);
  funcs.result(x, y, c, n) = funcs.accumulate(x, y, c, n);
  return funcs;
}

Func emitFoldBatchNormWeight(const Tensor &weight, const Tensor &runningMean,
                             const Tensor &runningVar, const Tensor &normWeight, double eps,
                             const std::string &name) {
  Var x("x"), y("y"), i("i"), o("o");
  Func folded(name);
  folded(x, y, i, o) = weight.at({o, i, y, x}) * normWeight.at({o}) /
                       sqrt(runningVar.at({o}) + static_cast<float>(eps));
  return folded;
}

Func emitFoldBatchNormBias(const Tensor &runningMean, const Tensor &runningVar,
                           const Tensor &normWeight, const Tensor &normBias,
                           const Tensor *convBias, double eps, const std::string &name) {
  Var o("o");
  Expr bias = convBias ? convBias->at({o}) : Expr(0.0f);
  Func folded(name);
  folded(o) = normBias.at({o}) + (bias - runningMean.at({o})) * normWeight.at({o}) /
                                     sqrt(runningVar.at({o}) + static_cast<float>(eps));
  return folded;
}

Func emitEmbedKernel(const Tensor &weight, int64_t size, int64_t dilation,
                     const std::string &name) {
  Var x("x"), y("y"), i("i"), o("o");
  int k = i32(weight.shape[2]), d = i32(dilation);
  int offset = i32((size - (dilation * (k - 1) + 1)) / 2);
  // Tap (a, b) of the small kernel lands at (offset + a·d, offset + b·d).
  Expr rx = x - offset, ry = y - offset;
  Expr onTap = rx >= 0 && ry >= 0 && rx % d == 0 && ry % d == 0 && rx / d < k && ry / d < k;
  Func embedded(name);
  embedded(x, y, i, o) = select(
      onTap, weight.at({o, i, clamp(ry / d, 0, k - 1), clamp(rx / d, 0, k - 1)}), 0.0f);
  return embedded;
}

} // namespace loom
