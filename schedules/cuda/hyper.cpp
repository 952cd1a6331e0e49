// CUDA schedules of hyper_kernel and hyper_zzw: one output per thread.
// hyper_kernel's maps are GPU reductions over tiles of (unit, position);
// hyper_zzw's convolution tiles (x, y) per block with channels × samples on
// the third block dimension. With fuse_kernel, W ⊙ Z is recomputed at each
// tap inside the convolution (one multiply more per FMA, no kernel in
// memory); without, a kernel of its own materializes it once per call.
#include "schedules/HyperSchedules.h"

#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

std::vector<int64_t> extentsOf(int64_t first, int64_t kernel, int64_t samples) {
  std::vector<int64_t> extents = {first, kernel, kernel};
  if (samples > 0)
    extents.push_back(samples);
  return extents;
}

} // namespace

void scheduleHyperKernelCuda(const HyperKernelFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  for (const Func &activation : funcs.activations)
    schedulePointwiseCuda(activation, extentsOf(funcs.hidden, funcs.kernel, funcs.samples),
                          tileX, tileY);
  for (const Func &layer : funcs.layers)
    scheduleReductionCuda(layer, extentsOf(funcs.hidden, funcs.kernel, funcs.samples), tileX,
                          tileY);
  // The output layer accumulates in each thread of the stored kernel's.
  PointwiseGpuLoops loops = schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  Func(funcs.outputLayer).compute_at(loops.thread);
}

void scheduleHyperZZWCuda(const HyperZZWFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  if (!funcs.conv) {
    schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
    return;
  }
  Func stored = context.stored;
  std::vector<Var> vars = stored.args(); // x, y, c, n
  const std::vector<int64_t> &extents = context.extents;
  auto tile = [&](int64_t knob, int64_t extent) {
    return static_cast<int>(std::clamp<int64_t>(knob, 1, extent));
  };
  Var planes("c_n"), bx("block_x"), by("block_y"), bz("block_z"), tx("thread_x"),
      ty("thread_y"), tz("thread_z");
  stored.compute_root()
      .fuse(vars[2], vars[3], planes)
      .gpu_tile(vars[0], vars[1], planes, bx, by, bz, tx, ty, tz, tile(tileX, extents[0]),
                tile(tileY, extents[1]), 1, TailStrategy::GuardWithIf);
  Func accumulate = funcs.accumulate;
  accumulate.compute_at(stored, tx);
  accumulate.update().unroll(funcs.reduction.x, 4, TailStrategy::GuardWithIf);
  schedulePointwiseCuda(funcs.paddedInput, funcs.inputExtents, tileX, tileY);
  if (funcs.global && context.knobs.get("fuse_kernel") == 0)
    schedulePointwiseCuda(funcs.contextKernel,
                          {funcs.kernel, funcs.kernel, funcs.inputExtents[2],
                           funcs.inputExtents[3]},
                          tileX, tileY);
}

} // namespace loom::schedules
