// Shape inference and verifiers of the nested (Matryoshka) ops: nested_ffn
// and nested_embedding.
#include "dialect/LoomDialect.h"
#include "dialect/LoomNested.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;
using namespace loom;

namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// Granularities must be strictly increasing, positive, and end at `full`
/// (the hidden size or the feature width, named by `fullMeaning`).
LogicalResult checkGranularities(std::optional<Location> loc, StringRef op,
                                 DictionaryAttr dict, int64_t full,
                                 StringRef fullMeaning) {
  auto attr = dict ? dict.getAs<DenseI64ArrayAttr>("granularities") : DenseI64ArrayAttr();
  if (!attr || attr.empty())
    return emitOptionalError(loc, op, ": granularities are required (at least one width)");
  ArrayRef<int64_t> widths = attr.asArrayRef();
  for (auto [index, width] : llvm::enumerate(widths)) {
    if (width < 1)
      return emitOptionalError(loc, op, ": granularity ", index, " is ", width,
                               "; widths must be ≥ 1");
    if (index > 0 && width <= widths[index - 1])
      return emitOptionalError(loc, op, ": granularities ", shapeString(widths),
                               " must be strictly increasing (granularity ", index,
                               " = ", width, " follows ", widths[index - 1], ")");
  }
  if (widths.back() != full)
    return emitOptionalError(loc, op, ": the last granularity (", widths.back(),
                             ") must equal ", fullMeaning, " (", full, ")");
  return success();
}

LogicalResult checkMatrix(std::optional<Location> loc, StringRef what, Value value,
                          StringRef layout) {
  auto shape = shapeOf(value);
  if (shape.size() != 2)
    return emitOptionalError(loc, "nested_ffn: ", what, " must have rank 2 (", layout,
                             ") but has shape ", shapeString(shape));
  return success();
}

LogicalResult checkBias(std::optional<Location> loc, StringRef what, Value value,
                        int64_t size, StringRef sizeMeaning) {
  auto shape = shapeOf(value);
  if (shape.size() != 1 || shape[0] != size)
    return emitOptionalError(loc, "nested_ffn: ", what, " has shape ", shapeString(shape),
                             " but must be [", size, "] (", sizeMeaning, ")");
  return success();
}

template <typename OpTy> LogicalResult verifyInferredType(OpTy op) {
  SmallVector<Type> inferred;
  if (failed(OpTy::inferReturnTypes(op->getContext(), op->getLoc(), op->getOperands(),
                                    op->getAttrDictionary(), OpaqueProperties(nullptr),
                                    op->getRegions(), inferred)))
    return failure();
  if (TypeRange(inferred) != op->getResultTypes())
    return op.emitOpError() << "result type " << op->getResultTypes()
                            << " does not match the inferred type " << TypeRange(inferred);
  return success();
}

} // namespace

LogicalResult NestedFFNOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr dict,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &types) {
  // Operand segments: input, fc1_weight, fc1_bias?, fc2_weight, fc2_bias?.
  SmallVector<int32_t> segments = {1, 1, 0, 1, 0};
  if (auto attr = dict ? dict.getAs<DenseI32ArrayAttr>("operandSegmentSizes")
                       : DenseI32ArrayAttr())
    segments.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());
  if (segments.size() != 5 || std::accumulate(segments.begin(), segments.end(), int32_t(0)) != int32_t(operands.size()))
    return emitOptionalError(loc, "nested_ffn: operandSegmentSizes does not match the ",
                             operands.size(), " operands");
  Value input = operands[0], fc1Weight = operands[1];
  Value fc1Bias = segments[2] ? operands[2] : Value();
  Value fc2Weight = operands[2 + segments[2]];
  Value fc2Bias = segments[4] ? operands[3 + segments[2]] : Value();

  auto inputShape = shapeOf(input);
  if (inputShape.empty())
    return emitOptionalError(loc, "nested_ffn: input must have rank ≥ 1 ([..., d_model])");
  int64_t model = inputShape.back();
  if (failed(checkMatrix(loc, "fc1_weight", fc1Weight, "[hidden, d_model]")) ||
      failed(checkMatrix(loc, "fc2_weight", fc2Weight, "[d_model, hidden]")))
    return failure();
  auto w1 = shapeOf(fc1Weight), w2 = shapeOf(fc2Weight);
  int64_t hidden = w1[0];
  if (w1[1] != model)
    return emitOptionalError(loc, "nested_ffn: input has d_model = ", model,
                             " (last dim) but fc1_weight dim 1 is ", w1[1],
                             " (fc1_weight shape ", shapeString(w1), ")");
  if (w2[0] != model)
    return emitOptionalError(loc, "nested_ffn: fc2_weight dim 0 is ", w2[0],
                             " but d_model (last dim of input) is ", model,
                             " (fc2_weight shape ", shapeString(w2), ")");
  if (w2[1] != hidden)
    return emitOptionalError(loc, "nested_ffn: fc2_weight dim 1 is ", w2[1],
                             " but the hidden size (fc1_weight dim 0) is ", hidden);
  if (fc1Bias && failed(checkBias(loc, "fc1_bias", fc1Bias, hidden,
                                  "the hidden size, fc1_weight dim 0")))
    return failure();
  if (fc2Bias && failed(checkBias(loc, "fc2_bias", fc2Bias, model,
                                  "d_model, the last dim of input")))
    return failure();
  if (failed(checkGranularities(loc, "nested_ffn", dict, hidden,
                                "the hidden size (fc1_weight dim 0)")))
    return failure();
  types.push_back(input.getType());
  return success();
}

LogicalResult NestedFFNOp::verify() {
  StringRef activation = getActivation();
  if (!llvm::is_contained({"relu", "gelu", "gelu_tanh", "silu"}, activation))
    return emitOpError() << "activation must be relu, gelu, gelu_tanh or silu, not '"
                         << activation << "'";
  return verifyInferredType(*this);
}

LogicalResult NestedEmbeddingOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands, DictionaryAttr dict,
    OpaqueProperties, RegionRange, SmallVectorImpl<Type> &types) {
  auto shape = shapeOf(operands[0]);
  if (shape.empty())
    return emitOptionalError(loc, "nested_embedding: input must have rank ≥ 1 ([..., d])");
  if (failed(checkGranularities(loc, "nested_embedding", dict, shape.back(),
                                "the feature width (last dim of input)")))
    return failure();
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult NestedEmbeddingOp::verify() { return verifyInferredType(*this); }

std::vector<GranularityLayer> loom::granularityLayers(ModelOp model) {
  std::vector<GranularityLayer> layers;
  for (Operation &op : model.getBody().front()) {
    ArrayRef<int64_t> granularities;
    if (auto ffn = dyn_cast<NestedFFNOp>(op))
      granularities = ffn.getGranularities();
    else if (auto embedding = dyn_cast<NestedEmbeddingOp>(op))
      granularities = embedding.getGranularities();
    else
      continue;
    // The language names each layer op with a NameLoc (possibly fused with
    // the file location).
    std::string name;
    op.getLoc()->walk([&](Location loc) {
      if (auto named = dyn_cast<NameLoc>(loc)) {
        name = named.getName().str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (name.empty())
      name = "layer" + std::to_string(layers.size());
    layers.push_back({&op, name, {granularities.begin(), granularities.end()}});
  }
  return layers;
}
