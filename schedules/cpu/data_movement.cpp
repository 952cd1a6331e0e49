// CPU schedule of reshape, transpose, concat and slice when they are
// materialized: a copy with vectors along the result's contiguous dimension.
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

void scheduleDataMovementCpu(const ScheduleContext &context) {
  schedulePointwiseCpu(context.stored, context.extents, vectorWidth(context),
                       context.knobs.get("parallel_grain"));
}

} // namespace loom::schedules
