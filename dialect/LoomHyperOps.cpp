// Shape inference of the hyperkernel ops (LoomHyper.td); the verifiers
// re-infer (LoomOps.cpp) and so report the same errors.
#include "dialect/LoomDialect.h"
#include "dialect/LoomHyper.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace loom;

namespace {

std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, ", ");
  os << "]";
  return text;
}

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

int64_t integerAttr(DictionaryAttr dict, StringRef name, int64_t fallback) {
  if (auto attr = dict ? dict.getAs<IntegerAttr>(name) : IntegerAttr())
    return attr.getInt();
  return fallback;
}

std::string stringAttr(DictionaryAttr dict, StringRef name, StringRef fallback) {
  if (auto attr = dict ? dict.getAs<StringAttr>(name) : StringAttr())
    return attr.getValue().str();
  return fallback.str();
}

} // namespace

std::vector<HyperKernelParam> loom::hyperKernelParams(StringRef net, int64_t layers,
                                                      int64_t hidden, int64_t channels,
                                                      int64_t contextChannels) {
  std::vector<HyperKernelParam> params;
  auto linear = [&](std::string prefix, int64_t out, int64_t in) {
    params.push_back({prefix + ".weight", {out, in}});
    params.push_back({prefix + ".bias", {out}});
  };
  if (net == "mfn") {
    for (int64_t i = 0; i < layers; ++i)
      linear("filters." + std::to_string(i), hidden, 2);
    for (int64_t i = 0; i + 1 < layers; ++i)
      linear("linears." + std::to_string(i), hidden, hidden);
  } else {
    for (int64_t i = 0; i < layers; ++i)
      linear("linears." + std::to_string(i), hidden, i == 0 ? 2 : hidden);
  }
  if (contextChannels > 0)
    for (int64_t i = 0; i < layers; ++i)
      linear("gates." + std::to_string(i), hidden, contextChannels);
  linear("output_linear", channels, hidden);
  return params;
}

LogicalResult HyperKernelOp::inferReturnTypes(MLIRContext *context,
                                              std::optional<Location> loc,
                                              ValueRange operands, DictionaryAttr dict,
                                              OpaqueProperties, RegionRange,
                                              SmallVectorImpl<Type> &types) {
  std::string net = stringAttr(dict, "net", "mfn");
  if (net != "mfn" && net != "siren")
    return emitOptionalError(loc, "hyper_kernel: net must be \"mfn\" or \"siren\", not \"",
                             net, "\"");
  int64_t kernel = integerAttr(dict, "kernel", 0), channels = integerAttr(dict, "channels", 0),
          hidden = integerAttr(dict, "hidden", 0), layers = integerAttr(dict, "layers", 0);
  if (kernel < 2 || channels < 1 || hidden < 1 || layers < 1)
    return emitOptionalError(loc, "hyper_kernel: kernel must be ≥ 2 and channels, hidden "
                             "and layers ≥ 1 (kernel = ", kernel, ", channels = ", channels,
                             ", hidden = ", hidden, ", layers = ", layers, ")");
  // Which operands are the context and the parameters: the segment sizes
  // when the op exists, else (the language builds an OperationState) the
  // count of parameters this configuration has.
  bool hasContext = false;
  if (auto segments = dict ? dict.getAs<DenseI32ArrayAttr>("operandSegmentSizes")
                           : DenseI32ArrayAttr())
    hasContext = segments.size() == 2 && segments[0] == 1;
  Value contextValue = hasContext ? operands[0] : Value();
  int64_t contextChannels = 0;
  if (contextValue) {
    ArrayRef<int64_t> shape = shapeOf(contextValue);
    if (shape.size() != 4)
      return emitOptionalError(loc, "hyper_kernel: context must have rank 4 ([N, D, k, k]) "
                               "but has shape ", shapeText(shape));
    if (shape[2] != kernel || shape[3] != kernel)
      return emitOptionalError(loc, "hyper_kernel: context dims 2 and 3 (", shape[2], "×",
                               shape[3], ") must equal the kernel size ", kernel);
    contextChannels = shape[1];
  }
  std::vector<HyperKernelParam> expected =
      hyperKernelParams(net, layers, hidden, channels, contextChannels);
  ValueRange params = operands.drop_front(hasContext ? 1 : 0);
  if (params.size() != expected.size())
    return emitOptionalError(loc, "hyper_kernel: ", net, " with ", layers, " layers",
                             hasContext ? " and a context" : "", " takes ", expected.size(),
                             " parameters but has ", params.size());
  for (auto [value, param] : llvm::zip(params, expected)) {
    ArrayRef<int64_t> shape = shapeOf(value);
    if (shape != ArrayRef<int64_t>(param.shape))
      return emitOptionalError(loc, "hyper_kernel: parameter ", param.name, " has shape ",
                               shapeText(shape), " but ", net, " with hidden = ", hidden,
                               ", channels = ", channels, " expects ",
                               shapeText(param.shape));
  }
  SmallVector<int64_t> result = {channels, kernel, kernel};
  if (contextValue)
    result.insert(result.begin(), shapeOf(contextValue)[0]);
  types.push_back(RankedTensorType::get(result, Float32Type::get(context)));
  return success();
}

LogicalResult HyperZZWOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           ValueRange operands, DictionaryAttr dict,
                                           OpaqueProperties, RegionRange,
                                           SmallVectorImpl<Type> &types) {
  std::string mode = stringAttr(dict, "mode", "conv");
  if (mode != "conv" && mode != "elementwise")
    return emitOptionalError(loc, "hyper_zzw: mode must be \"conv\" or \"elementwise\", not \"",
                             mode, "\"");
  ArrayRef<int64_t> z = shapeOf(operands[0]), w = shapeOf(operands[1]);
  if (z.size() != 4)
    return emitOptionalError(loc, "hyper_zzw: input must have rank 4 ([N, C, H, W]) but has "
                             "shape ", shapeText(z));
  if (w.size() != 3 && w.size() != 4)
    return emitOptionalError(loc, "hyper_zzw: kernel must be [C, k, k] or [N, C, k, k] but "
                             "has shape ", shapeText(w));
  size_t offset = w.size() - 3;
  if (offset == 1 && w[0] != z[0])
    return emitOptionalError(loc, "hyper_zzw: the per-sample kernel has ", w[0],
                             " samples (dim 0) but the input has ", z[0]);
  if (w[offset] != z[1])
    return emitOptionalError(loc, "hyper_zzw: the kernel has ", w[offset], " channels (dim ",
                             offset, ") but the input has ", z[1], " (dim 1)");
  int64_t kh = w[offset + 1], kw = w[offset + 2];
  bool global = kh == z[2] && kw == z[3];
  if (mode == "elementwise" && !global)
    return emitOptionalError(loc, "hyper_zzw: elementwise mode needs a kernel as large as "
                             "the input (", z[2], "×", z[3], ") but it is ", kh, "×", kw);
  if (!global && (kh != kw || kh % 2 == 0 || kh > z[2] || kw > z[3]))
    return emitOptionalError(loc, "hyper_zzw: a local kernel must be square, odd and no "
                             "larger than the input (", z[2], "×", z[3], ") but it is ", kh,
                             "×", kw);
  types.push_back(operands[0].getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Re-parameterization stages
//===----------------------------------------------------------------------===//

namespace {

/// The four batch norm vectors (and an optional conv bias) hold `channels`.
LogicalResult checkChannelVectors(std::optional<Location> loc, StringRef op,
                                  ValueRange vectors, int64_t channels) {
  static const char *names[] = {"running_mean", "running_var", "norm_weight", "norm_bias",
                                "conv_bias"};
  for (auto [index, value] : llvm::enumerate(vectors)) {
    ArrayRef<int64_t> shape = shapeOf(value);
    if (shape.size() != 1 || shape[0] != channels)
      return emitOptionalError(loc, op, ": ", names[index], " has shape ", shapeText(shape),
                               " but the convolution has ", channels, " output channels");
  }
  return success();
}

} // namespace

LogicalResult FoldBatchNormWeightOp::inferReturnTypes(MLIRContext *,
                                                      std::optional<Location> loc,
                                                      ValueRange operands, DictionaryAttr,
                                                      OpaqueProperties, RegionRange,
                                                      SmallVectorImpl<Type> &types) {
  ArrayRef<int64_t> weight = shapeOf(operands[0]);
  if (weight.size() != 4)
    return emitOptionalError(loc, "fold_batch_norm_weight: weight must be [O, I, KH, KW] but "
                             "has shape ", shapeText(weight));
  if (failed(checkChannelVectors(loc, "fold_batch_norm_weight", operands.drop_front(),
                                 weight[0])))
    return failure();
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult FoldBatchNormBiasOp::inferReturnTypes(MLIRContext *,
                                                    std::optional<Location> loc,
                                                    ValueRange operands, DictionaryAttr,
                                                    OpaqueProperties, RegionRange,
                                                    SmallVectorImpl<Type> &types) {
  ArrayRef<int64_t> mean = shapeOf(operands[0]);
  if (mean.size() != 1)
    return emitOptionalError(loc, "fold_batch_norm_bias: running_mean must have rank 1 but "
                             "has shape ", shapeText(mean));
  if (failed(checkChannelVectors(loc, "fold_batch_norm_bias", operands, mean[0])))
    return failure();
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult EmbedKernelOp::inferReturnTypes(MLIRContext *context,
                                              std::optional<Location> loc,
                                              ValueRange operands, DictionaryAttr dict,
                                              OpaqueProperties, RegionRange,
                                              SmallVectorImpl<Type> &types) {
  ArrayRef<int64_t> weight = shapeOf(operands[0]);
  int64_t size = integerAttr(dict, "size", 0), dilation = integerAttr(dict, "dilation", 1);
  if (weight.size() != 4 || weight[2] != weight[3])
    return emitOptionalError(loc, "embed_kernel: weight must be [O, I, k, k] but has shape ",
                             shapeText(weight));
  int64_t span = dilation * (weight[2] - 1) + 1;
  if (dilation < 1 || size < span || (size - span) % 2 != 0)
    return emitOptionalError(loc, "embed_kernel: a ", weight[2], "×", weight[2],
                             " kernel with dilation ", dilation, " (span ", span,
                             ") cannot be centered in ", size, "×", size);
  types.push_back(RankedTensorType::get({weight[0], weight[1], size, size},
                                        Float32Type::get(context)));
  return success();
}
