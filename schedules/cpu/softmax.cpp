// CPU schedule of loom.softmax.
//
// Along the last dimension: rows in parallel, and per row the max, the
// exponentials (stored once) and their sum, all while the row is in L1.
// Along another axis: the max and the sum are computed at root, vectorized
// along the contiguous dimension, and the exponential is recomputed inline.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

namespace {

/// A reduction over a non-contiguous axis: vectors along dimension 0.
void scheduleStridedReductionCpu(Func reduction, int vector) {
  std::vector<Var> vars = reduction.args();
  reduction.compute_root();
  if (vars.empty())
    return;
  reduction.vectorize(vars[0], vector, TailStrategy::GuardWithIf);
  reduction.update().vectorize(vars[0], vector, TailStrategy::GuardWithIf);
  if (vars.size() > 1) {
    reduction.parallel(vars.back());
    reduction.update().parallel(vars.back());
  }
}

} // namespace

void scheduleSoftmaxCpu(const SoftmaxFuncs &funcs, const ScheduleContext &context) {
  int vector = vectorWidth(context);
  int64_t grain = context.knobs.get("parallel_grain");
  if (funcs.axis == 0) {
    PointwiseLoops loops =
        schedulePointwiseCpu(context.stored, context.extents, vector, grain, 0);
    int64_t length = context.extents[0];
    vectorizeRowReduction(funcs.maximum, funcs.reduction.x, length, vector, loops.row);
    Func exponential = funcs.exponential;
    exponential.compute_at(loops.row).vectorize(exponential.args()[0],
                                                lanesFor(length, vector));
    vectorizeRowReduction(funcs.sum, funcs.reduction.x, length, vector, loops.row);
    return;
  }
  schedulePointwiseCpu(context.stored, context.extents, vector, grain);
  scheduleStridedReductionCpu(funcs.maximum, lanesFor(context.extents[0], vector));
  scheduleStridedReductionCpu(funcs.sum, lanesFor(context.extents[0], vector));
}

} // namespace loom::schedules
