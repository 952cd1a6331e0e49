// Language builders of the hyperkernel ops: parameters named as the PyTorch
// reference module's state_dict (filters.0.weight, output_linear.bias, ...).
#include "lib/Parse/HyperBuilders.h"

#include "dialect/LoomHyper.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace loom;
using namespace loom::parse;

FailureOr<Value> loom::parse::buildHyperKernel(LayerBuilder &b, ValueRange tensors,
                                                const Arguments &args) {
  Builder &builder = b.builder();
  std::string net = args.string("net");
  int64_t layers = args.integer("layers"), hidden = args.integer("hidden"),
          channels = args.integer("channels"), kernel = args.integer("kernel");
  int64_t contextChannels = 0;
  if (!tensors.empty()) {
    if (failed(b.requireRank(tensors[0], 4, "[N, D, k, k]")))
      return failure();
    contextChannels = cast<RankedTensorType>(tensors[0].getType()).getShape()[1];
  }
  SmallVector<Value> operands(tensors.begin(), tensors.end());
  for (const HyperKernelParam &param :
       hyperKernelParams(net, layers, hidden, channels, contextChannels)) {
    bool bias = StringRef(param.name).ends_with(".bias");
    int64_t fanIn = param.shape.size() > 1 ? param.shape[1] : 1;
    // Biases of the frequency maps and gates start at zero and one-ish
    // scales: random demo weights then give kernels of moderate magnitude.
    auto value = b.param(param.name, param.shape, bias ? "zeros" : "fan_in", fanIn);
    if (failed(value))
      return failure();
    operands.push_back(*value);
  }
  int32_t hasContext = tensors.empty() ? 0 : 1;
  NamedAttribute attrs[] = {
      builder.getNamedAttr("net", builder.getStringAttr(net)),
      builder.getNamedAttr("kernel", builder.getI64IntegerAttr(kernel)),
      builder.getNamedAttr("channels", builder.getI64IntegerAttr(channels)),
      builder.getNamedAttr("hidden", builder.getI64IntegerAttr(hidden)),
      builder.getNamedAttr("layers", builder.getI64IntegerAttr(layers)),
      builder.getNamedAttr("omega0", builder.getF64FloatAttr(args.number("omega0"))),
      builder.getNamedAttr("beta", builder.getF64FloatAttr(args.number("beta"))),
      builder.getNamedAttr("operandSegmentSizes",
                           builder.getDenseI32ArrayAttr(
                               {hasContext, static_cast<int32_t>(operands.size()) -
                                                hasContext})),
  };
  return b.create("hyper_kernel", operands, attrs);
}

FailureOr<Value> loom::parse::buildHyperZZW(LayerBuilder &b, ValueRange tensors,
                                             const Arguments &args) {
  Builder &builder = b.builder();
  NamedAttribute attrs[] = {
      builder.getNamedAttr("mode", builder.getStringAttr(args.string("mode")))};
  return b.create("hyper_zzw", {tensors[0], tensors[1]}, attrs);
}
