// CPU schedule of loom.max_pool2d and loom.avg_pool2d: the window reduction
// is inlined into each output vector (along the output width), the rows run
// in parallel.
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

void schedulePool2DCpu(const ScheduleContext &context) {
  schedulePointwiseCpu(context.stored, context.extents, vectorWidth(context),
                       context.knobs.get("parallel_grain"));
}

} // namespace loom::schedules
