// CPU schedules of hyper_kernel and hyper_zzw.
//
// hyper_kernel: every linear map of the coordinate network is computed once
// per call (per sample with a context) over the whole k×k grid, vectors
// along the hidden units, kernel rows in parallel; the sines and gates are
// inlined into the map that reads them. Its output layer is left without
// parallel loops so that a consumer may move it into its own tasks.
//
// hyper_zzw: the convolution uses the depthwise large-kernel schedule; the
// context-dependent kernel (W ⊙ Z, and the channel's slice of the hyper
// kernel's output layer when it feeds this op alone) is either computed in
// each (sample, channel) task right before its use (fuse_kernel = 1: it
// stays in L1) or once per call at root (fuse_kernel = 0).
#include "schedules/HyperSchedules.h"

#include "schedules/ScheduleUtil.h"
#include "schedules/cpu/Depthwise.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

/// compute_root with vectors along dimension 0 (both stages), parallel over
/// the last dimension.
void scheduleLayerCpu(Func f, int64_t extent0, int vector, bool parallel) {
  int lanes = static_cast<int>(std::min<int64_t>(vector, extent0));
  std::vector<Var> vars = f.args();
  f.compute_root().vectorize(vars[0], lanes, TailStrategy::GuardWithIf);
  if (parallel)
    f.parallel(vars.back());
  for (int stage = 0; stage < f.num_update_definitions(); ++stage) {
    f.update(stage).vectorize(vars[0], lanes, TailStrategy::GuardWithIf);
    if (parallel)
      f.update(stage).parallel(vars.back());
  }
}

} // namespace

bool hyperZZWFusesKernel(const ScheduleContext &context) {
  int64_t taskRows = context.knobs.get("depthwise_task_rows");
  bool wholePlanes = taskRows <= 0 || taskRows >= context.extents[1];
  return context.knobs.get("fuse_kernel") != 0 && wholePlanes;
}

void scheduleHyperKernelCpu(const HyperKernelFuncs &funcs, const ScheduleContext &context) {
  int vector = vectorWidth(context);
  // Each hidden layer once, not once per unit of the next layer.
  for (const Func &activation : funcs.activations)
    scheduleLayerCpu(activation, funcs.hidden, vector, /*parallel=*/true);
  for (const Func &layer : funcs.layers)
    scheduleLayerCpu(layer, funcs.hidden, vector, /*parallel=*/true);
  // The output layer one channel at a time, where the stored kernel is made
  // (which a consumer may move into its tasks).
  Func stored = context.stored;
  std::vector<Var> vars = stored.args(); // x, y, c[, n]
  int lanes = static_cast<int>(std::min<int64_t>(vector, funcs.kernel));
  stored.compute_root().vectorize(vars[0], lanes, TailStrategy::GuardWithIf);
  Func output = funcs.outputLayer;
  std::vector<Var> outputVars = output.args();
  output.compute_at(stored, vars[2])
      .vectorize(outputVars[0], lanes, TailStrategy::GuardWithIf);
  output.update().vectorize(outputVars[0], lanes, TailStrategy::GuardWithIf);
}

void scheduleHyperZZWCpu(const HyperZZWFuncs &funcs, const ScheduleContext &context) {
  if (!funcs.conv) {
    schedulePointwiseCpu(context.stored, context.extents, vectorWidth(context),
                         context.knobs.get("parallel_grain"));
    return;
  }
  DepthwiseFuncs depthwise{funcs.accumulate, funcs.paddedInput, funcs.reduction, {}};
  bool fuse = hyperZZWFusesKernel(context);
  if (funcs.global) {
    if (fuse)
      depthwise.perTask.push_back(funcs.contextKernel);
    else
      schedulePointwiseCpu(funcs.contextKernel, {funcs.kernel, funcs.kernel,
                                                 funcs.inputExtents[2],
                                                 funcs.inputExtents[3]},
                           vectorWidth(context), context.knobs.get("parallel_grain"));
  }
  // A local kernel (W itself) is read in place: contextKernel stays inlined.
  if (fuse && funcs.fusableProducer.defined())
    depthwise.perTask.push_back(funcs.fusableProducer);
  scheduleDepthwiseCpu(depthwise, context);
}

} // namespace loom::schedules
