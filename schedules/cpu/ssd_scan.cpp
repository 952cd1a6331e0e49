// CPU schedule of loom.ssd_scan (Mamba-2): tasks of (batch, head, block of
// head-dimension lanes) in parallel; in each, the recurrence runs
// sequentially over L on vectors along the head dimension (contiguous in x,
// so no staging), with the per-step decay exp(Δ·A) computed once per head.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleSSDScanCpu(const SSDScanFuncs &funcs, const ScheduleContext &context) {
  int width = vectorWidth(context);
  int lanes = lanesFor(funcs.headDim, width);
  Func out = context.stored;
  std::vector<Var> vars = out.args(); // (p, h, l, b)
  Var block("p_block"), lane("p_lane"), blockHead("p_block_h"), task("task");
  out.compute_root()
      .split(vars[0], block, lane, lanes, TailStrategy::ShiftInwards)
      .reorder(lane, vars[2], block, vars[1], vars[3])
      .fuse(block, vars[1], blockHead)
      .fuse(blockHead, vars[3], task)
      .parallel(task)
      .vectorize(lane);

  Func scan = funcs.scan;
  std::vector<Var> scanVars = scan.args(); // (p, k, h, b)
  RVar slot(funcs.steps.x), step(funcs.steps.y);
  Var scanBlock("scan_block"), scanLane("scan_lane");
  scan.compute_at(out, task).vectorize(scanVars[0], lanes);
  scan.update()
      .split(scanVars[0], scanBlock, scanLane, lanes, TailStrategy::RoundUp)
      .reorder(scanLane, slot, step, scanBlock, scanVars[2], scanVars[3])
      .vectorize(scanLane)
      .unroll(slot);
  for (Func perStep : {funcs.stepDelta, funcs.stepDecay}) {
    perStep.compute_root();
    int headLanes = lanesFor(funcs.heads, width);
    if (headLanes > 1)
      perStep.vectorize(perStep.args()[0], headLanes, TailStrategy::ShiftInwards);
  }
}

} // namespace loom::schedules
