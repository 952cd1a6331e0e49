// loom-fuse-elementwise: marks elementwise ops that are computed inside the
// loops of the ops around them instead of in a loop nest of their own.
#include "lib/Transforms/Passes.h"

namespace loom {
#define GEN_PASS_DEF_LOOMFUSEELEMENTWISE
#include "dialect/Passes.h.inc"
} // namespace loom

using namespace mlir;

namespace {

struct FuseElementwisePass
    : loom::impl::LoomFuseElementwiseBase<FuseElementwisePass> {
  using LoomFuseElementwiseBase::LoomFuseElementwiseBase;

  void runOnOperation() override {
    if (!enable)
      return;
    getOperation().walk([&](Operation *op) {
      // An elementwise op with one consumer costs nothing to recompute where
      // it is consumed, and fusing it saves a round trip through memory. With
      // several consumers it would be recomputed once per consumer, so it
      // stays materialized.
      if (loom::isElementwise(op) && op->getResult(0).hasOneUse())
        op->setAttr("loom.fused", UnitAttr::get(op->getContext()));
      else
        op->removeAttr("loom.fused");
    });
  }
};

} // namespace
