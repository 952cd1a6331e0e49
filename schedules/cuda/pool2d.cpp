// CUDA schedule of loom.max_pool2d and loom.avg_pool2d (each thread runs its window
// loop): one element per thread, tile_x threads along the contiguous dimension × tile_y
// along the others (fused).
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

void schedulePool2DCuda(const ScheduleContext &context) {
  schedulePointwiseCuda(context.stored, context.extents, context.knobs.get("tile_x"),
                        context.knobs.get("tile_y"));
}

} // namespace loom::schedules
