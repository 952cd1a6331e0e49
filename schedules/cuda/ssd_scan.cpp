// CUDA schedule of loom.ssd_scan: one thread per (batch, head, head-dim
// lane) runs the recurrence over L, blocks of `threads` lanes; the per-step
// Δ and decay are a pointwise kernel over (head, step, batch).
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleSSDScanCuda(const SSDScanFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  for (Func perStep : {funcs.stepDelta, funcs.stepDecay})
    schedulePointwiseCuda(perStep, {funcs.heads, funcs.length, funcs.batch}, tileX, tileY);

  Func scan = funcs.scan;
  std::vector<Var> vars = scan.args(); // (p, k, h, b)
  schedulePointwiseCuda(scan,
                        {funcs.headDim, funcs.length + funcs.states, funcs.heads, funcs.batch},
                        tileX, tileY);
  int threads = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("threads"), 1, funcs.headDim));
  RVar slot(funcs.steps.x), step(funcs.steps.y);
  Var block("p_block"), thread("p_thread");
  scan.update()
      .split(vars[0], block, thread, threads, TailStrategy::GuardWithIf)
      .reorder(slot, step, thread, block, vars[2], vars[3])
      .gpu_blocks(block, vars[2], vars[3])
      .gpu_threads(thread)
      .unroll(slot);
}

} // namespace loom::schedules
