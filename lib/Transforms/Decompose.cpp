// loom-decompose: expands block ops (loom.mamba, loom.mamba2, loom.hydra) into
// the layer ops that make them up, so that every later pass and the lowering
// see only layers.
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
  Value reshape(StringRef part, Value x, ArrayRef<int64_t> shape) {
    return make(part, "reshape", x,
                {builder.getNamedAttr("shape", builder.getDenseI64ArrayAttr(shape))});
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

/// in_proj, then the depthwise convolution + silu over the xBC part of its
/// output, as Mamba2 and Hydra share them: returns {z, xBC, dt} with xBC
/// [B, L, conv_dim] after the activation. `padding` is d_conv − 1 (causal:
/// the first L outputs are kept) or d_conv / 2 (centred: exactly L outputs).
struct Projected {
  Value z, xBC, dt;
};
Projected projectAndConvolve(OpMaker &m, Value x, Value inProj, Value convWeight,
                             Value convBias, int64_t inner, int64_t padding) {
  int64_t length = dim(x, 1), convDim = dim(convWeight, 0), total = dim(inProj, 0);
  Value zxbcdt = m.make("in_proj", "linear", {x, inProj});
  Projected p;
  p.z = m.slice("z", zxbcdt, 2, 0, inner);
  p.dt = m.slice("dt", zxbcdt, 2, inner + convDim, total);
  Value xbc = m.swapLastTwo("xBC", m.slice("xBC", zxbcdt, 2, inner, inner + convDim));
  Value conv = m.make("conv1d", "conv1d", {xbc, convWeight, convBias},
                      {m.integer("padding", padding), m.integer("groups", convDim)});
  if (dim(conv, 2) != length)
    conv = m.slice("conv1d", conv, 2, 0, length);
  p.xBC = m.swapLastTwo("act", m.make("act", "silu", conv));
  return p;
}

/// One direction of Mamba-2's scan over x [B, L, H, P] with B, C taken from
/// xBC's channels [bStart, bStart + G·N) and [bStart + G·N, bStart + 2·G·N).
Value scanDirection(OpMaker &m, StringRef part, Value x, Value xBC, Value dt, Value aLog,
                    Value d, Value dtBias, int64_t bStart, int64_t groups, int64_t states,
                    bool reverse, bool shift) {
  int64_t batch = dim(x, 0), length = dim(x, 1), groupStates = groups * states;
  Value b = m.reshape(part, m.slice(part, xBC, 2, bStart, bStart + groupStates),
                      {batch, length, groups, states});
  Value c = m.reshape(part, m.slice(part, xBC, 2, bStart + groupStates,
                                    bStart + 2 * groupStates),
                      {batch, length, groups, states});
  SmallVector<Value> operands = {x, dt, aLog, b, c};
  if (d)
    operands.push_back(d);
  operands.push_back(dtBias);
  OpBuilder &builder = m.builder;
  return m.make(part, "ssd_scan", operands,
                {builder.getNamedAttr("dt_softplus", builder.getBoolAttr(true)),
                 builder.getNamedAttr("a_is_log", builder.getBoolAttr(true)),
                 builder.getNamedAttr("reverse", builder.getBoolAttr(reverse)),
                 builder.getNamedAttr("shift", builder.getBoolAttr(shift)),
                 builder.getNamedAttr("operandSegmentSizes",
                                      builder.getDenseI32ArrayAttr(
                                          {1, 1, 1, 1, 1, d ? 1 : 0, 0, 1}))});
}

/// mamba_ssm's `Mamba2.forward` (inference, no cache, rmsnorm, d_ssm =
/// d_inner): in_proj → z | xBC | dt, causal conv + silu over xBC, the SSD
/// scan with D and dt_bias, RMSNormGated(y, z) per group, out_proj.
Value decomposeMamba2(loom::Mamba2Op block) {
  OpMaker m(block);
  Value x = block.getInput();
  int64_t batch = dim(x, 0), length = dim(x, 1), inner = dim(block.getOutProjWeight(), 1),
          heads = dim(block.getALog(), 0), groups = block.getNgroups(),
          states = (dim(block.getConv1dWeight(), 0) - inner) / (2 * groups),
          kernel = dim(block.getConv1dWeight(), 2);
  Projected p = projectAndConvolve(m, x, block.getInProjWeight(), block.getConv1dWeight(),
                                   block.getConv1dBias(), inner, kernel - 1);
  Value xs = m.reshape("x", m.slice("x", p.xBC, 2, 0, inner),
                       {batch, length, heads, inner / heads});
  Value y = scanDirection(m, "scan", xs, p.xBC, p.dt, block.getALog(), block.getD(),
                          block.getDtBias(), inner, groups, states, false, false);
  Value gated = m.make("norm", "gated_rms_norm",
                       {m.reshape("norm", y, {batch, length, inner}), p.z,
                        block.getNormWeight()},
                       {m.integer("group_size", inner / groups)});
  return m.make("out_proj", "linear", {gated, block.getOutProjWeight()});
}

/// goombalab/hydra's `Hydra.forward` (no learnable initial states): in_proj
/// → z | xBC | dt, centred conv + silu, a forward and a backward shifted
/// SSD scan (own B, C and dt each; shared A_log and dt_bias), the
/// data-dependent skip x·(fc_D(x) + D) per head, RMSNormGated with the norm
/// before the gate, out_proj.
Value decomposeHydra(loom::HydraOp block) {
  OpMaker m(block);
  Value x = block.getInput();
  int64_t batch = dim(x, 0), length = dim(x, 1), inner = dim(block.getOutProjWeight(), 1),
          heads = dim(block.getALog(), 0), groups = block.getNgroups(),
          states = (dim(block.getConv1dWeight(), 0) - inner) / (4 * groups),
          kernel = dim(block.getConv1dWeight(), 2), groupStates = groups * states;
  Projected p = projectAndConvolve(m, x, block.getInProjWeight(), block.getConv1dWeight(),
                                   block.getConv1dBias(), inner, kernel / 2);
  Value xFlat = m.slice("x", p.xBC, 2, 0, inner);
  Value xs = m.reshape("x", xFlat, {batch, length, heads, inner / heads});
  Value forward = scanDirection(m, "scan_fwd", xs, p.xBC, m.slice("dt_fwd", p.dt, 2, 0, heads),
                                block.getALog(), nullptr, block.getDtBias(), inner, groups,
                                states, /*reverse=*/false, /*shift=*/true);
  Value backward = scanDirection(
      m, "scan_bwd", xs, p.xBC, m.slice("dt_bwd", p.dt, 2, heads, 2 * heads), block.getALog(),
      nullptr, block.getDtBias(), inner + 2 * groupStates, groups, states,
      /*reverse=*/true, /*shift=*/true);
  // D per (b, l, h): fc_D(x) + D, broadcast over the head dimension.
  Value skip = m.reshape("fc_D", m.make("fc_D", "linear", {xFlat, block.getFc_DWeight(),
                                                          block.getD()}),
                         {batch, length, heads, 1});
  Value y = m.make("mix", "add", {m.make("mix", "add", {forward, backward}),
                                  m.make("skip", "mul", {xs, skip})});
  Value normed = m.make("norm", "gated_rms_norm",
                        {m.reshape("norm", y, {batch, length, inner}), p.z,
                         block.getNormWeight()},
                        {m.builder.getNamedAttr("norm_before_gate",
                                                m.builder.getBoolAttr(true))});
  return m.make("out_proj", "linear", {normed, block.getOutProjWeight()});
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
    SmallVector<loom::Mamba2Op> mamba2s;
    getOperation().walk([&](loom::Mamba2Op op) { mamba2s.push_back(op); });
    for (loom::Mamba2Op block : mamba2s) {
      block.getResult().replaceAllUsesWith(decomposeMamba2(block));
      block.erase();
    }
    SmallVector<loom::HydraOp> hydras;
    getOperation().walk([&](loom::HydraOp op) { hydras.push_back(op); });
    for (loom::HydraOp block : hydras) {
      block.getResult().replaceAllUsesWith(decomposeHydra(block));
      block.erase();
    }
  }
};

} // namespace
