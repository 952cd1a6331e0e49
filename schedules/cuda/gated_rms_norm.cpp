// CUDA schedule of loom.gated_rms_norm: one kernel for the per-(group, row)
// sums of squares (a warp per sum, or with warp_reduce=0 one per thread),
// then the pointwise pass.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleGatedRMSNormCuda(const NormFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  // The sums' extents: the group count, then the rows (Halide order).
  const int64_t *groupSize = as_const_int(funcs.reduction.x.extent());
  std::vector<int64_t> extents = {context.extents[0] / (groupSize ? *groupSize : 1)};
  extents.insert(extents.end(), context.extents.begin() + 1, context.extents.end());
  for (const Func &sum : funcs.sums) {
    if (context.knobs.get("warp_reduce"))
      scheduleWarpRowReductionCuda(sum, {RVar(funcs.reduction.x)}, extents, tileY);
    else
      scheduleReductionCuda(sum, extents, tileX, tileY);
  }
}

} // namespace loom::schedules
