// Shape inference and verifiers of the loom ops.
#include "dialect/LoomDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <numeric>

using namespace mlir;
using namespace loom;

#define GET_OP_CLASSES
#include "dialect/LoomOps.cpp.inc"

// Every layer op; the X-macro keeps the verifier and the lookup table in step.
#define LOOM_LAYER_OPS(X)                                                      \
  X(LinearOp) X(Conv1DOp) X(Conv2DOp) X(LayerNormOp) X(RMSNormOp)              \
  X(BatchNormOp) X(ReluOp) X(SiluOp) X(SigmoidOp) X(TanhOp) X(SoftplusOp)      \
  X(AddOp) X(MulOp) X(MaxPool2DOp) X(AvgPool2DOp)                   \
  X(GlobalAvgPool2DOp) X(EmbeddingOp) X(ReshapeOp)              \
  X(TransposeOp) X(ConcatOp) X(SliceOp)                                      \
  X(HyperKernelOp) X(HyperZZWOp) X(FoldBatchNormWeightOp) X(FoldBatchNormBiasOp)   \
  X(EmbedKernelOp)

namespace {

/// Reads attributes of an op that may not exist yet (the parser infers types
/// from an OperationState), falling back to the ODS defaults.
struct Attrs {
  DictionaryAttr dict;

  int64_t integer(StringRef name, int64_t fallback) const {
    if (auto attr = dict ? dict.getAs<IntegerAttr>(name) : IntegerAttr())
      return attr.getInt();
    return fallback;
  }
  std::optional<int64_t> optionalInteger(StringRef name) const {
    if (auto attr = dict ? dict.getAs<IntegerAttr>(name) : IntegerAttr())
      return attr.getInt();
    return std::nullopt;
  }
  SmallVector<int64_t> array(StringRef name, ArrayRef<int64_t> fallback) const {
    if (auto attr = dict ? dict.getAs<DenseI64ArrayAttr>(name) : DenseI64ArrayAttr())
      return SmallVector<int64_t>(attr.asArrayRef());
    return SmallVector<int64_t>(fallback);
  }
  bool has(StringRef name) const { return dict && dict.get(name); }
};

RankedTensorType tensorOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

LogicalResult single(SmallVectorImpl<Type> &types, ArrayRef<int64_t> shape,
                     Type elementType) {
  types.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

/// Checks that `value` is a vector of `size` elements (bias, norm scales).
LogicalResult checkVector(std::optional<Location> loc, StringRef op,
                          StringRef what, Value value, int64_t size,
                          StringRef sizeMeaning) {
  auto shape = tensorOf(value).getShape();
  if (shape.size() != 1)
    return emitOptionalError(loc, op, ": ", what, " must have rank 1 but has shape ",
                             shapeString(shape));
  if (shape[0] != size)
    return emitOptionalError(loc, op, ": ", what, " has ", shape[0],
                             " elements but ", sizeMeaning, " is ", size);
  return success();
}

LogicalResult checkRank(std::optional<Location> loc, StringRef op,
                        StringRef what, Value value, int64_t rank,
                        StringRef layout) {
  auto shape = tensorOf(value).getShape();
  if (static_cast<int64_t>(shape.size()) != rank)
    return emitOptionalError(loc, op, ": ", what, " must have rank ", rank, " (",
                             layout, ") but has shape ", shapeString(shape));
  return success();
}

/// Output extent of a convolution or pooling window along one dimension.
LogicalResult windowExtent(std::optional<Location> loc, StringRef op,
                           StringRef dimName, int64_t in, int64_t kernel,
                           int64_t stride, int64_t padding, int64_t dilation,
                           int64_t &out) {
  // Attributes come from the user: name the one that is wrong and its value.
  if (kernel < 1)
    return emitOptionalError(loc, op, ": the kernel extent along ", dimName,
                             " must be ≥ 1, got ", kernel);
  if (stride < 1)
    return emitOptionalError(loc, op, ": stride along ", dimName, " must be ≥ 1, got ",
                             stride);
  if (dilation < 1)
    return emitOptionalError(loc, op, ": dilation along ", dimName, " must be ≥ 1, got ",
                             dilation);
  if (padding < 0)
    return emitOptionalError(loc, op, ": padding along ", dimName, " must be ≥ 0, got ",
                             padding);
  // Bounded so that the window arithmetic below cannot overflow.
  constexpr int64_t limit = int64_t(1) << 31;
  if (kernel >= limit || stride >= limit || dilation >= limit || padding >= limit)
    return emitOptionalError(loc, op, ": kernel, stride, dilation and padding along ",
                             dimName, " must be below 2^31 (got ", kernel, ", ", stride,
                             ", ", dilation, ", ", padding, ")");
  int64_t span = dilation * (kernel - 1) + 1;
  if (in + 2 * padding < span)
    return emitOptionalError(loc, op, ": the window (", span, " wide",
                             dilation > 1 ? " with dilation " + std::to_string(dilation)
                                          : std::string(),
                             ") is larger than the padded input along ", dimName, " (",
                             in, " + 2×", padding, ")");
  out = (in + 2 * padding - span) / stride + 1;
  return success();
}

/// Loom tensors have static, positive extents (the language never makes
/// others; a hand-written .mlir file might). Shape inference relies on it.
LogicalResult verifyStaticShapes(Operation *op) {
  auto check = [&](Value value, StringRef what, unsigned index) -> LogicalResult {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      return success(); // the ODS type constraints report it
    for (auto [dim, extent] : llvm::enumerate(type.getShape()))
      if (ShapedType::isDynamic(extent) || extent < 1)
        return op->emitOpError()
               << what << " #" << index << " has type " << type << ": dim " << dim
               << " must be a static extent ≥ 1, got "
               << (ShapedType::isDynamic(extent) ? std::string("?")
                                                 : std::to_string(extent));
    return success();
  };
  for (auto [index, operand] : llvm::enumerate(op->getOperands()))
    if (failed(check(operand, "operand", index)))
      return failure();
  for (auto [index, result] : llvm::enumerate(op->getResults()))
    if (failed(check(result, "result", index)))
      return failure();
  return success();
}

template <typename OpTy>
LogicalResult verifyInferredType(OpTy op) {
  if (failed(verifyStaticShapes(op)))
    return failure();
  SmallVector<Type> inferred;
  if (failed(OpTy::inferReturnTypes(op->getContext(), op->getLoc(),
                                    op->getOperands(), op->getAttrDictionary(),
                                    OpaqueProperties(nullptr), op->getRegions(),
                                    inferred)))
    return failure();
  if (TypeRange(inferred) != op->getResultTypes()) {
    auto diag = op.emitOpError() << "result type " << op->getResultTypes()
                                 << " does not match the inferred type "
                                 << TypeRange(inferred);
    // Say which dimension disagrees, so the reader need not diff the types.
    auto written = dyn_cast<RankedTensorType>(op->getResultTypes().front());
    auto expected = dyn_cast<RankedTensorType>(inferred.front());
    if (written && expected && written.getRank() != expected.getRank())
      diag << " (rank " << written.getRank() << " written, " << expected.getRank()
           << " inferred)";
    else if (written && expected && written.getShape() != expected.getShape()) {
      for (int64_t dim = 0; dim < written.getRank(); ++dim)
        if (written.getDimSize(dim) != expected.getDimSize(dim)) {
          diag << " (dim " << dim << ": " << written.getDimSize(dim) << " written, "
               << expected.getDimSize(dim) << " inferred)";
          break;
        }
    } else if (written && expected)
      diag << " (element type " << written.getElementType() << " written, "
           << expected.getElementType() << " inferred)";
    return diag;
  }
  return success();
}

} // namespace

std::string loom::shapeString(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, ", ");
  os << "]";
  return text;
}

//===----------------------------------------------------------------------===//
// Model structure
//===----------------------------------------------------------------------===//

void ModelOp::build(OpBuilder &builder, OperationState &state, StringRef name) {
  state.addAttribute(SymbolTable::getSymbolAttrName(), builder.getStringAttr(name));
  Region *body = state.addRegion();
  body->push_back(new Block());
}

LogicalResult ModelOp::verify() {
  llvm::StringMap<Operation *> inputs, params, outputs;
  bool anyOutput = false;
  for (Operation &op : getBody().front()) {
    auto check = [&](llvm::StringMap<Operation *> &seen, StringRef kind,
                     StringRef name) -> LogicalResult {
      auto [first, inserted] = seen.try_emplace(name, &op);
      if (inserted)
        return success();
      auto diag = op.emitOpError() << "duplicate " << kind << " name '" << name << "'";
      diag.attachNote(first->second->getLoc()) << "first defined here";
      return diag;
    };
    if (isa<InputOp, ParamOp, OutputOp>(op) && failed(verifyStaticShapes(&op)))
      return failure();
    if (auto input = dyn_cast<InputOp>(op)) {
      if (failed(check(inputs, "input", input.getName()))) return failure();
    } else if (auto param = dyn_cast<ParamOp>(op)) {
      if (failed(check(params, "parameter", param.getName()))) return failure();
    } else if (auto output = dyn_cast<OutputOp>(op)) {
      anyOutput = true;
      if (failed(check(outputs, "output", output.getName()))) return failure();
    }
  }
  if (!anyOutput)
    return emitOpError() << "model '" << getSymName()
                         << "' has no output (a model needs at least one loom.output)";
  return success();
}

LogicalResult ParamOp::verify() {
  StringRef init = getInit();
  if (init != "fan_in" && init != "ones" && init != "zeros")
    return emitOpError() << "init must be fan_in, ones or zeros, not '" << init << "'";
  if (getFanIn() < 1)
    return emitOpError() << "fan_in must be ≥ 1, got " << getFanIn();
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         ValueRange operands, DictionaryAttr,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &types) {
  auto input = tensorOf(operands[0]);
  if (input.getRank() < 1)
    return emitOptionalError(loc, "linear: input must have rank ≥ 1 ([..., in]) but has "
                             "shape []");
  if (failed(checkRank(loc, "linear", "weight", operands[1], 2, "[out, in]")))
    return failure();
  auto weight = tensorOf(operands[1]).getShape();
  int64_t inFeatures = input.getShape().back();
  if (weight[1] != inFeatures)
    return emitOptionalError(loc, "linear: input has ", inFeatures,
                             " features (last dim) but weight dim 1 is ",
                             weight[1], " (weight shape ", shapeString(weight), ")");
  if (operands.size() > 2 &&
      failed(checkVector(loc, "linear", "bias", operands[2], weight[0],
                         "the output size (weight dim 0)")))
    return failure();
  SmallVector<int64_t> shape(input.getShape());
  shape.back() = weight[0];
  return single(types, shape, input.getElementType());
}

/// Shared by conv1d and conv2d: x [N, C, spatial...], w [Cout, C/g, k...].
static LogicalResult inferConvolution(std::optional<Location> loc, StringRef op,
                                      ValueRange operands, ArrayRef<int64_t> stride,
                                      ArrayRef<int64_t> padding,
                                      ArrayRef<int64_t> dilation, int64_t groups,
                                      SmallVectorImpl<Type> &types) {
  // The op fixes the spatial rank; the attribute lengths are checked against it.
  int64_t spatial = op == "conv1d" ? 1 : op == "conv2d" ? 2 : stride.size();
  StringRef layout = spatial == 1 ? "[N, C, L]" : "[N, C, H, W]";
  StringRef weightLayout = spatial == 1 ? "[C_out, C_in/groups, K]"
                                        : "[C_out, C_in/groups, KH, KW]";
  if (failed(checkRank(loc, op, "input", operands[0], 2 + spatial, layout)) ||
      failed(checkRank(loc, op, "weight", operands[1], 2 + spatial, weightLayout)))
    return failure();
  if (static_cast<int64_t>(stride.size()) != spatial || padding.size() != stride.size() ||
      dilation.size() != stride.size())
    return emitOptionalError(loc, op, ": stride, padding and dilation need ",
                             spatial, " values each (one per spatial dim) but have ",
                             stride.size(), ", ", padding.size(), " and ",
                             dilation.size());
  auto input = tensorOf(operands[0]).getShape();
  auto weight = tensorOf(operands[1]).getShape();
  if (groups < 1)
    return emitOptionalError(loc, op, ": groups must be ≥ 1, not ", groups);
  if (input[1] % groups != 0)
    return emitOptionalError(loc, op, ": input channels (dim 1 = ", input[1],
                             ") are not divisible by groups = ", groups);
  if (weight[0] % groups != 0)
    return emitOptionalError(loc, op, ": output channels (weight dim 0 = ", weight[0],
                             ") are not divisible by groups = ", groups);
  if (weight[1] * groups != input[1])
    return emitOptionalError(loc, op, ": input has ", input[1],
                             " channels (dim 1) but weight expects ", weight[1],
                             " × groups ", groups, " = ", weight[1] * groups,
                             " (weight dim 1; weight shape ", shapeString(weight), ")");
  if (operands.size() > 2 &&
      failed(checkVector(loc, op, "bias", operands[2], weight[0],
                         "the output channel count (weight dim 0)")))
    return failure();
  SmallVector<int64_t> shape = {input[0], weight[0]};
  static const char *names[] = {"dim 2", "dim 3"};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t out;
    if (failed(windowExtent(loc, op, names[i], input[2 + i], weight[2 + i],
                            stride[i], padding[i], dilation[i], out)))
      return failure();
    shape.push_back(out);
  }
  return single(types, shape, tensorOf(operands[0]).getElementType());
}

LogicalResult Conv1DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         ValueRange operands, DictionaryAttr dict,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &types) {
  Attrs attrs{dict};
  int64_t stride = attrs.integer("stride", 1), padding = attrs.integer("padding", 0),
          dilation = attrs.integer("dilation", 1);
  return inferConvolution(loc, "conv1d", operands, {stride}, {padding}, {dilation},
                          attrs.integer("groups", 1), types);
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         ValueRange operands, DictionaryAttr dict,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &types) {
  Attrs attrs{dict};
  return inferConvolution(loc, "conv2d", operands, attrs.array("stride", {1, 1}),
                          attrs.array("padding", {0, 0}),
                          attrs.array("dilation", {1, 1}),
                          attrs.integer("groups", 1), types);
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr dict,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &types) {
  auto input = tensorOf(operands[0]);
  if (input.getRank() < 1)
    return emitOptionalError(loc, "layer_norm: input must have rank ≥ 1 but has shape []");
  // The operand segments say whether a lone affine operand is the weight or
  // the bias, so the message can name it.
  auto segments = dict ? dict.getAs<DenseI32ArrayAttr>("operandSegmentSizes")
                       : DenseI32ArrayAttr();
  bool hasWeight = segments && segments.size() == 3 ? segments[1] > 0
                                                    : operands.size() > 1;
  for (auto [index, affine] : llvm::enumerate(operands.drop_front()))
    if (failed(checkVector(loc, "layer_norm", index == 0 && hasWeight ? "weight" : "bias",
                           affine,
                           input.getShape().back(),
                           "the normalized size (last dim of input)")))
      return failure();
  types.push_back(input);
  return success();
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          ValueRange operands, DictionaryAttr,
                                          OpaqueProperties, RegionRange,
                                          SmallVectorImpl<Type> &types) {
  auto input = tensorOf(operands[0]);
  if (input.getRank() < 1)
    return emitOptionalError(loc, "rms_norm: input must have rank ≥ 1 but has shape []");
  if (failed(checkVector(loc, "rms_norm", "weight", operands[1],
                         input.getShape().back(),
                         "the normalized size (last dim of input)")))
    return failure();
  types.push_back(input);
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &types) {
  auto input = tensorOf(operands[0]);
  if (input.getRank() < 2)
    return emitOptionalError(loc, "batch_norm: input must have rank ≥ 2 ([N, C, ...]) "
                             "but has shape ", shapeString(input.getShape()));
  static const char *names[] = {"running_mean", "running_var", "weight", "bias"};
  for (auto [index, param] : llvm::enumerate(operands.drop_front()))
    if (failed(checkVector(loc, "batch_norm", names[index], param,
                           input.getShape()[1], "the channel count (dim 1 of input)")))
      return failure();
  types.push_back(input);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static LogicalResult inferBroadcast(std::optional<Location> loc, StringRef op,
                                    ValueRange operands,
                                    SmallVectorImpl<Type> &types) {
  auto lhs = tensorOf(operands[0]).getShape(), rhs = tensorOf(operands[1]).getShape();
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align at the last dimension, as NumPy does.
    int64_t a = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t b = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (a != b && a != 1 && b != 1)
      return emitOptionalError(loc, op, ": shapes ", shapeString(lhs), " and ",
                               shapeString(rhs), " do not broadcast: dim ", i,
                               " of the result would be both ", a, " and ", b);
    shape[i] = a == 1 ? b : a;
  }
  return single(types, shape, tensorOf(operands[0]).getElementType());
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      ValueRange operands, DictionaryAttr,
                                      OpaqueProperties, RegionRange,
                                      SmallVectorImpl<Type> &types) {
  return inferBroadcast(loc, "add", operands, types);
}

LogicalResult MulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      ValueRange operands, DictionaryAttr,
                                      OpaqueProperties, RegionRange,
                                      SmallVectorImpl<Type> &types) {
  return inferBroadcast(loc, "mul", operands, types);
}

//===----------------------------------------------------------------------===//
// Pooling, softmax, embedding
//===----------------------------------------------------------------------===//

static LogicalResult inferPool(std::optional<Location> loc, StringRef op,
                               ValueRange operands, DictionaryAttr dict,
                               SmallVectorImpl<Type> &types) {
  Attrs attrs{dict};
  if (failed(checkRank(loc, op, "input", operands[0], 4, "[N, C, H, W]")))
    return failure();
  if (!attrs.has("kernel"))
    return emitOptionalError(loc, op, ": the kernel size is required");
  auto kernel = attrs.array("kernel", {});
  auto stride = attrs.array("stride", kernel);
  auto padding = attrs.array("padding", {0, 0});
  if (kernel.size() != 2 || stride.size() != 2 || padding.size() != 2)
    return emitOptionalError(loc, op, ": kernel, stride and padding need 2 values each "
                             "([H, W]) but have ", kernel.size(), ", ", stride.size(),
                             " and ", padding.size());
  auto input = tensorOf(operands[0]).getShape();
  SmallVector<int64_t> shape = {input[0], input[1]};
  static const char *names[] = {"dim 2", "dim 3"};
  for (int i = 0; i < 2; ++i) {
    if (padding[i] > kernel[i] / 2)
      return emitOptionalError(loc, op, ": padding ", padding[i], " along ", names[i],
                               " exceeds half the kernel (", kernel[i], ")");
    int64_t out;
    if (failed(windowExtent(loc, op, names[i], input[2 + i], kernel[i], stride[i],
                            padding[i], 1, out)))
      return failure();
    shape.push_back(out);
  }
  return single(types, shape, tensorOf(operands[0]).getElementType());
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr dict,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &types) {
  return inferPool(loc, "max_pool2d", operands, dict, types);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr dict,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &types) {
  return inferPool(loc, "avg_pool2d", operands, dict, types);
}

LogicalResult GlobalAvgPool2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr, OpaqueProperties, RegionRange, SmallVectorImpl<Type> &types) {
  if (failed(checkRank(loc, "global_avg_pool2d", "input", operands[0], 4,
                       "[N, C, H, W]")))
    return failure();
  auto input = tensorOf(operands[0]).getShape();
  return single(types, {input[0], input[1], 1, 1},
                tensorOf(operands[0]).getElementType());
}

/// Resolves a possibly negative axis against `rank`.
static FailureOr<int64_t> resolveAxis(std::optional<Location> loc, StringRef op,
                                      int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return emitOptionalError(loc, op, ": axis ", axis, " is out of range for rank ",
                             rank, " (valid: ", -rank, " to ", rank - 1, ")");
  return axis < 0 ? axis + rank : axis;
}

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError() << "approximate must be \"none\" or \"tanh\", not \""
                         << getApproximate() << "\"";
  return verifyInferredType(*this);
}

LogicalResult SoftmaxOp::verify() {
  if (failed(resolveAxis(getLoc(), "softmax", getAxis(), getType().getRank())))
    return failure();
  return verifyInferredType(*this);
}

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &types) {
  if (failed(checkRank(loc, "embedding", "table", operands[1], 2,
                       "[num_embeddings, dim]")))
    return failure();
  SmallVector<int64_t> shape(tensorOf(operands[0]).getShape());
  shape.push_back(tensorOf(operands[1]).getShape()[1]);
  return single(types, shape, tensorOf(operands[1]).getElementType());
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          ValueRange operands, DictionaryAttr dict,
                                          OpaqueProperties, RegionRange,
                                          SmallVectorImpl<Type> &types) {
  Attrs attrs{dict};
  if (!attrs.has("shape"))
    return emitOptionalError(loc, "reshape: the target shape is required");
  auto input = tensorOf(operands[0]);
  SmallVector<int64_t> shape = attrs.array("shape", {});
  int64_t known = 1, inferredIndex = -1;
  for (auto [index, extent] : llvm::enumerate(shape)) {
    if (extent == -1) {
      if (inferredIndex >= 0)
        return emitOptionalError(loc, "reshape: only one dimension may be -1, but dims ",
                                 inferredIndex, " and ", index, " of the target shape ",
                                 shapeString(shape), " both are");
      inferredIndex = index;
    } else if (extent < 1) {
      return emitOptionalError(loc, "reshape: dim ", index, " of the target shape is ",
                               extent, "; extents must be ≥ 1 (or -1 once)");
    } else if (__builtin_mul_overflow(known, extent, &known)) {
      // Also keeps `count % known` below from dividing by a wrapped zero.
      return emitOptionalError(loc, "reshape: the target shape ", shapeString(shape),
                               " has more than 2^63 elements");
    }
  }
  int64_t count = input.getNumElements();
  if (inferredIndex >= 0) {
    if (count % known != 0)
      return emitOptionalError(loc, "reshape: cannot infer the -1 dimension: ", count,
                               " elements are not divisible by ", known);
    shape[inferredIndex] = count / known;
  } else if (known != count) {
    return emitOptionalError(loc, "reshape: input ", shapeString(input.getShape()),
                             " has ", count, " elements but target shape ",
                             shapeString(shape), " has ", known);
  }
  return single(types, shape, input.getElementType());
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            ValueRange operands, DictionaryAttr dict,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &types) {
  auto input = tensorOf(operands[0]);
  auto perm = Attrs{dict}.array("perm", {});
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitOptionalError(loc, "transpose: perm has ", perm.size(),
                             " entries but the input has rank ", input.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t axis : perm) {
    if (axis < 0 || axis >= input.getRank() || seen[axis])
      return emitOptionalError(loc, "transpose: perm ", shapeString(perm),
                               " is not a permutation of 0..", input.getRank() - 1, " (",
                               axis, axis < 0 || axis >= input.getRank()
                                         ? " is out of range)"
                                         : " appears twice)");
    seen[axis] = true;
    shape.push_back(input.getShape()[axis]);
  }
  return single(types, shape, input.getElementType());
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         ValueRange operands, DictionaryAttr dict,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &types) {
  if (operands.empty())
    return emitOptionalError(loc, "concat: needs at least one input");
  auto first = tensorOf(operands[0]);
  auto axis = resolveAxis(loc, "concat", Attrs{dict}.integer("axis", 0), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (auto [index, operand] : llvm::enumerate(operands.drop_front())) {
    auto other = tensorOf(operand).getShape();
    if (other.size() != shape.size())
      return emitOptionalError(loc, "concat: input ", index + 1, " has rank ",
                               other.size(), " but input 0 has rank ", shape.size());
    for (size_t dim = 0; dim < other.size(); ++dim)
      if (static_cast<int64_t>(dim) != *axis && other[dim] != shape[dim])
        return emitOptionalError(loc, "concat: dim ", dim, " of input ", index + 1,
                                 " is ", other[dim], " but ", shape[dim],
                                 " in input 0 (only dim ", *axis, " may differ)");
    shape[*axis] += other[*axis];
  }
  return single(types, shape, first.getElementType());
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        ValueRange operands, DictionaryAttr dict,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &types) {
  Attrs attrs{dict};
  auto input = tensorOf(operands[0]);
  auto axis = resolveAxis(loc, "slice", attrs.integer("axis", 0), input.getRank());
  if (failed(axis))
    return failure();
  int64_t extent = input.getShape()[*axis];
  int64_t start = attrs.integer("start", 0), end = attrs.integer("end", extent),
          step = attrs.integer("step", 1);
  if (step < 1)
    return emitOptionalError(loc, "slice: step must be ≥ 1, not ", step);
  int64_t givenStart = start, givenEnd = end;
  // Python semantics: negative indices count from the end, then clamp.
  if (start < 0) start += extent;
  if (end < 0) end += extent;
  start = std::clamp<int64_t>(start, 0, extent);
  end = std::clamp<int64_t>(end, 0, extent);
  if (end <= start)
    return emitOptionalError(loc, "slice: start = ", givenStart, ", end = ", givenEnd,
                             " select no element of dim ", *axis, " (extent ", extent,
                             "; negative indices count from the end, then clamp to [0, ",
                             extent, "])");
  SmallVector<int64_t> shape(input.getShape());
  // (end - start - 1) / step + 1 rounds up without overflowing for a huge step.
  shape[*axis] = (end - start - 1) / step + 1;
  return single(types, shape, input.getElementType());
}

//===----------------------------------------------------------------------===//
// Verifiers and lookup
//===----------------------------------------------------------------------===//

#define LOOM_DEFINE_VERIFY(OpTy)                                               \
  LogicalResult OpTy::verify() { return verifyInferredType(*this); }
LOOM_LAYER_OPS(LOOM_DEFINE_VERIFY)
#undef LOOM_DEFINE_VERIFY

InferReturnTypesFn loom::lookupInferReturnTypes(StringRef opName) {
#define LOOM_LOOKUP(OpTy)                                                      \
  if (opName == OpTy::getOperationName())                                      \
    return &OpTy::inferReturnTypes;
  LOOM_LAYER_OPS(LOOM_LOOKUP)
  LOOM_LOOKUP(SoftmaxOp)
  LOOM_LOOKUP(GeluOp)
  LOOM_LOOKUP(SelectiveScanOp)
  LOOM_LOOKUP(MambaOp)
  LOOM_LOOKUP(SSDScanOp)
  LOOM_LOOKUP(GatedRMSNormOp)
  LOOM_LOOKUP(Mamba2Op)
  LOOM_LOOKUP(HydraOp)
  LOOM_LOOKUP(NestedFFNOp)
  LOOM_LOOKUP(NestedEmbeddingOp)
#undef LOOM_LOOKUP
  return lookupSparseInferReturnTypes(opName);
}

bool loom::isElementwise(Operation *op) {
  return isa<ReluOp, SiluOp, SigmoidOp, TanhOp, SoftplusOp, GeluOp, AddOp, MulOp>(op);
}
