// loom-decompose: expands block ops (loom.mamba) into the layer ops that
// make them up, so that every later pass and the lowering see only layers.
#include "lib/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace loom {
#define GEN_PASS_DEF_LOOMDECOMPOSE
#include "dialect/Passes.h.inc"
} // namespace loom

using namespace mlir;

namespace {

/// Creates typed loom ops named `<layer>.<part>` at one block op's place.
class OpMaker {
public:
  OpMaker(Operation *block) : builder(block), block(block), layer(loom::getLayerName(block)) {}

  /// `loom.<op>`, its result type inferred (the block op verified, so the
  /// parts' shapes agree by construction).
  Value make(StringRef part, StringRef op, ValueRange operands,
             ArrayRef<NamedAttribute> attributes = {}) {
    Location loc = block->getLoc();
    if (!layer.empty())
      loc = NameLoc::get(builder.getStringAttr(layer + "." + part.str()), loc);
    OperationState state(loc, ("loom." + op).str());
    state.addOperands(operands);
    state.addAttributes(attributes);
    SmallVector<Type> types;
    auto infer = loom::lookupInferReturnTypes(state.name.getStringRef());
    if (!infer || failed(infer(builder.getContext(), loc, operands,
                               state.attributes.getDictionary(builder.getContext()),
                               OpaqueProperties(nullptr), RegionRange(), types)))
      llvm::report_fatal_error("loom-decompose: a part of a verified block did not type");
    state.addTypes(types);
    return builder.create(state)->getResult(0);
  }

  NamedAttribute integer(StringRef name, int64_t value) {
    return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
  }
  /// x[..., start:end] along `axis`.
  Value slice(StringRef part, Value x, int64_t axis, int64_t start, int64_t end) {
    return make(part, "slice", x,
                {integer("axis", axis), integer("start", start), integer("end", end)});
  }
  /// [B, X, Y] → [B, Y, X].
  Value swapLastTwo(StringRef part, Value x) {
    return make(part, "transpose", x,
                {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr({0, 2, 1}))});
  }

  OpBuilder builder;

private:
  Operation *block;
  std::string layer;
};

int64_t dim(Value value, int64_t index) {
  return cast<RankedTensorType>(value.getType()).getShape()[index];
}

/// The Mamba block of mamba_ssm's `Mamba.forward` (inference, no cache).
Value decomposeMamba(loom::MambaOp mamba) {
  OpMaker m(mamba);
  Value x = mamba.getInput();
  int64_t length = dim(x, 1), inner = dim(mamba.getInProjWeight(), 0) / 2,
          kernel = dim(mamba.getConv1dWeight(), 2), states = dim(mamba.getALog(), 1),
          rank = dim(mamba.getDtProjWeight(), 1);

  Value xz = m.make("in_proj", "linear", {x, mamba.getInProjWeight()});
  Value xs = m.swapLastTwo("x", m.slice("x", xz, 2, 0, inner));      // [B, d_inner, L]
  Value z = m.swapLastTwo("z", m.slice("z", xz, 2, inner, 2 * inner));
  // Causal: pad d_conv − 1 on both sides and keep the first L outputs.
  Value conv = m.make("conv1d", "conv1d",
                      {xs, mamba.getConv1dWeight(), mamba.getConv1dBias()},
                      {m.integer("padding", kernel - 1), m.integer("groups", inner)});
  Value u = m.make("act", "silu", m.slice("conv1d", conv, 2, 0, length));
  Value projected = m.make("x_proj", "linear", {m.swapLastTwo("x_proj", u),
                                                mamba.getXProjWeight()});
  Value dt = m.slice("dt", projected, 2, 0, rank);
  Value b = m.swapLastTwo("B", m.slice("B", projected, 2, rank, rank + states));
  Value c = m.swapLastTwo("C", m.slice("C", projected, 2, rank + states,
                                       rank + 2 * states));
  Value delta = m.swapLastTwo("dt_proj", m.make("dt_proj", "linear",
                                                {dt, mamba.getDtProjWeight()}));
  OpBuilder &builder = m.builder;
  Value y = m.make(
      "scan", "selective_scan",
      {u, delta, mamba.getALog(), b, c, mamba.getD(), z, mamba.getDtProjBias()},
      {builder.getNamedAttr("delta_softplus", builder.getBoolAttr(true)),
       builder.getNamedAttr("a_is_log", builder.getBoolAttr(true)),
       builder.getNamedAttr("operandSegmentSizes",
                            builder.getDenseI32ArrayAttr({1, 1, 1, 1, 1, 1, 1, 1}))});
  return m.make("out_proj", "linear", {m.swapLastTwo("out_proj", y),
                                       mamba.getOutProjWeight()});
}

struct DecomposePass : loom::impl::LoomDecomposeBase<DecomposePass> {
  using LoomDecomposeBase::LoomDecomposeBase;

  void runOnOperation() override {
    SmallVector<loom::MambaOp> blocks;
    getOperation().walk([&](loom::MambaOp op) { blocks.push_back(op); });
    for (loom::MambaOp block : blocks) {
      block.getResult().replaceAllUsesWith(decomposeMamba(block));
      block.erase();
    }
  }
};

} // namespace
