// CUDA schedule of loom.softmax: a kernel each for the max and the sum (a
// warp per reduced line, or with warp_reduce=0 one line per thread), then the
// pointwise pass; the exponential is recomputed inline.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleSoftmaxCuda(const SoftmaxFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  std::vector<int64_t> others;
  for (size_t dim = 0; dim < context.extents.size(); ++dim)
    if (static_cast<int>(dim) != funcs.axis)
      others.push_back(context.extents[dim]);
  // A warp per line needs the lines' elements contiguous: softmax along the last axis.
  if (context.knobs.get("warp_reduce") && funcs.axis == 0) {
    scheduleWarpRowReductionCuda(funcs.maximum, {RVar(funcs.reduction.x)}, others, tileY);
    scheduleWarpRowReductionCuda(funcs.sum, {RVar(funcs.reduction.x)}, others, tileY);
    return;
  }
  scheduleReductionCuda(funcs.maximum, others, tileX, tileY);
  scheduleReductionCuda(funcs.sum, others, tileX, tileY);
}

} // namespace loom::schedules
