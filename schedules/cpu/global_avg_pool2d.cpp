// CPU schedule of loom.global_avg_pool2d: one sum per (channel, image), the
// channels in parallel, each plane summed with vector partial sums.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleGlobalAvgPool2DCpu(const GlobalAvgPool2DFuncs &funcs,
                                const ScheduleContext &context) {
  int vector = vectorWidth(context);
  schedulePointwiseCpu(context.stored, context.extents, vector,
                       context.knobs.get("parallel_grain"));
  Func sum = funcs.sum;
  Var channel = sum.args()[0];
  sum.compute_root().parallel(channel);
  const auto *width = funcs.reduction.x.extent().as<Internal::IntImm>();
  int lanes = width ? dividingLanes(width->value, vector) : 0;
  if (lanes != 0 && width->value >= 2 * lanes) {
    RVar outer("r_outer"), inner("r_lanes");
    Var lane("lane");
    Func partial =
        sum.update().split(funcs.reduction.x, outer, inner, lanes).rfactor(inner, lane);
    partial.compute_at(sum, channel).vectorize(lane);
    partial.update().vectorize(lane);
  }
  sum.update().parallel(channel);
}

} // namespace loom::schedules
