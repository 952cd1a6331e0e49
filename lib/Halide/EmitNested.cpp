// Halide algorithms of nested_ffn (MatFormer) and nested_embedding (MRL): the
// reductions over hidden units or features run to the run-time width, so
// only a prefix of each weight is read.
#include "lib/Halide/EmitNested.h"

#include <cmath>

using namespace Halide;

namespace loom {

namespace {

/// Matches EmitCore's activations (exact-erf GELU; PyTorch's tanh form).
Expr activate(llvm::StringRef activation, Expr x) {
  if (activation == "relu")
    return max(x, 0.0f);
  if (activation == "silu")
    return x / (1.0f + exp(-x));
  if (activation == "gelu_tanh") {
    const float sqrtTwoOverPi = 0.7978845608028654f;
    Expr inner = sqrtTwoOverPi * (x + 0.044715f * x * x * x);
    // tanh(u) = 1 - 2 / (1 + exp(2u)), vectorizable; clamped so exp stays finite.
    Expr u = clamp(inner, -20.0f, 20.0f);
    Expr tanhInner = 1.0f - 2.0f / (1.0f + exp(2.0f * u));
    return 0.5f * x * (1.0f + tanhInner);
  }
  return 0.5f * x * (1.0f + erf(x * static_cast<float>(M_SQRT1_2)));
}

/// Halide-ordered arguments (o, rows...) from PyTorch-ordered Vars.
std::vector<Var> halideOrder(const std::vector<Var> &vars) {
  return std::vector<Var>(vars.rbegin(), vars.rend());
}

} // namespace

NestedFFNFuncs emitNestedFFN(const Tensor &input, const Tensor &fc1Weight,
                             const Tensor *fc1Bias, const Tensor &fc2Weight,
                             const Tensor *fc2Bias, llvm::StringRef activation,
                             llvm::ArrayRef<int64_t> granularities, Expr width,
                             const std::string &name) {
  int rank = input.rank();
  NestedFFNFuncs funcs;
  funcs.dModel = input.shape.back();
  funcs.hiddenSize = fc1Weight.shape[0];
  funcs.granularities.assign(granularities.begin(), granularities.end());
  funcs.width = width;
  funcs.input = input.func;
  funcs.fc1Weight = fc1Weight.func;
  funcs.fc2Weight = fc2Weight.func;

  // Up projection: hidden units j (computed for j < width only, since the
  // down projection asks for no more).
  std::vector<Var> hiddenVars = makeVars(rank, {"m", "j"});
  Var j = hiddenVars.back();
  funcs.inputReduction = RDom(0, static_cast<int>(funcs.dModel), name + "_k");
  RVar k = funcs.inputReduction.x;
  funcs.hiddenAccumulate = Func(name + "_hidden_accumulate");
  define(funcs.hiddenAccumulate, hiddenVars, fc1Bias ? fc1Bias->at({j}) : Expr(0.0f));
  std::vector<Expr> inputIndex(hiddenVars.begin(), hiddenVars.end());
  inputIndex.back() = k;
  std::vector<Var> hiddenArgs = halideOrder(hiddenVars);
  funcs.hiddenAccumulate(hiddenArgs) += input.at(inputIndex) * fc1Weight.at({j, k});
  funcs.hidden = Func(name + "_hidden");
  funcs.hidden(hiddenArgs) = activate(activation, funcs.hiddenAccumulate(hiddenArgs));

  // Down projection over the first `width` hidden units: fc2_weight[:, :width].
  std::vector<Var> vars = makeVars(rank, {"m", "o"});
  Var o = vars.back();
  funcs.hiddenReduction = RDom(0, width, name + "_j");
  RVar r = funcs.hiddenReduction.x;
  funcs.outputAccumulate = Func(name + "_accumulate");
  define(funcs.outputAccumulate, vars, fc2Bias ? fc2Bias->at({o}) : Expr(0.0f));
  std::vector<Var> args = halideOrder(vars);
  std::vector<Expr> hiddenIndex(args.begin(), args.end());
  hiddenIndex[0] = r;
  funcs.outputAccumulate(args) += funcs.hidden(hiddenIndex) * fc2Weight.at({o, r});
  funcs.result = Func(name);
  funcs.result(args) = funcs.outputAccumulate(args);
  return funcs;
}

NestedEmbeddingFuncs emitNestedEmbedding(const Tensor &input, bool normalize,
                                         llvm::ArrayRef<int64_t> granularities,
                                         Expr width, const std::string &name) {
  int rank = input.rank();
  NestedEmbeddingFuncs funcs;
  funcs.granularities.assign(granularities.begin(), granularities.end());
  funcs.width = width;
  std::vector<Var> vars = makeVars(rank, {"row", "i"});
  Var i = vars.back();
  std::vector<Var> rows(vars.rbegin() + 1, vars.rend()); // Halide order, all but i
  std::vector<Expr> index(vars.begin(), vars.end());
  Expr value = input.at(index);
  if (normalize) {
    // F.normalize(x[..., :width], dim=-1): x / max(‖x‖₂, 1e-12).
    funcs.reduction = RDom(0, width, name + "_r");
    funcs.sumSquares = Func(name + "_sum_squares");
    funcs.sumSquares(rows) = 0.0f;
    std::vector<Expr> reduced = index;
    reduced.back() = funcs.reduction.x;
    Expr element = input.at(reduced);
    funcs.sumSquares(rows) += element * element;
    value = value / max(sqrt(funcs.sumSquares(rows)), 1e-12f);
  }
  funcs.result = Func(name);
  define(funcs.result, vars, select(i < width, value, 0.0f));
  return funcs;
}

} // namespace loom
