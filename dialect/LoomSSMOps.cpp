// Shape inference and verifiers of the state-space ops (LoomSSM.td).
#include "dialect/LoomDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;
using namespace loom;

namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// Checks `value` against `expected`, where -1 entries are free; names the
/// first dimension that disagrees and what it should have been.
LogicalResult checkShape(std::optional<Location> loc, StringRef op, StringRef what,
                         Value value, ArrayRef<int64_t> expected, StringRef layout,
                         ArrayRef<StringRef> meanings) {
  auto shape = shapeOf(value);
  if (shape.size() != expected.size())
    return emitOptionalError(loc, op, ": ", what, " must have rank ", expected.size(),
                             " (", layout, ") but has shape ", shapeString(shape));
  for (auto [dim, extent] : llvm::enumerate(expected))
    if (extent >= 0 && shape[dim] != extent)
      return emitOptionalError(loc, op, ": ", what, " dim ", dim, " is ", shape[dim],
                               " but ", meanings[dim], " is ", extent, " (", what,
                               " shape ", shapeString(shape), ", expected ", layout, ")");
  return success();
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
// selective_scan
//===----------------------------------------------------------------------===//

LogicalResult SelectiveScanOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                ValueRange operands, DictionaryAttr dict,
                                                OpaqueProperties, RegionRange,
                                                SmallVectorImpl<Type> &types) {
  const StringRef op = "selective_scan";
  if (operands.size() < 5)
    return emitOptionalError(loc, op, ": needs u, delta, A, B and C");
  auto u = shapeOf(operands[0]);
  if (u.size() != 3)
    return emitOptionalError(loc, op, ": u must have rank 3 ([B, D, L]) but has shape ",
                             shapeString(u));
  int64_t batch = u[0], channels = u[1], length = u[2];
  StringRef seq[] = {"the batch (u dim 0)", "the channel count (u dim 1)",
                     "the sequence length (u dim 2)"};
  if (failed(checkShape(loc, op, "delta", operands[1], u, "[B, D, L]", seq)))
    return failure();
  auto a = shapeOf(operands[2]);
  StringRef aMeaning[] = {"the channel count (u dim 1)", ""};
  if (failed(checkShape(loc, op, "A", operands[2], {channels, -1}, "[D, N]", aMeaning)))
    return failure();
  int64_t states = a[1];
  StringRef bcMeaning[] = {"the batch (u dim 0)", "the state size (A dim 1)",
                           "the sequence length (u dim 2)"};
  if (failed(checkShape(loc, op, "B", operands[3], {batch, states, length}, "[B, N, L]",
                        bcMeaning)) ||
      failed(checkShape(loc, op, "C", operands[4], {batch, states, length}, "[B, N, L]",
                        bcMeaning)))
    return failure();

  // The optional operands follow in the order D, z, delta_bias; the segment
  // sizes say which are present.
  SmallVector<int32_t> segments = {1, 1, 1, 1, 1, 0, 0, 0};
  if (auto attr = dict ? dict.getAs<DenseI32ArrayAttr>("operandSegmentSizes")
                       : DenseI32ArrayAttr())
    segments.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());
  if (segments.size() != 8 || llvm::any_of(segments, [](int32_t s) { return s > 1; }) ||
      static_cast<size_t>(std::accumulate(segments.begin(), segments.end(), 0)) !=
          operands.size())
    return emitOptionalError(loc, op, ": malformed operandSegmentSizes");
  StringRef vectorMeaning[] = {"the channel count (u dim 1)"};
  size_t next = 5;
  if (segments[5] &&
      failed(checkShape(loc, op, "D", operands[next++], {channels}, "[D]", vectorMeaning)))
    return failure();
  if (segments[6] && failed(checkShape(loc, op, "z", operands[next++], u, "[B, D, L]", seq)))
    return failure();
  if (segments[7] && failed(checkShape(loc, op, "delta_bias", operands[next++], {channels},
                                       "[D]", vectorMeaning)))
    return failure();
  types.push_back(RankedTensorType::get(u, cast<RankedTensorType>(operands[0].getType())
                                               .getElementType()));
  return success();
}

LogicalResult SelectiveScanOp::verify() { return verifyInferredType(*this); }

//===----------------------------------------------------------------------===//
// ssd_scan
//===----------------------------------------------------------------------===//

LogicalResult SSDScanOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          ValueRange operands, DictionaryAttr dict,
                                          OpaqueProperties, RegionRange,
                                          SmallVectorImpl<Type> &types) {
  const StringRef op = "ssd_scan";
  if (operands.size() < 5)
    return emitOptionalError(loc, op, ": needs x, dt, A, B and C");
  auto x = shapeOf(operands[0]);
  if (x.size() != 4)
    return emitOptionalError(loc, op, ": x must have rank 4 ([B, L, H, P]) but has shape ",
                             shapeString(x));
  int64_t batch = x[0], length = x[1], heads = x[2];
  StringRef xMeaning[] = {"the batch (x dim 0)", "the sequence length (x dim 1)",
                          "the head count (x dim 2)", "the head dimension (x dim 3)"};
  if (failed(checkShape(loc, op, "dt", operands[1], {batch, length, heads}, "[B, L, H]",
                        xMeaning)))
    return failure();
  StringRef headMeaning[] = {"the head count (x dim 2)"};
  if (failed(checkShape(loc, op, "A", operands[2], {heads}, "[H]", headMeaning)))
    return failure();
  auto b = shapeOf(operands[3]);
  StringRef bcMeaning[] = {"the batch (x dim 0)", "the sequence length (x dim 1)", "",
                           "the state size (B dim 3)"};
  if (failed(checkShape(loc, op, "B", operands[3], {batch, length, -1, -1}, "[B, L, G, N]",
                        bcMeaning)))
    return failure();
  int64_t groups = b[2];
  if (heads % groups != 0)
    return emitOptionalError(loc, op, ": the head count (x dim 2 = ", heads,
                             ") is not divisible by the group count (B dim 2 = ", groups,
                             ")");
  StringRef cMeaning[] = {"the batch (x dim 0)", "the sequence length (x dim 1)",
                          "the group count (B dim 2)", "the state size (B dim 3)"};
  if (failed(checkShape(loc, op, "C", operands[4], b, "[B, L, G, N]", cMeaning)))
    return failure();

  SmallVector<int32_t> segments = {1, 1, 1, 1, 1, 0, 0, 0};
  if (auto attr = dict ? dict.getAs<DenseI32ArrayAttr>("operandSegmentSizes")
                       : DenseI32ArrayAttr())
    segments.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());
  if (segments.size() != 8 || llvm::any_of(segments, [](int32_t s) { return s > 1; }) ||
      static_cast<size_t>(std::accumulate(segments.begin(), segments.end(), 0)) !=
          operands.size())
    return emitOptionalError(loc, op, ": malformed operandSegmentSizes");
  size_t next = 5;
  if (segments[5] &&
      failed(checkShape(loc, op, "D", operands[next++], {heads}, "[H]", headMeaning)))
    return failure();
  if (segments[6] && failed(checkShape(loc, op, "z", operands[next++], x, "[B, L, H, P]",
                                       xMeaning)))
    return failure();
  if (segments[7] && failed(checkShape(loc, op, "dt_bias", operands[next++], {heads}, "[H]",
                                       headMeaning)))
    return failure();
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult SSDScanOp::verify() { return verifyInferredType(*this); }

//===----------------------------------------------------------------------===//
// mamba
//===----------------------------------------------------------------------===//

LogicalResult MambaOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        ValueRange operands, DictionaryAttr,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &types) {
  const StringRef op = "mamba";
  auto x = shapeOf(operands[0]);
  if (x.size() != 3)
    return emitOptionalError(loc, op, ": input must have rank 3 ([B, L, d_model]) but has "
                             "shape ", shapeString(x));
  int64_t model = x[2];
  auto inProj = shapeOf(operands[1]);
  if (inProj.size() != 2 || inProj[0] % 2 != 0)
    return emitOptionalError(loc, op, ": in_proj.weight must be [2·d_inner, d_model] but "
                             "has shape ", shapeString(inProj));
  int64_t inner = inProj[0] / 2;
  StringRef inMeaning[] = {"2·d_inner", "d_model (input dim 2)"};
  if (failed(checkShape(loc, op, "in_proj.weight", operands[1], {2 * inner, model},
                        "[2·d_inner, d_model]", inMeaning)))
    return failure();
  auto conv = shapeOf(operands[2]);
  StringRef convMeaning[] = {"d_inner (in_proj.weight dim 0 / 2)", "the depthwise group size", ""};
  if (failed(checkShape(loc, op, "conv1d.weight", operands[2], {inner, 1, -1},
                        "[d_inner, 1, d_conv]", convMeaning)))
    return failure();
  StringRef innerMeaning[] = {"d_inner (in_proj.weight dim 0 / 2)"};
  if (failed(checkShape(loc, op, "conv1d.bias", operands[3], {inner}, "[d_inner]",
                        innerMeaning)))
    return failure();
  auto aLog = shapeOf(operands[7]);
  StringRef aMeaning[] = {"d_inner (in_proj.weight dim 0 / 2)", ""};
  if (failed(checkShape(loc, op, "A_log", operands[7], {inner, -1}, "[d_inner, d_state]",
                        aMeaning)))
    return failure();
  int64_t states = aLog[1];
  auto dtProj = shapeOf(operands[5]);
  StringRef dtMeaning[] = {"d_inner (in_proj.weight dim 0 / 2)", ""};
  if (failed(checkShape(loc, op, "dt_proj.weight", operands[5], {inner, -1},
                        "[d_inner, dt_rank]", dtMeaning)))
    return failure();
  int64_t rank = dtProj[1];
  StringRef xProjMeaning[] = {"dt_rank + 2·d_state (dt_proj.weight dim 1, A_log dim 1)",
                              "d_inner (in_proj.weight dim 0 / 2)"};
  if (failed(checkShape(loc, op, "x_proj.weight", operands[4], {rank + 2 * states, inner},
                        "[dt_rank + 2·d_state, d_inner]", xProjMeaning)))
    return failure();
  if (failed(checkShape(loc, op, "dt_proj.bias", operands[6], {inner}, "[d_inner]",
                        innerMeaning)) ||
      failed(checkShape(loc, op, "D", operands[8], {inner}, "[d_inner]", innerMeaning)))
    return failure();
  StringRef outMeaning[] = {"d_model (input dim 2)", "d_inner (in_proj.weight dim 0 / 2)"};
  if (failed(checkShape(loc, op, "out_proj.weight", operands[9], {model, inner},
                        "[d_model, d_inner]", outMeaning)))
    return failure();
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult MambaOp::verify() { return verifyInferredType(*this); }

//===----------------------------------------------------------------------===//
// gated_rms_norm
//===----------------------------------------------------------------------===//

namespace {

/// An integer attribute of `dict`, or `fallback` when it is absent (a
/// DefaultValuedAttr left at its default).
int64_t integerAttr(DictionaryAttr dict, StringRef name, int64_t fallback) {
  if (auto attr = dict ? dict.getAs<IntegerAttr>(name) : IntegerAttr())
    return attr.getInt();
  return fallback;
}

} // namespace

LogicalResult GatedRMSNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               ValueRange operands, DictionaryAttr dict,
                                               OpaqueProperties, RegionRange,
                                               SmallVectorImpl<Type> &types) {
  const StringRef op = "gated_rms_norm";
  auto x = shapeOf(operands[0]);
  if (x.empty())
    return emitOptionalError(loc, op, ": input must have rank ≥ 1 but has shape []");
  SmallVector<std::string> names;
  for (size_t dim = 0; dim < x.size(); ++dim)
    names.push_back("input dim " + std::to_string(dim));
  SmallVector<StringRef> meanings(names.begin(), names.end());
  if (failed(checkShape(loc, op, "gate", operands[1], x, "the input's shape", meanings)))
    return failure();
  int64_t channels = x.back();
  StringRef weightMeaning[] = {"the channel count (input's last dim)"};
  if (failed(checkShape(loc, op, "weight", operands[2], {channels}, "[C]", weightMeaning)))
    return failure();
  int64_t group = integerAttr(dict, "group_size", 0);
  if (group < 0 || (group > 0 && channels % group != 0))
    return emitOptionalError(loc, op, ": group_size ", group,
                             " must be 0 (one group) or divide the channel count ",
                             channels);
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult GatedRMSNormOp::verify() { return verifyInferredType(*this); }

//===----------------------------------------------------------------------===//
// mamba2 and hydra
//===----------------------------------------------------------------------===//

namespace {

/// The sizes of a Mamba-2-style block, read from its weights.
struct BlockSizes {
  int64_t model, inner, heads, groupStates; // d_model, d_inner, H, G·N
};

/// Checks the operands Mamba2 and Hydra share: input [B, L, d_model], in_proj
/// [2·d_inner + directions·(2·G·N + H), d_model], conv1d [d_inner +
/// directions·2·G·N, 1, K] + bias, dt_bias / A_log / D [H], norm.weight
/// [d_inner], out_proj [d_model, d_inner]; d_inner comes from out_proj and H
/// from A_log. `outProj` is the index of out_proj.weight, `norm` of
/// norm.weight.
FailureOr<BlockSizes> checkBlock(std::optional<Location> loc, StringRef op,
                                 ValueRange operands, int64_t directions, int64_t ngroups,
                                 size_t norm, size_t outProj) {
  auto x = shapeOf(operands[0]);
  if (x.size() != 3)
    return emitOptionalError(loc, op, ": input must have rank 3 ([B, L, d_model]) but has "
                             "shape ", shapeString(x));
  if (ngroups < 1)
    return emitOptionalError(loc, op, ": ngroups must be ≥ 1 but is ", ngroups);
  BlockSizes sizes;
  sizes.model = x[2];
  auto out = shapeOf(operands[outProj]);
  StringRef outMeaning[] = {"d_model (input dim 2)", ""};
  if (failed(checkShape(loc, op, "out_proj.weight", operands[outProj], {sizes.model, -1},
                        "[d_model, d_inner]", outMeaning)))
    return failure();
  sizes.inner = out[1];
  auto aLog = shapeOf(operands[5]);
  if (aLog.size() != 1)
    return emitOptionalError(loc, op, ": A_log must have rank 1 ([nheads]) but has shape ",
                             shapeString(aLog));
  sizes.heads = aLog[0];
  if (sizes.heads < 1 || sizes.inner % sizes.heads != 0)
    return emitOptionalError(loc, op, ": d_inner (out_proj.weight dim 1 = ", sizes.inner,
                             ") is not a multiple of nheads (A_log dim 0 = ", sizes.heads,
                             ")");
  if (sizes.heads % ngroups != 0 || sizes.inner % ngroups != 0)
    return emitOptionalError(loc, op, ": ngroups ", ngroups,
                             " must divide nheads (A_log dim 0 = ", sizes.heads,
                             ") and d_inner (", sizes.inner, ")");
  auto conv = shapeOf(operands[2]);
  if (conv.size() != 3)
    return emitOptionalError(loc, op, ": conv1d.weight must have rank 3 ([conv_dim, 1, "
                             "d_conv]) but has shape ", shapeString(conv));
  int64_t extra = conv[0] - sizes.inner; // directions·2·G·N
  if (extra <= 0 || extra % (2 * directions * ngroups) != 0)
    return emitOptionalError(loc, op, ": conv1d.weight dim 0 is ", conv[0],
                             " but must be d_inner (", sizes.inner, ") + ", 2 * directions,
                             "·ngroups·d_state with ngroups ", ngroups);
  sizes.groupStates = extra / (2 * directions);
  StringRef convMeaning[] = {"", "the depthwise group size", ""};
  if (failed(checkShape(loc, op, "conv1d.weight", operands[2], {conv[0], 1, -1},
                        "[conv_dim, 1, d_conv]", convMeaning)))
    return failure();
  StringRef convDim[] = {"conv_dim (conv1d.weight dim 0)"};
  if (failed(checkShape(loc, op, "conv1d.bias", operands[3], {conv[0]}, "[conv_dim]",
                        convDim)))
    return failure();
  int64_t projected = 2 * sizes.inner + directions * (2 * sizes.groupStates + sizes.heads);
  StringRef inMeaning[] = {directions == 1 ? "2·d_inner + 2·ngroups·d_state + nheads"
                                           : "2·d_inner + 4·ngroups·d_state + 2·nheads",
                           "d_model (input dim 2)"};
  if (failed(checkShape(loc, op, "in_proj.weight", operands[1], {projected, sizes.model},
                        "[d_in_proj, d_model]", inMeaning)))
    return failure();
  StringRef headMeaning[] = {"nheads (A_log dim 0)"};
  if (failed(checkShape(loc, op, "dt_bias", operands[4], {sizes.heads}, "[nheads]",
                        headMeaning)) ||
      failed(checkShape(loc, op, "D", operands[6], {sizes.heads}, "[nheads]", headMeaning)))
    return failure();
  StringRef innerMeaning[] = {"d_inner (out_proj.weight dim 1)"};
  if (failed(checkShape(loc, op, "norm.weight", operands[norm], {sizes.inner}, "[d_inner]",
                        innerMeaning)))
    return failure();
  return sizes;
}

} // namespace

LogicalResult Mamba2Op::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         ValueRange operands, DictionaryAttr dict,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &types) {
  if (operands.size() != 9)
    return emitOptionalError(loc, "mamba2: needs the input and 8 parameters");
  if (failed(checkBlock(loc, "mamba2", operands, 1, integerAttr(dict, "ngroups", 1),
                        /*norm=*/7, /*outProj=*/8)))
    return failure();
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult Mamba2Op::verify() { return verifyInferredType(*this); }

LogicalResult HydraOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        ValueRange operands, DictionaryAttr dict,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &types) {
  const StringRef op = "hydra";
  if (operands.size() != 10)
    return emitOptionalError(loc, op, ": needs the input and 9 parameters");
  auto sizes = checkBlock(loc, op, operands, 2, integerAttr(dict, "ngroups", 1),
                          /*norm=*/8, /*outProj=*/9);
  if (failed(sizes))
    return failure();
  // padding d_conv/2 on both sides keeps L outputs only for an odd kernel.
  int64_t kernel = shapeOf(operands[2])[2];
  if (kernel % 2 == 0)
    return emitOptionalError(loc, op, ": d_conv (conv1d.weight dim 2) must be odd for the "
                             "centred convolution but is ", kernel);
  StringRef fcMeaning[] = {"nheads (A_log dim 0)", "d_inner (out_proj.weight dim 1)"};
  if (failed(checkShape(loc, op, "fc_D.weight", operands[7], {sizes->heads, sizes->inner},
                        "[nheads, d_inner]", fcMeaning)))
    return failure();
  types.push_back(operands[0].getType());
  return success();
}

LogicalResult HydraOp::verify() { return verifyInferredType(*this); }
