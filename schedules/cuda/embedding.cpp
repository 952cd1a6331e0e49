// CUDA schedule of loom.embedding (one table element per thread): one element per
// thread, tile_x threads along the contiguous dimension × tile_y along the others
// (fused).
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

void scheduleEmbeddingCuda(const ScheduleContext &context) {
  schedulePointwiseCuda(context.stored, context.extents, context.knobs.get("tile_x"),
                        context.knobs.get("tile_y"));
}

} // namespace loom::schedules
