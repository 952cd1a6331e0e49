// CUDA schedules of loom.layer_norm and loom.rms_norm (one schedule): a
// kernel per row statistic (a warp per row, or with warp_reduce=0 one row
// per thread), then the pointwise pass.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

namespace {

void scheduleNormCuda(const NormFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  std::vector<int64_t> rows(context.extents.begin() + 1, context.extents.end());
  for (const Func &sum : funcs.sums) {
    if (context.knobs.get("warp_reduce"))
      scheduleWarpRowReductionCuda(sum, {RVar(funcs.reduction.x)}, rows, tileY);
    else
      scheduleReductionCuda(sum, rows, tileX, tileY);
  }
}

} // namespace

void scheduleLayerNormCuda(const NormFuncs &funcs, const ScheduleContext &context) {
  scheduleNormCuda(funcs, context);
}

void scheduleRMSNormCuda(const NormFuncs &funcs, const ScheduleContext &context) {
  scheduleNormCuda(funcs, context);
}

} // namespace loom::schedules
