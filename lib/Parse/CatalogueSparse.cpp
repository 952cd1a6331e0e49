// Builders of the sparse ops: parameters named as SparK's wrappers of
// nn.Conv2d, nn.BatchNorm and nn.LayerNorm name them in their state_dict.
#include "lib/Parse/CatalogueSparse.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace loom::parse;

namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// x [N, C, H, W]: the channel count, after checking the rank.
FailureOr<int64_t> channels(LayerBuilder &b, Value x) {
  if (failed(b.requireRank(x, 4, "[N, C, H, W]")))
    return failure();
  return shapeOf(x)[1];
}

} // namespace

FailureOr<Value> loom::parse::buildSparseConv2D(LayerBuilder &b, ValueRange x,
                                                const Arguments &args) {
  FailureOr<int64_t> inChannels = channels(b, x[0]);
  if (failed(inChannels))
    return failure();
  int64_t outChannels = args.integer("out_channels");
  SmallVector<int64_t, 2> kernel = args.pair("kernel");
  SmallVector<int64_t, 2> padding =
      args.has("padding") ? args.pair("padding")
                          : SmallVector<int64_t, 2>{kernel[0] / 2, kernel[1] / 2};
  SmallVector<int64_t> weightShape = {outChannels, *inChannels, kernel[0], kernel[1]};
  int64_t fanIn = *inChannels * kernel[0] * kernel[1];
  SmallVector<Value> operands = {x[0], x[1]};
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
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("stride", builder.getI64IntegerAttr(args.integer("stride"))),
      builder.getNamedAttr("padding", builder.getDenseI64ArrayAttr(padding)),
  };
  return b.create("sparse_conv2d", operands, attrs);
}

FailureOr<Value> loom::parse::buildSparseBatchNorm(LayerBuilder &b, ValueRange x,
                                                   const Arguments &args) {
  FailureOr<int64_t> count = channels(b, x[0]);
  if (failed(count))
    return failure();
  // state_dict order of nn.BatchNorm: weight, bias, running_mean, running_var.
  auto weight = b.param("weight", {*count}, "ones", 1);
  if (failed(weight))
    return failure();
  auto bias = b.param("bias", {*count}, "zeros", 1);
  if (failed(bias))
    return failure();
  auto mean = b.param("running_mean", {*count}, "zeros", 1);
  if (failed(mean))
    return failure();
  auto variance = b.param("running_var", {*count}, "ones", 1);
  if (failed(variance))
    return failure();
  Builder &builder = b.builder();
  return b.create("sparse_batch_norm", {x[0], x[1], *mean, *variance, *weight, *bias},
                  {builder.getNamedAttr("eps", builder.getF64FloatAttr(args.number("eps")))});
}

FailureOr<Value> loom::parse::buildSparseLayerNorm(LayerBuilder &b, ValueRange x,
                                                   const Arguments &args) {
  FailureOr<int64_t> count = channels(b, x[0]);
  if (failed(count))
    return failure();
  auto weight = b.param("weight", {*count}, "ones", 1);
  if (failed(weight))
    return failure();
  auto bias = b.param("bias", {*count}, "zeros", 1);
  if (failed(bias))
    return failure();
  Builder &builder = b.builder();
  return b.create("sparse_layer_norm", {x[0], x[1], *weight, *bias},
                  {builder.getNamedAttr("eps", builder.getF64FloatAttr(args.number("eps")))});
}

FailureOr<Value> loom::parse::buildMaskResample(LayerBuilder &b, ValueRange x,
                                                const Arguments &args) {
  Builder &builder = b.builder();
  return b.create(b.opName(), x,
                  {builder.getNamedAttr("factor",
                                        builder.getI64IntegerAttr(args.integer("factor")))});
}
