// CUDA schedule of loom.linear: one output per thread, blocks of
// tile_x output features × tile_y rows, the reduction unrolled in registers.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleLinearCuda(const LinearFuncs &funcs, const ScheduleContext &context) {
  PointwiseGpuLoops loops =
      schedulePointwiseCuda(context.stored, context.extents, context.knobs.get("tile_x"),
                            context.knobs.get("tile_y"));
  Func accumulate = funcs.accumulate;
  accumulate.compute_at(loops.thread);
  int unroll = static_cast<int>(std::min<int64_t>(
      std::max<int64_t>(context.knobs.get("unroll_reduction"), 1), funcs.inFeatures));
  if (unroll > 1) {
    RVar outer("k_outer"), inner("k_inner");
    accumulate.update()
        .split(funcs.reduction.x, outer, inner, unroll, TailStrategy::GuardWithIf)
        .unroll(inner);
  }
}

} // namespace loom::schedules
