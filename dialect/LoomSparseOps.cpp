// Shape inference and verifiers of the sparse ops (LoomSparse.td).
#include "dialect/LoomDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace loom;

namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

LogicalResult checkRank4(std::optional<Location> loc, StringRef op, StringRef what,
                         Value value, StringRef layout) {
  auto shape = shapeOf(value);
  if (shape.size() != 4)
    return emitOptionalError(loc, op, ": ", what, " must have rank 4 (", layout,
                             ") but has shape ", shapeString(shape));
  return success();
}

/// A mask is [N, 1, H, W].
LogicalResult checkMask(std::optional<Location> loc, StringRef op, Value mask) {
  if (failed(checkRank4(loc, op, "mask", mask, "[N, 1, H, W]")))
    return failure();
  if (shapeOf(mask)[1] != 1)
    return emitOptionalError(loc, op, ": mask must have 1 channel (dim 1) but has ",
                             shapeOf(mask)[1], " (mask shape ",
                             shapeString(shapeOf(mask)), ")");
  return success();
}

/// Features [N, C, H, W] and their mask [N, 1, H, W] agree on N, H and W.
LogicalResult checkFeaturesAndMask(std::optional<Location> loc, StringRef op,
                                   Value input, Value mask) {
  if (failed(checkRank4(loc, op, "input", input, "[N, C, H, W]")) ||
      failed(checkMask(loc, op, mask)))
    return failure();
  auto x = shapeOf(input), m = shapeOf(mask);
  static const char *names[] = {"dim 0 (batch)", "", "dim 2 (height)", "dim 3 (width)"};
  for (int dim : {0, 2, 3})
    if (x[dim] != m[dim])
      return emitOptionalError(loc, op, ": mask ", names[dim], " is ", m[dim],
                               " but input ", names[dim], " is ", x[dim], " (input ",
                               shapeString(x), ", mask ", shapeString(m), ")");
  return success();
}

LogicalResult checkVector(std::optional<Location> loc, StringRef op, StringRef what,
                          Value value, int64_t size, StringRef sizeMeaning) {
  auto shape = shapeOf(value);
  if (shape.size() != 1)
    return emitOptionalError(loc, op, ": ", what, " must have rank 1 but has shape ",
                             shapeString(shape));
  if (shape[0] != size)
    return emitOptionalError(loc, op, ": ", what, " has ", shape[0], " elements but ",
                             sizeMeaning, " is ", size);
  return success();
}

LogicalResult single(SmallVectorImpl<Type> &types, ArrayRef<int64_t> shape, Value like) {
  types.push_back(RankedTensorType::get(
      shape, cast<RankedTensorType>(like.getType()).getElementType()));
  return success();
}

std::optional<int64_t> integerAttr(DictionaryAttr dict, StringRef name) {
  if (auto attr = dict ? dict.getAs<IntegerAttr>(name) : IntegerAttr())
    return attr.getInt();
  return std::nullopt;
}

template <typename OpTy>
LogicalResult verifyInferredType(OpTy op) {
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

//===----------------------------------------------------------------------===//
// sparse_conv2d
//===----------------------------------------------------------------------===//

SmallVector<int64_t, 2> SparseConv2DOp::getPaddingOrDefault() {
  if (auto padding = getPadding())
    return SmallVector<int64_t, 2>(padding->begin(), padding->end());
  auto weight = shapeOf(getWeight());
  return {weight[2] / 2, weight[3] / 2};
}

LogicalResult SparseConv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               ValueRange operands, DictionaryAttr dict,
                                               OpaqueProperties, RegionRange,
                                               SmallVectorImpl<Type> &types) {
  StringRef op = "sparse_conv2d";
  if (failed(checkFeaturesAndMask(loc, op, operands[0], operands[1])) ||
      failed(checkRank4(loc, op, "weight", operands[2], "[C_out, C_in, KH, KW]")))
    return failure();
  auto input = shapeOf(operands[0]), weight = shapeOf(operands[2]);
  if (weight[1] != input[1])
    return emitOptionalError(loc, op, ": input has ", input[1],
                             " channels (dim 1) but weight dim 1 is ", weight[1],
                             " (weight shape ", shapeString(weight), ")");
  if (operands.size() > 3 &&
      failed(checkVector(loc, op, "bias", operands[3], weight[0],
                         "the output channel count (weight dim 0)")))
    return failure();
  int64_t stride = integerAttr(dict, "stride").value_or(1);
  if (stride < 1)
    return emitOptionalError(loc, op, ": stride must be ≥ 1, not ", stride);
  SmallVector<int64_t> padding = {weight[2] / 2, weight[3] / 2};
  if (auto attr = dict ? dict.getAs<DenseI64ArrayAttr>("padding") : DenseI64ArrayAttr()) {
    if (attr.size() != 2)
      return emitOptionalError(loc, op, ": padding needs 2 values ([ph, pw]), not ",
                               attr.size());
    padding.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());
  }
  SmallVector<int64_t> shape = {input[0], weight[0]};
  static const char *names[] = {"dim 2 (height)", "dim 3 (width)"};
  for (int i = 0; i < 2; ++i) {
    int64_t extent = input[2 + i], kernel = weight[2 + i], pad = padding[i];
    if (pad < 0 || pad >= kernel)
      return emitOptionalError(loc, op, ": padding ", pad, " along ", names[i],
                               " must lie in [0, kernel) (kernel ", kernel, ")");
    int64_t pooled = ceilDiv(extent, stride);
    int64_t convolved = extent + 2 * pad >= kernel
                            ? (extent + 2 * pad - kernel) / stride + 1
                            : 0;
    // The output sites are the pooled mask's: the convolution's grid must be
    // that grid, which padding = kernel / 2 gives for odd kernels.
    if (convolved != pooled)
      return emitOptionalError(loc, op, ": along ", names[i], " the convolution gives ",
                               convolved, " outputs ((", extent, " + 2×", pad, " − ",
                               kernel, ") / ", stride, " + 1) but the output mask (",
                               extent, " pooled by ", stride, ") has ", pooled,
                               "; use padding = kernel / 2 with an odd kernel");
    shape.push_back(pooled);
  }
  return single(types, shape, operands[0]);
}

//===----------------------------------------------------------------------===//
// Mask plumbing
//===----------------------------------------------------------------------===//

static LogicalResult inferMaskResample(std::optional<Location> loc, StringRef op,
                                       ValueRange operands, DictionaryAttr dict,
                                       bool up, SmallVectorImpl<Type> &types) {
  if (failed(checkMask(loc, op, operands[0])))
    return failure();
  std::optional<int64_t> factor = integerAttr(dict, "factor");
  if (!factor)
    return emitOptionalError(loc, op, ": the factor is required");
  if (*factor < 1)
    return emitOptionalError(loc, op, ": factor must be ≥ 1, not ", *factor);
  auto mask = shapeOf(operands[0]);
  SmallVector<int64_t> shape(mask);
  for (int dim : {2, 3}) {
    if (up && mask[dim] > (int64_t(1) << 31) / *factor)
      return emitOptionalError(loc, op, ": dim ", dim, " would have more than 2^31 sites");
    shape[dim] = up ? mask[dim] * *factor : ceilDiv(mask[dim], *factor);
  }
  return single(types, shape, operands[0]);
}

LogicalResult MaskDownsampleOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                 ValueRange operands, DictionaryAttr dict,
                                                 OpaqueProperties, RegionRange,
                                                 SmallVectorImpl<Type> &types) {
  return inferMaskResample(loc, "mask_downsample", operands, dict, false, types);
}

LogicalResult MaskUpsampleOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               ValueRange operands, DictionaryAttr dict,
                                               OpaqueProperties, RegionRange,
                                               SmallVectorImpl<Type> &types) {
  return inferMaskResample(loc, "mask_upsample", operands, dict, true, types);
}

//===----------------------------------------------------------------------===//
// Sparse norms
//===----------------------------------------------------------------------===//

LogicalResult SparseBatchNormOp::inferReturnTypes(MLIRContext *,
                                                  std::optional<Location> loc,
                                                  ValueRange operands, DictionaryAttr,
                                                  OpaqueProperties, RegionRange,
                                                  SmallVectorImpl<Type> &types) {
  StringRef op = "sparse_batch_norm";
  if (failed(checkFeaturesAndMask(loc, op, operands[0], operands[1])))
    return failure();
  static const char *names[] = {"running_mean", "running_var", "weight", "bias"};
  for (auto [index, param] : llvm::enumerate(operands.drop_front(2)))
    if (failed(checkVector(loc, op, names[index], param, shapeOf(operands[0])[1],
                           "the channel count (dim 1 of input)")))
      return failure();
  return single(types, shapeOf(operands[0]), operands[0]);
}

LogicalResult SparseLayerNormOp::inferReturnTypes(MLIRContext *,
                                                  std::optional<Location> loc,
                                                  ValueRange operands, DictionaryAttr,
                                                  OpaqueProperties, RegionRange,
                                                  SmallVectorImpl<Type> &types) {
  StringRef op = "sparse_layer_norm";
  if (failed(checkFeaturesAndMask(loc, op, operands[0], operands[1])))
    return failure();
  static const char *names[] = {"weight", "bias"};
  for (auto [index, param] : llvm::enumerate(operands.drop_front(2)))
    if (failed(checkVector(loc, op, names[index], param, shapeOf(operands[0])[1],
                           "the channel count (dim 1 of input)")))
      return failure();
  return single(types, shapeOf(operands[0]), operands[0]);
}

//===----------------------------------------------------------------------===//
// Verifiers and lookup
//===----------------------------------------------------------------------===//

#define LOOM_SPARSE_OPS(X)                                                     \
  X(SparseConv2DOp) X(MaskDownsampleOp) X(MaskUpsampleOp) X(SparseBatchNormOp) \
  X(SparseLayerNormOp)

#define LOOM_DEFINE_VERIFY(OpTy)                                               \
  LogicalResult OpTy::verify() { return verifyInferredType(*this); }
LOOM_SPARSE_OPS(LOOM_DEFINE_VERIFY)
#undef LOOM_DEFINE_VERIFY

InferReturnTypesFn loom::lookupSparseInferReturnTypes(StringRef opName) {
#define LOOM_LOOKUP(OpTy)                                                      \
  if (opName == OpTy::getOperationName())                                      \
    return &OpTy::inferReturnTypes;
  LOOM_SPARSE_OPS(LOOM_LOOKUP)
#undef LOOM_LOOKUP
  return nullptr;
}
