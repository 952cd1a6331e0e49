// CPU schedule of the elementwise ops (activations, add, mul, batch_norm)
// when they are materialized rather than fused: vectors along the contiguous
// dimension, the rest in parallel.
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

void scheduleElementwiseCpu(const ScheduleContext &context) {
  schedulePointwiseCpu(context.stored, context.extents, vectorWidth(context),
                       context.knobs.get("parallel_grain"));
}

} // namespace loom::schedules
