// CUDA schedule of loom.selective_scan: one thread per (batch, channel) runs
// the recurrence over L, blocks of `threads` channels; the state lives in
// global memory next to the readout (coalesced across the block's threads).
// Staging (transposed u and Δ, with the softplus) is a pointwise kernel.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleSelectiveScanCuda(const SelectiveScanFuncs &funcs,
                               const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  for (Func staged : {funcs.stagedU, funcs.stagedDelta})
    schedulePointwiseCuda(staged, {funcs.channels, funcs.length, funcs.batch}, tileX, tileY);
  schedulePointwiseCuda(funcs.decay, {funcs.channels, funcs.states}, tileX, tileY);

  Func scan = funcs.scan;
  std::vector<Var> vars = scan.args(); // (d, k, b)
  schedulePointwiseCuda(scan, {funcs.channels, funcs.length + funcs.states, funcs.batch},
                        tileX, tileY);
  int threads = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("threads"), 1, funcs.channels));
  RVar slot(funcs.steps.x), step(funcs.steps.y);
  Var block("d_block"), thread("d_thread");
  scan.update()
      .split(vars[0], block, thread, threads, TailStrategy::GuardWithIf)
      .reorder(slot, step, thread, block, vars[2])
      .gpu_blocks(block, vars[2])
      .gpu_threads(thread)
      .unroll(slot);
}

} // namespace loom::schedules
