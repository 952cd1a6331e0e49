// CPU schedule of loom.embedding: one table row copied per id, vectors along
// the embedding dimension, ids in parallel.
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

void scheduleEmbeddingCpu(const ScheduleContext &context) {
  schedulePointwiseCpu(context.stored, context.extents, vectorWidth(context),
                       context.knobs.get("parallel_grain"), 0);
}

} // namespace loom::schedules
