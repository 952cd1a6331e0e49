// CPU schedules of loom.layer_norm and loom.rms_norm (one schedule: both are
// row statistics followed by a pointwise pass over the row).
//
// Rows run in parallel; each row's sums are computed right before the row is
// normalized, while it is still in L1, with vector partial sums (rfactor).
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

namespace {

void scheduleNormCpu(const NormFuncs &funcs, const ScheduleContext &context) {
  int vector = vectorWidth(context);
  PointwiseLoops loops = schedulePointwiseCpu(context.stored, context.extents, vector,
                                              context.knobs.get("parallel_grain"), 0);
  for (const Func &sum : funcs.sums)
    vectorizeRowReduction(sum, funcs.reduction.x, context.extents[0], vector, loops.row);
}

} // namespace

void scheduleLayerNormCpu(const NormFuncs &funcs, const ScheduleContext &context) {
  scheduleNormCpu(funcs, context);
}

void scheduleRMSNormCpu(const NormFuncs &funcs, const ScheduleContext &context) {
  scheduleNormCpu(funcs, context);
}

} // namespace loom::schedules
