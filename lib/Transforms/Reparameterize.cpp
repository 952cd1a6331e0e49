// loom-reparameterize: folds inference batch norms into the convolutions
// before them and merges parallel depthwise branches (RepLKNet, UniRepLKNet)
// into one large-kernel convolution whose kernel is computed from the
// original parameters.
#include "lib/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

namespace loom {
#define GEN_PASS_DEF_LOOMREPARAMETERIZE
#include "dialect/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;

namespace {

/// One branch: batch_norm(conv2d(x, weight[, bias])).
struct Branch {
  BatchNormOp norm;
  Conv2DOp conv;
  int64_t kernel = 0;   // square kernel extent
  int64_t dilation = 1; // equal along both axes
  int64_t span() const { return dilation * (kernel - 1) + 1; }
};

/// The branch `value` is, when it is one that can be merged: a batch norm
/// used once, of a stride-1 "same"-padded square conv2d used only by it.
std::optional<Branch> branchOf(Value value) {
  auto norm = value.getDefiningOp<BatchNormOp>();
  if (!norm)
    return std::nullopt;
  auto conv = norm.getInput().getDefiningOp<Conv2DOp>();
  if (!conv || !conv.getResult().hasOneUse())
    return std::nullopt;
  auto weight = cast<RankedTensorType>(conv.getWeight().getType()).getShape();
  ArrayRef<int64_t> stride = conv.getStride(), padding = conv.getPadding(),
                    dilation = conv.getDilation();
  if (weight[2] != weight[3] || weight[2] % 2 == 0 || stride[0] != 1 || stride[1] != 1 ||
      dilation[0] != dilation[1] || padding[0] != padding[1])
    return std::nullopt;
  Branch branch{norm, conv, weight[2], dilation[0]};
  if (padding[0] != (branch.span() - 1) / 2)
    return std::nullopt;
  return branch;
}

template <typename OpTy>
Value createInferred(OpBuilder &builder, Location loc, ValueRange operands,
                     ArrayRef<NamedAttribute> attrs) {
  SmallVector<Type> types;
  DictionaryAttr dict = builder.getDictionaryAttr(attrs);
  LogicalResult inferred = OpTy::inferReturnTypes(builder.getContext(), loc, operands, dict,
                                                  OpaqueProperties(nullptr), {}, types);
  (void)inferred;
  assert(succeeded(inferred) && "re-parameterization built an ill-typed op");
  return builder.create<OpTy>(loc, types, operands, attrs).getResult();
}

struct ReparameterizePass : loom::impl::LoomReparameterizeBase<ReparameterizePass> {
  using LoomReparameterizeBase::LoomReparameterizeBase;

  void runOnOperation() override {
    if (!enable)
      return;
    Block &body = getOperation().getBody().front();
    // Sums of branches first (outermost adds come last in the block), then
    // lone conv → batch_norm pairs.
    SmallVector<AddOp> adds(body.getOps<AddOp>());
    for (AddOp add : llvm::reverse(adds))
      if (!erased.contains(add))
        mergeSum(add);
    SmallVector<BatchNormOp> norms(body.getOps<BatchNormOp>());
    for (BatchNormOp norm : norms)
      if (!erased.contains(norm))
        if (std::optional<Branch> branch = branchOf(norm.getResult()))
        {
          Branch single[] = {*branch};
          rewrite(single, norm.getResult(), {});
        }
    for (Operation *op : toErase)
      op->erase();
  }

  /// The leaves of the tree of single-use adds rooted at `value`.
  void collectLeaves(Value value, bool root, SmallVectorImpl<Value> &leaves,
                     SmallVectorImpl<Operation *> &adds) {
    auto add = value.getDefiningOp<AddOp>();
    if (add && (root || value.hasOneUse())) {
      adds.push_back(add);
      collectLeaves(add.getLhs(), false, leaves, adds);
      collectLeaves(add.getRhs(), false, leaves, adds);
      return;
    }
    leaves.push_back(value);
  }

  void mergeSum(AddOp root) {
    SmallVector<Value> leaves;
    SmallVector<Operation *> adds;
    collectLeaves(root.getResult(), true, leaves, adds);
    SmallVector<Branch> branches;
    for (Value leaf : leaves) {
      std::optional<Branch> branch = branchOf(leaf);
      if (!branch || !leaf.hasOneUse())
        return;
      branches.push_back(*branch);
    }
    Conv2DOp first = branches.front().conv;
    for (Branch &branch : branches)
      if (branch.conv.getInput() != first.getInput() ||
          branch.conv.getGroups() != first.getGroups() ||
          branch.conv.getType() != first.getType() ||
          branch.conv.getWeight().getType().getShape()[1] !=
              first.getWeight().getType().getShape()[1])
        return;
    // No broadcasting in the sum: it adds whole conv outputs.
    for (Operation *add : adds)
      if (add->getResult(0).getType() != first.getType())
        return;
    rewrite(branches, root.getResult(), adds);
  }

  /// Replaces `result` (the sum of `branches`, made by `adds`) with one
  /// conv2d over the merged kernel and bias.
  void rewrite(MutableArrayRef<Branch> branches, Value result, ArrayRef<Operation *> adds) {
    // The branch with the widest window names the merged conv (knob
    // overrides of that layer keep applying).
    Branch &widest = *llvm::max_element(
        branches, [](const Branch &a, const Branch &b) { return a.span() < b.span(); });
    int64_t size = widest.span();
    Operation *insertion = result.getDefiningOp();
    OpBuilder builder(insertion);
    Location loc = widest.conv.getLoc();

    Value kernel, bias;
    for (Branch &branch : branches) {
      BatchNormOp norm = branch.norm;
      NamedAttribute eps = builder.getNamedAttr("eps", norm.getEpsAttr());
      Value folded = createInferred<FoldBatchNormWeightOp>(
          builder, norm.getLoc(),
          {branch.conv.getWeight(), norm.getRunningMean(), norm.getRunningVar(),
           norm.getWeight(), norm.getBias()},
          {eps});
      if (branch.span() != size || branch.dilation != 1)
        folded = createInferred<EmbedKernelOp>(
            builder, norm.getLoc(), {folded},
            {builder.getNamedAttr("size", builder.getI64IntegerAttr(size)),
             builder.getNamedAttr("dilation", builder.getI64IntegerAttr(branch.dilation))});
      SmallVector<Value> biasOperands = {norm.getRunningMean(), norm.getRunningVar(),
                                         norm.getWeight(), norm.getBias()};
      if (branch.conv.getBias())
        biasOperands.push_back(branch.conv.getBias());
      Value foldedBias =
          createInferred<FoldBatchNormBiasOp>(builder, norm.getLoc(), biasOperands, {eps});
      kernel = kernel ? createInferred<AddOp>(builder, loc, {kernel, folded}, {}) : folded;
      bias = bias ? createInferred<AddOp>(builder, loc, {bias, foldedBias}, {}) : foldedBias;
    }
    int64_t padding = (size - 1) / 2;
    Value merged = createInferred<Conv2DOp>(
        builder, loc, {widest.conv.getInput(), kernel, bias},
        {builder.getNamedAttr("padding", builder.getDenseI64ArrayAttr({padding, padding})),
         builder.getNamedAttr("groups", widest.conv.getGroupsAttr())});
    result.replaceAllUsesWith(merged);
    // Users before producers: the adds from the root down, norms, convs.
    for (Operation *add : adds)
      markErased(add);
    for (Branch &branch : branches)
      markErased(branch.norm);
    for (Branch &branch : branches)
      markErased(branch.conv);
  }

  void markErased(Operation *op) {
    erased.insert(op);
    toErase.push_back(op);
  }

  llvm::DenseSet<Operation *> erased;
  SmallVector<Operation *> toErase;
};

} // namespace
