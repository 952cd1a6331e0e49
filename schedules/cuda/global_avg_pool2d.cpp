// CUDA schedule of loom.global_avg_pool2d: one (channel, image) plane summed
// per warp (or with warp_reduce=0 per thread), then the scaling.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleGlobalAvgPool2DCuda(const GlobalAvgPool2DFuncs &funcs,
                                 const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  if (context.knobs.get("warp_reduce"))
    scheduleWarpRowReductionCuda(funcs.sum, {RVar(funcs.reduction.x), RVar(funcs.reduction.y)},
                                 {context.extents[2], context.extents[3]}, tileY);
  else
    scheduleReductionCuda(funcs.sum, {context.extents[2], context.extents[3]}, tileX,
                          tileY);
}

} // namespace loom::schedules
