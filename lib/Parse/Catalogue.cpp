// The op catalogue of the Loom language and the builder of each op.
#include "lib/Parse/Catalogue.h"
#include "dialect/LoomDialect.h"
#include "lib/Parse/CatalogueSparse.h"
#include "lib/Parse/CatalogueSSM.h"
#include "lib/Parse/HyperBuilders.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;
using namespace loom::parse;
using loom::shapeString;
using Presence = KeywordSpec::Presence;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

int64_t loom::parse::elementCount(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t extent : shape)
    if (extent > 0 && __builtin_mul_overflow(count, extent, &count))
      return INT64_MAX;
  return count;
}

StringRef loom::parse::describe(ValueKind kind) {
  switch (kind) {
  case ValueKind::Integer: return "an integer";
  case ValueKind::IntegerOrPair: return "an integer or a list of 2 integers";
  case ValueKind::IntegerList: return "a list of integers";
  case ValueKind::Float: return "a number";
  case ValueKind::Bool: return "true or false";
  case ValueKind::String: return "a string";
  }
  return "a value";
}

static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

LogicalResult LayerBuilder::requireRank(Value value, int64_t rank, StringRef layout) {
  auto shape = shapeOf(value);
  if (static_cast<int64_t>(shape.size()) == rank)
    return success();
  return emitError() << opName() << ": input must have rank " << rank << " (" << layout
                     << ") but has shape " << shapeString(shape);
}

//===----------------------------------------------------------------------===//
// Arguments
//===----------------------------------------------------------------------===//

std::pair<const KeywordSpec *, const loom::syntax::Literal *>
Arguments::find(StringRef name) const {
  for (auto [index, spec] : llvm::enumerate(specs))
    if (spec.name == name)
      return {&spec, given[index]};
  return {nullptr, nullptr};
}

// Defaults are written in Loom syntax in the table; the table is trusted, so
// a malformed default reads as zero rather than failing.
int64_t Arguments::integer(StringRef name) const {
  auto [spec, value] = find(name);
  if (value)
    return value->integer;
  int64_t result = 0;
  if (spec)
    (void)spec->defaultValue.getAsInteger(10, result);
  return result;
}

SmallVector<int64_t, 2> Arguments::pair(StringRef name) const {
  auto [spec, value] = find(name);
  if (value && value->kind == syntax::Literal::Kind::List && value->elements.size() == 2)
    return {value->elements[0].integer, value->elements[1].integer};
  int64_t single = integer(name);
  return {single, single};
}

SmallVector<int64_t> Arguments::list(StringRef name) const {
  SmallVector<int64_t> result;
  if (const syntax::Literal *value = find(name).second)
    for (const syntax::Literal &element : value->elements)
      result.push_back(element.integer);
  return result;
}

double Arguments::number(StringRef name) const {
  auto [spec, value] = find(name);
  if (value)
    return value->kind == syntax::Literal::Kind::Integer
               ? static_cast<double>(value->integer)
               : value->number;
  return spec ? std::strtod(spec->defaultValue.str().c_str(), nullptr) : 0.0;
}

bool Arguments::boolean(StringRef name) const {
  auto [spec, value] = find(name);
  if (value)
    return value->boolean;
  return spec && spec->defaultValue == "true";
}

std::string Arguments::string(StringRef name) const {
  auto [spec, value] = find(name);
  if (value)
    return value->string;
  return spec ? spec->defaultValue.str() : std::string();
}

SMLoc Arguments::loc(StringRef name) const {
  const syntax::Literal *value = find(name).second;
  return value ? value->loc : SMLoc();
}

//===----------------------------------------------------------------------===//
// Builders, one per op
//===----------------------------------------------------------------------===//

namespace {

using Result = FailureOr<Value>;

Result buildLinear(LayerBuilder &b, ValueRange x, const Arguments &args) {
  int64_t in = shapeOf(x[0]).back(), out = args.integer("out_features");
  SmallVector<Value> operands = {x[0]};
  auto weight = b.param("weight", {out, in}, "fan_in", in);
  if (failed(weight))
    return failure();
  operands.push_back(*weight);
  if (args.boolean("bias")) {
    auto bias = b.param("bias", {out}, "fan_in", in);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  return b.create("linear", operands);
}

/// conv1d and conv2d: `kernel` holds the spatial kernel extents.
Result buildConvolution(LayerBuilder &b, ValueRange x, const Arguments &args,
                        ArrayRef<int64_t> kernel, ArrayRef<NamedAttribute> windowAttrs) {
  int64_t spatial = kernel.size();
  if (failed(b.requireRank(x[0], 2 + spatial, spatial == 1 ? "[N, C, L]" : "[N, C, H, W]")))
    return failure();
  int64_t inChannels = shapeOf(x[0])[1], outChannels = args.integer("out_channels"),
          groups = args.integer("groups");
  if (inChannels % groups != 0)
    return b.emitError() << b.opName() << ": input channels (dim 1 = " << inChannels
                         << ") are not divisible by groups = " << groups;
  if (outChannels % groups != 0)
    return b.emitError() << b.opName() << ": out_channels = " << outChannels
                         << " is not divisible by groups = " << groups;
  SmallVector<int64_t> weightShape = {outChannels, inChannels / groups};
  weightShape.append(kernel.begin(), kernel.end());
  int64_t fanIn = elementCount(ArrayRef<int64_t>(weightShape).drop_front());
  SmallVector<Value> operands = {x[0]};
  auto weight = b.param("weight", weightShape, "fan_in", fanIn);
  if (failed(weight))
    return failure();
  operands.push_back(*weight);
  if (args.boolean("bias")) {
    auto bias = b.param("bias", {outChannels}, "fan_in", fanIn);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  SmallVector<NamedAttribute> attrs(windowAttrs);
  attrs.push_back(b.builder().getNamedAttr("groups", b.builder().getI64IntegerAttr(groups)));
  return b.create(b.opName(), operands, attrs);
}

Result buildConv1D(LayerBuilder &b, ValueRange x, const Arguments &args) {
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("stride", builder.getI64IntegerAttr(args.integer("stride"))),
      builder.getNamedAttr("padding", builder.getI64IntegerAttr(args.integer("padding"))),
      builder.getNamedAttr("dilation", builder.getI64IntegerAttr(args.integer("dilation"))),
  };
  return buildConvolution(b, x, args, {args.integer("kernel")}, attrs);
}

Result buildConv2D(LayerBuilder &b, ValueRange x, const Arguments &args) {
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("stride", builder.getDenseI64ArrayAttr(args.pair("stride"))),
      builder.getNamedAttr("padding", builder.getDenseI64ArrayAttr(args.pair("padding"))),
      builder.getNamedAttr("dilation", builder.getDenseI64ArrayAttr(args.pair("dilation"))),
  };
  return buildConvolution(b, x, args, args.pair("kernel"), attrs);
}

NamedAttribute epsAttr(LayerBuilder &b, const Arguments &args) {
  return b.builder().getNamedAttr("eps", b.builder().getF64FloatAttr(args.number("eps")));
}

Result buildLayerNorm(LayerBuilder &b, ValueRange x, const Arguments &args) {
  int64_t size = shapeOf(x[0]).back();
  SmallVector<Value> operands = {x[0]};
  bool affine = args.boolean("affine");
  if (affine) {
    auto weight = b.param("weight", {size}, "ones", 1);
    if (failed(weight))
      return failure();
    auto bias = b.param("bias", {size}, "zeros", 1);
    if (failed(bias))
      return failure();
    operands.append({*weight, *bias});
  }
  int32_t present = affine ? 1 : 0;
  NamedAttribute attrs[] = {
      epsAttr(b, args),
      b.builder().getNamedAttr("operandSegmentSizes",
                               b.builder().getDenseI32ArrayAttr({1, present, present})),
  };
  return b.create("layer_norm", operands, attrs);
}

Result buildRMSNorm(LayerBuilder &b, ValueRange x, const Arguments &args) {
  auto weight = b.param("weight", {shapeOf(x[0]).back()}, "ones", 1);
  if (failed(weight))
    return failure();
  return b.create("rms_norm", {x[0], *weight}, {epsAttr(b, args)});
}

Result buildBatchNorm(LayerBuilder &b, ValueRange x, const Arguments &args) {
  auto shape = shapeOf(x[0]);
  if (shape.size() < 2)
    return b.emitError() << "batch_norm: input must have rank ≥ 2 ([N, C, ...]) but has shape "
                         << shapeString(shape);
  int64_t channels = shape[1];
  // state_dict order: weight, bias, running_mean, running_var.
  auto weight = b.param("weight", {channels}, "ones", 1);
  if (failed(weight))
    return failure();
  auto bias = b.param("bias", {channels}, "zeros", 1);
  if (failed(bias))
    return failure();
  auto mean = b.param("running_mean", {channels}, "zeros", 1);
  if (failed(mean))
    return failure();
  auto variance = b.param("running_var", {channels}, "ones", 1);
  if (failed(variance))
    return failure();
  return b.create("batch_norm", {x[0], *mean, *variance, *weight, *bias},
                  {epsAttr(b, args)});
}

Result buildPlain(LayerBuilder &b, ValueRange x, const Arguments &) {
  return b.create(b.opName(), x);
}

Result buildGelu(LayerBuilder &b, ValueRange x, const Arguments &args) {
  Builder &builder = b.builder();
  return b.create("gelu", x,
                  {builder.getNamedAttr("approximate",
                                        builder.getStringAttr(args.string("approximate")))});
}

Result buildPool(LayerBuilder &b, ValueRange x, const Arguments &args) {
  Builder &builder = b.builder();
  auto kernel = args.pair("kernel");
  auto stride = args.has("stride") ? args.pair("stride") : kernel;
  NamedAttribute attrs[] = {
      builder.getNamedAttr("kernel", builder.getDenseI64ArrayAttr(kernel)),
      builder.getNamedAttr("stride", builder.getDenseI64ArrayAttr(stride)),
      builder.getNamedAttr("padding", builder.getDenseI64ArrayAttr(args.pair("padding"))),
  };
  return b.create(b.opName(), x, attrs);
}

/// Resolves a possibly negative axis against `rank`, or fails with an error.
FailureOr<int64_t> resolveAxis(LayerBuilder &b, StringRef keyword, int64_t axis,
                               int64_t rank) {
  if (axis < -rank || axis >= rank)
    return b.emitError() << b.opName() << ": " << keyword << " " << axis
                         << " is out of range for rank " << rank << " (valid: " << -rank
                         << " to " << rank - 1 << ")";
  return axis < 0 ? axis + rank : axis;
}

Result buildSoftmax(LayerBuilder &b, ValueRange x, const Arguments &args) {
  int64_t axis = args.integer("axis");
  if (failed(resolveAxis(b, "axis", axis, shapeOf(x[0]).size())))
    return failure();
  return b.create("softmax", x,
                  {b.builder().getNamedAttr("axis", b.builder().getI64IntegerAttr(axis))});
}

Result buildEmbedding(LayerBuilder &b, ValueRange x, const Arguments &args) {
  // PyTorch draws embeddings from N(0, 1); fan_in = 1 gives the same scale.
  auto table = b.param("weight", {args.integer("num_embeddings"), args.integer("dim")},
                       "fan_in", 1);
  if (failed(table))
    return failure();
  return b.create("embedding", {x[0], *table});
}

Result buildReshape(LayerBuilder &b, ValueRange x, const Arguments &args) {
  return b.create("reshape", x,
                  {b.builder().getNamedAttr(
                      "shape", b.builder().getDenseI64ArrayAttr(args.list("shape")))});
}

Result buildFlatten(LayerBuilder &b, ValueRange x, const Arguments &args) {
  auto shape = shapeOf(x[0]);
  auto start = resolveAxis(b, "start_dim", args.integer("start_dim"), shape.size());
  if (failed(start))
    return failure();
  SmallVector<int64_t> target(shape.take_front(*start));
  target.push_back(elementCount(shape.drop_front(*start)));
  return b.create("reshape", x,
                  {b.builder().getNamedAttr("shape",
                                            b.builder().getDenseI64ArrayAttr(target))});
}

Result buildTranspose(LayerBuilder &b, ValueRange x, const Arguments &args) {
  return b.create("transpose", x,
                  {b.builder().getNamedAttr(
                      "perm", b.builder().getDenseI64ArrayAttr(args.list("perm")))});
}

Result buildConcat(LayerBuilder &b, ValueRange x, const Arguments &args) {
  return b.create("concat", x,
                  {b.builder().getNamedAttr(
                      "axis", b.builder().getI64IntegerAttr(args.integer("axis")))});
}

Result buildSlice(LayerBuilder &b, ValueRange x, const Arguments &args) {
  Builder &builder = b.builder();
  SmallVector<NamedAttribute> attrs;
  for (StringRef keyword : {"axis", "start", "end", "step"})
    attrs.push_back(
        builder.getNamedAttr(keyword, builder.getI64IntegerAttr(args.integer(keyword))));
  return b.create("slice", x, attrs);
}

/// nested_ffn: MatFormer's FFN with parameters named as its MatViT MLP
/// (timm's Mlp): fc1 [hidden, d_model] and fc2 [d_model, hidden].
Result buildNestedFFN(LayerBuilder &b, ValueRange x, const Arguments &args) {
  Builder &builder = b.builder();
  int64_t model = shapeOf(x[0]).back(), hidden = args.integer("hidden");
  bool bias = args.boolean("bias");
  SmallVector<Value> operands = {x[0]};
  auto fc1Weight = b.param("fc1.weight", {hidden, model}, "fan_in", model);
  if (failed(fc1Weight))
    return failure();
  operands.push_back(*fc1Weight);
  if (bias) {
    auto fc1Bias = b.param("fc1.bias", {hidden}, "fan_in", model);
    if (failed(fc1Bias))
      return failure();
    operands.push_back(*fc1Bias);
  }
  auto fc2Weight = b.param("fc2.weight", {model, hidden}, "fan_in", hidden);
  if (failed(fc2Weight))
    return failure();
  operands.push_back(*fc2Weight);
  if (bias) {
    auto fc2Bias = b.param("fc2.bias", {model}, "fan_in", hidden);
    if (failed(fc2Bias))
      return failure();
    operands.push_back(*fc2Bias);
  }
  int32_t present = bias ? 1 : 0;
  SmallVector<int64_t> granularities =
      args.has("granularities") ? args.list("granularities") : SmallVector<int64_t>{hidden};
  NamedAttribute attrs[] = {
      builder.getNamedAttr("granularities", builder.getDenseI64ArrayAttr(granularities)),
      builder.getNamedAttr("activation", builder.getStringAttr(args.string("activation"))),
      builder.getNamedAttr("operandSegmentSizes",
                           builder.getDenseI32ArrayAttr({1, 1, present, 1, present})),
  };
  return b.create("nested_ffn", operands, attrs);
}

Result buildNestedEmbedding(LayerBuilder &b, ValueRange x, const Arguments &args) {
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("granularities",
                           builder.getDenseI64ArrayAttr(args.list("granularities"))),
      builder.getNamedAttr("normalize", builder.getBoolAttr(args.boolean("normalize"))),
  };
  return b.create("nested_embedding", x, attrs);
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

KeywordSpec required(StringLiteral name, ValueKind kind,
                     int64_t minimum = -kMaxKeywordInteger) {
  return {name, kind, Presence::Required, "", minimum, ""};
}
KeywordSpec defaulted(StringLiteral name, ValueKind kind, StringLiteral value,
                      int64_t minimum = -kMaxKeywordInteger, StringLiteral choices = "") {
  return {name, kind, Presence::Defaulted, value, minimum, choices};
}
KeywordSpec optional(StringLiteral name, ValueKind kind,
                     int64_t minimum = -kMaxKeywordInteger) {
  return {name, kind, Presence::Optional, "", minimum, ""};
}

KeywordSpec bias() { return defaulted("bias", ValueKind::Bool, "true"); }
KeywordSpec eps() { return defaulted("eps", ValueKind::Float, "1e-5", 0); }

std::vector<OpSpec> makeTable() {
  using K = ValueKind;
  std::vector<OpSpec> ops = {
      {"linear", 1, 1, {required("out_features", K::Integer, 1), bias()}, buildLinear},
      {"conv1d", 1, 1,
       {required("out_channels", K::Integer, 1), required("kernel", K::Integer, 1),
        defaulted("stride", K::Integer, "1", 1), defaulted("padding", K::Integer, "0", 0),
        defaulted("dilation", K::Integer, "1", 1), defaulted("groups", K::Integer, "1", 1),
        bias()},
       buildConv1D},
      {"conv2d", 1, 1,
       {required("out_channels", K::Integer, 1), required("kernel", K::IntegerOrPair, 1),
        defaulted("stride", K::IntegerOrPair, "1", 1),
        defaulted("padding", K::IntegerOrPair, "0", 0),
        defaulted("dilation", K::IntegerOrPair, "1", 1),
        defaulted("groups", K::Integer, "1", 1), bias()},
       buildConv2D},
      {"layer_norm", 1, 1, {eps(), defaulted("affine", K::Bool, "true")}, buildLayerNorm},
      {"rms_norm", 1, 1, {eps()}, buildRMSNorm},
      {"batch_norm", 1, 1, {eps()}, buildBatchNorm},
      {"relu", 1, 1, {}, buildPlain},
      {"silu", 1, 1, {}, buildPlain},
      {"sigmoid", 1, 1, {}, buildPlain},
      {"tanh", 1, 1, {}, buildPlain},
      {"softplus", 1, 1, {}, buildPlain},
      {"gelu", 1, 1,
       {defaulted("approximate", K::String, "none", -kMaxKeywordInteger, "none,tanh")},
       buildGelu},
      {"add", 2, 2, {}, buildPlain},
      {"mul", 2, 2, {}, buildPlain},
      {"max_pool2d", 1, 1,
       {required("kernel", K::IntegerOrPair, 1), optional("stride", K::IntegerOrPair, 1),
        defaulted("padding", K::IntegerOrPair, "0", 0)},
       buildPool},
      {"avg_pool2d", 1, 1,
       {required("kernel", K::IntegerOrPair, 1), optional("stride", K::IntegerOrPair, 1),
        defaulted("padding", K::IntegerOrPair, "0", 0)},
       buildPool},
      {"global_avg_pool2d", 1, 1, {}, buildPlain},
      {"softmax", 1, 1, {defaulted("axis", K::Integer, "-1")}, buildSoftmax},
      {"embedding", 1, 1,
       {required("num_embeddings", K::Integer, 1), required("dim", K::Integer, 1)},
       buildEmbedding, /*firstTensorIsIndices=*/true},
      {"reshape", 1, 1, {required("shape", K::IntegerList, -1)}, buildReshape},
      {"flatten", 1, 1, {defaulted("start_dim", K::Integer, "1")}, buildFlatten},
      {"transpose", 1, 1, {required("perm", K::IntegerList, 0)}, buildTranspose},
      {"concat", 1, kVariadic, {required("axis", K::Integer)}, buildConcat},
      {"slice", 1, 1,
       {required("axis", K::Integer), required("start", K::Integer),
        required("end", K::Integer), defaulted("step", K::Integer, "1", 1)},
       buildSlice},
      {"sparse_conv2d", 2, 2,
       {required("out_channels", K::Integer, 1), required("kernel", K::IntegerOrPair, 1),
        defaulted("stride", K::Integer, "1", 1), optional("padding", K::IntegerOrPair, 0),
        bias()},
       buildSparseConv2D},
      {"sparse_batch_norm", 2, 2, {eps()}, buildSparseBatchNorm},
      {"sparse_layer_norm", 2, 2, {defaulted("eps", K::Float, "1e-6", 0)},
       buildSparseLayerNorm},
      {"mask_downsample", 1, 1, {required("factor", K::Integer, 1)}, buildMaskResample},
      {"mask_upsample", 1, 1, {required("factor", K::Integer, 1)}, buildMaskResample},
      {"selective_scan", 4, 5,
       {defaulted("D", K::Bool, "true"), defaulted("delta_bias", K::Bool, "true"),
        defaulted("delta_softplus", K::Bool, "true")},
       buildSelectiveScan},
      {"mamba", 1, 1,
       {defaulted("d_state", K::Integer, "16", 1), defaulted("d_conv", K::Integer, "4", 1),
        defaulted("expand", K::Integer, "2", 1), optional("dt_rank", K::Integer, 1)},
       buildMamba},
      {"ssd_scan", 4, 5,
       {defaulted("D", K::Bool, "true"), defaulted("dt_bias", K::Bool, "true"),
        defaulted("dt_softplus", K::Bool, "true"), defaulted("reverse", K::Bool, "false"),
        defaulted("shift", K::Bool, "false")},
       buildSSDScan},
      {"hydra_scan", 5, 5, {}, buildHydraScan},
      {"mamba2", 1, 1,
       {defaulted("d_state", K::Integer, "128", 1), defaulted("d_conv", K::Integer, "4", 1),
        defaulted("expand", K::Integer, "2", 1), defaulted("headdim", K::Integer, "64", 1),
        defaulted("ngroups", K::Integer, "1", 1)},
       buildMamba2},
      {"hydra", 1, 1,
       {defaulted("d_state", K::Integer, "64", 1), defaulted("d_conv", K::Integer, "7", 1),
        defaulted("expand", K::Integer, "2", 1), defaulted("headdim", K::Integer, "64", 1),
        defaulted("ngroups", K::Integer, "1", 1)},
       buildHydra},
      {"gated_rms_norm", 2, 2,
       {defaulted("group_size", K::Integer, "0", 0),
        defaulted("norm_before_gate", K::Bool, "false"), eps()},
       buildGatedRMSNorm},
      {"tied_linear", 1, 1, {required("weight", K::String)}, buildTiedLinear},
      {"hyper_kernel", 0, 1,
       {required("channels", K::Integer, 1), required("kernel", K::Integer, 2),
        required("hidden", K::Integer, 1), required("layers", K::Integer, 1),
        defaulted("net", K::String, "mfn", -kMaxKeywordInteger, "mfn,siren"),
        defaulted("omega0", K::Float, "30"), defaulted("beta", K::Float, "0")},
       buildHyperKernel},
      {"hyper_zzw", 2, 2,
       {defaulted("mode", K::String, "conv", -kMaxKeywordInteger, "conv,elementwise")},
       buildHyperZZW},
      {"nested_ffn", 1, 1,
       {required("hidden", K::Integer, 1), optional("granularities", K::IntegerList, 1),
        defaulted("activation", K::String, "gelu", -kMaxKeywordInteger,
                  "relu,gelu,gelu_tanh,silu"),
        bias()},
       buildNestedFFN},
      {"nested_embedding", 1, 1,
       {required("granularities", K::IntegerList, 1),
        defaulted("normalize", K::Bool, "false")},
       buildNestedEmbedding},
  };
  return ops;
}

} // namespace

ArrayRef<OpSpec> loom::parse::allOps() {
  static const std::vector<OpSpec> table = makeTable();
  return table;
}

const OpSpec *loom::parse::lookupOp(StringRef name) {
  for (const OpSpec &op : allOps())
    if (op.name == name)
      return &op;
  return nullptr;
}
