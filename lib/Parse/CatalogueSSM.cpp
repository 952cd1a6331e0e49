// Language builders of the state-space ops: the parameters each layer owns,
// named as mamba_ssm names them, and the op it creates.
#include "lib/Parse/CatalogueSSM.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace loom::parse {

namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

} // namespace

FailureOr<Value> buildSelectiveScan(LayerBuilder &b, ValueRange x, const Arguments &args) {
  for (Value tensor : x)
    if (failed(b.requireRank(tensor, 3, "[B, D, L] or [B, N, L]")))
      return failure();
  int64_t channels = shapeOf(x[0])[1], states = shapeOf(x[2])[1];
  // A_log, D and dt_proj.bias init as Mamba's are not expressible here; the
  // fan_in draw keeps A = −exp(A_log) in [−e, −1/e], a stable decay.
  auto aLog = b.param("A_log", {channels, states}, "fan_in", 1);
  if (failed(aLog))
    return failure();
  SmallVector<Value> operands = {x[0], x[1], *aLog, x[2], x[3]};
  int32_t hasD = args.boolean("D"), hasZ = x.size() > 4,
          hasBias = args.boolean("delta_bias");
  if (hasD) {
    auto d = b.param("D", {channels}, "ones", 1);
    if (failed(d))
      return failure();
    operands.push_back(*d);
  }
  if (hasZ)
    operands.push_back(x[4]);
  if (hasBias) {
    auto bias = b.param("delta_bias", {channels}, "zeros", 1);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("delta_softplus",
                           builder.getBoolAttr(args.boolean("delta_softplus"))),
      builder.getNamedAttr("a_is_log", builder.getBoolAttr(true)),
      builder.getNamedAttr("operandSegmentSizes",
                           builder.getDenseI32ArrayAttr({1, 1, 1, 1, 1, hasD, hasZ, hasBias})),
  };
  return b.create("selective_scan", operands, attrs);
}

FailureOr<Value> buildSSDScan(LayerBuilder &b, ValueRange x, const Arguments &args) {
  if (failed(b.requireRank(x[0], 4, "[B, L, H, P]")) ||
      failed(b.requireRank(x[1], 3, "[B, L, H]")) ||
      failed(b.requireRank(x[2], 4, "[B, L, G, N]")))
    return failure();
  int64_t heads = shapeOf(x[0])[2];
  auto aLog = b.param("A_log", {heads}, "fan_in", 1);
  if (failed(aLog))
    return failure();
  SmallVector<Value> operands = {x[0], x[1], *aLog, x[2], x[3]};
  int32_t hasD = args.boolean("D"), hasZ = x.size() > 4, hasBias = args.boolean("dt_bias");
  if (hasD) {
    auto d = b.param("D", {heads}, "ones", 1);
    if (failed(d))
      return failure();
    operands.push_back(*d);
  }
  if (hasZ)
    operands.push_back(x[4]);
  if (hasBias) {
    auto bias = b.param("dt_bias", {heads}, "zeros", 1);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("dt_softplus", builder.getBoolAttr(args.boolean("dt_softplus"))),
      builder.getNamedAttr("a_is_log", builder.getBoolAttr(true)),
      builder.getNamedAttr("reverse", builder.getBoolAttr(args.boolean("reverse"))),
      builder.getNamedAttr("shift", builder.getBoolAttr(args.boolean("shift"))),
      builder.getNamedAttr("operandSegmentSizes",
                           builder.getDenseI32ArrayAttr({1, 1, 1, 1, 1, hasD, hasZ, hasBias})),
  };
  return b.create("ssd_scan", operands, attrs);
}

FailureOr<Value> buildHydraScan(LayerBuilder &b, ValueRange x, const Arguments &) {
  if (failed(b.requireRank(x[0], 4, "[B, L, H, P]")) ||
      failed(b.requireRank(x[3], 4, "[B, L, G, N]")))
    return failure();
  int64_t heads = shapeOf(x[0])[2];
  auto aLog = b.param("A_log", {heads}, "fan_in", 1);
  if (failed(aLog))
    return failure();
  auto d = b.param("D", {heads}, "ones", 1);
  if (failed(d))
    return failure();
  auto bias = b.param("dt_bias", {heads}, "zeros", 1);
  if (failed(bias))
    return failure();
  Builder &builder = b.builder();
  auto direction = [&](Value dt, bool reverse, bool withD) {
    SmallVector<Value> operands = {x[0], dt, *aLog, x[3], x[4]};
    if (withD)
      operands.push_back(*d);
    operands.push_back(*bias);
    NamedAttribute attrs[] = {
        builder.getNamedAttr("dt_softplus", builder.getBoolAttr(true)),
        builder.getNamedAttr("a_is_log", builder.getBoolAttr(true)),
        builder.getNamedAttr("reverse", builder.getBoolAttr(reverse)),
        builder.getNamedAttr("shift", builder.getBoolAttr(true)),
        builder.getNamedAttr("operandSegmentSizes",
                             builder.getDenseI32ArrayAttr({1, 1, 1, 1, 1, withD, 0, 1})),
    };
    return b.create("ssd_scan", operands, attrs);
  };
  // D·x is added once, unshifted, by the forward scan.
  auto forward = direction(x[1], /*reverse=*/false, /*withD=*/true);
  if (failed(forward))
    return failure();
  auto backward = direction(x[2], /*reverse=*/true, /*withD=*/false);
  if (failed(backward))
    return failure();
  return b.create("add", {*forward, *backward});
}

FailureOr<Value> buildMamba(LayerBuilder &b, ValueRange x, const Arguments &args) {
  if (failed(b.requireRank(x[0], 3, "[B, L, d_model]")))
    return failure();
  int64_t model = shapeOf(x[0])[2];
  int64_t states = args.integer("d_state"), kernel = args.integer("d_conv");
  int64_t inner = args.integer("expand") * model;
  int64_t rank = args.has("dt_rank") ? args.integer("dt_rank") : (model + 15) / 16;
  struct Spec {
    const char *name;
    SmallVector<int64_t, 3> shape;
    const char *init;
    int64_t fanIn;
  };
  // The order of mamba_ssm's Mamba.state_dict() is A_log, D, in_proj, ...;
  // the op takes them in data-flow order.
  Spec specs[] = {
      {"in_proj.weight", {2 * inner, model}, "fan_in", model},
      {"conv1d.weight", {inner, 1, kernel}, "fan_in", kernel},
      {"conv1d.bias", {inner}, "fan_in", kernel},
      {"x_proj.weight", {rank + 2 * states, inner}, "fan_in", inner},
      {"dt_proj.weight", {inner, rank}, "fan_in", rank},
      {"dt_proj.bias", {inner}, "fan_in", rank},
      {"A_log", {inner, states}, "fan_in", 1},
      {"D", {inner}, "ones", 1},
      {"out_proj.weight", {model, inner}, "fan_in", inner},
  };
  SmallVector<Value> operands = {x[0]};
  for (const Spec &spec : specs) {
    auto param = b.param(spec.name, spec.shape, spec.init, spec.fanIn);
    if (failed(param))
      return failure();
    operands.push_back(*param);
  }
  return b.create("mamba", operands);
}

namespace {

struct ParamSpec {
  const char *name;
  SmallVector<int64_t, 3> shape;
  const char *init;
  int64_t fanIn;
};

/// The common keywords of mamba2 and hydra and what they make.
struct BlockArgs {
  int64_t model, inner, heads, groups, states, kernel;
};

FailureOr<BlockArgs> blockArgs(LayerBuilder &b, Value x, const Arguments &args,
                               StringRef op) {
  if (failed(b.requireRank(x, 3, "[B, L, d_model]")))
    return failure();
  BlockArgs a;
  a.model = shapeOf(x)[2];
  a.inner = args.integer("expand") * a.model;
  a.states = args.integer("d_state");
  a.kernel = args.integer("d_conv");
  a.groups = args.integer("ngroups");
  int64_t headdim = args.integer("headdim");
  if (a.inner % headdim != 0) {
    b.emitError() << op << ": d_inner = expand·d_model = " << a.inner
                  << " is not a multiple of headdim " << headdim;
    return failure();
  }
  a.heads = a.inner / headdim;
  if (a.heads % a.groups != 0) {
    b.emitError() << op << ": nheads = d_inner / headdim = " << a.heads
                  << " is not a multiple of ngroups " << a.groups;
    return failure();
  }
  return a;
}

FailureOr<Value> buildBlock(LayerBuilder &b, Value x, ArrayRef<ParamSpec> specs,
                            StringRef op, int64_t groups) {
  SmallVector<Value> operands = {x};
  for (const ParamSpec &spec : specs) {
    auto param = b.param(spec.name, spec.shape, spec.init, spec.fanIn);
    if (failed(param))
      return failure();
    operands.push_back(*param);
  }
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("ngroups", builder.getI64IntegerAttr(groups))};
  return b.create(op, operands, attrs);
}

} // namespace

FailureOr<Value> buildMamba2(LayerBuilder &b, ValueRange x, const Arguments &args) {
  auto a = blockArgs(b, x[0], args, "mamba2");
  if (failed(a))
    return failure();
  int64_t convDim = a->inner + 2 * a->groups * a->states;
  // Mamba2.state_dict() lists dt_bias, A_log, D, then in_proj, conv1d, norm,
  // out_proj; the op takes them in data-flow order.
  ParamSpec specs[] = {
      {"in_proj.weight", {2 * a->inner + 2 * a->groups * a->states + a->heads, a->model},
       "fan_in", a->model},
      {"conv1d.weight", {convDim, 1, a->kernel}, "fan_in", a->kernel},
      {"conv1d.bias", {convDim}, "fan_in", a->kernel},
      {"dt_bias", {a->heads}, "zeros", 1},
      {"A_log", {a->heads}, "fan_in", 1},
      {"D", {a->heads}, "ones", 1},
      {"norm.weight", {a->inner}, "ones", 1},
      {"out_proj.weight", {a->model, a->inner}, "fan_in", a->inner},
  };
  return buildBlock(b, x[0], specs, "mamba2", a->groups);
}

FailureOr<Value> buildHydra(LayerBuilder &b, ValueRange x, const Arguments &args) {
  auto a = blockArgs(b, x[0], args, "hydra");
  if (failed(a))
    return failure();
  if (a->kernel % 2 == 0) {
    b.emitError() << "hydra: d_conv must be odd (the convolution is centred, padding "
                     "d_conv/2) but is "
                  << a->kernel;
    return failure();
  }
  int64_t convDim = a->inner + 4 * a->groups * a->states;
  ParamSpec specs[] = {
      {"in_proj.weight", {2 * a->inner + 4 * a->groups * a->states + 2 * a->heads, a->model},
       "fan_in", a->model},
      {"conv1d.weight", {convDim, 1, a->kernel}, "fan_in", a->kernel},
      {"conv1d.bias", {convDim}, "fan_in", a->kernel},
      {"dt_bias", {a->heads}, "zeros", 1},
      {"A_log", {a->heads}, "zeros", 1},
      {"D", {a->heads}, "ones", 1},
      {"fc_D.weight", {a->heads, a->inner}, "fan_in", a->inner},
      {"norm.weight", {a->inner}, "ones", 1},
      {"out_proj.weight", {a->model, a->inner}, "fan_in", a->inner},
  };
  return buildBlock(b, x[0], specs, "hydra", a->groups);
}

FailureOr<Value> buildGatedRMSNorm(LayerBuilder &b, ValueRange x, const Arguments &args) {
  if (shapeOf(x[0]).empty()) {
    b.emitError() << "gated_rms_norm: input must have rank ≥ 1 ([..., C]) but has shape []";
    return failure();
  }
  int64_t channels = shapeOf(x[0]).back();
  auto weight = b.param("weight", {channels}, "ones", 1);
  if (failed(weight))
    return failure();
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("group_size",
                           builder.getI64IntegerAttr(args.integer("group_size"))),
      builder.getNamedAttr("norm_before_gate",
                           builder.getBoolAttr(args.boolean("norm_before_gate"))),
      builder.getNamedAttr("eps", builder.getF64FloatAttr(args.number("eps"))),
  };
  return b.create("gated_rms_norm", {x[0], x[1], *weight}, attrs);
}

FailureOr<Value> buildTiedLinear(LayerBuilder &b, ValueRange x, const Arguments &args) {
  auto weight = b.existingParam(args.string("weight"));
  if (failed(weight))
    return failure();
  return b.create("linear", {x[0], *weight});
}

} // namespace loom::parse
