// CPU schedule of loom.gated_rms_norm (Mamba-2 / Hydra): rows in parallel as
// the other norms; each row's per-group sums of squares are computed right
// before the row is normalized, with vector partial sums (rfactor).
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleGatedRMSNormCpu(const NormFuncs &funcs, const ScheduleContext &context) {
  int vector = vectorWidth(context);
  PointwiseLoops loops = schedulePointwiseCpu(context.stored, context.extents, vector,
                                              context.knobs.get("parallel_grain"), 0);
  // The reduction runs over one group (group_size elements), not the row.
  const int64_t *groupSize = as_const_int(funcs.reduction.x.extent());
  for (const Func &sum : funcs.sums)
    vectorizeRowReduction(sum, funcs.reduction.x, groupSize ? *groupSize : 0, vector,
                          loops.row);
}

} // namespace loom::schedules
