// CPU schedule of loom.selective_scan: tasks of (batch, block of channels) in
// parallel; in each, the recurrence runs sequentially over L with the state
// of a vector of channels in a few cache lines, vectorized over the channels.
//
// u and Δ are [B, D, L]: a vector over channels would stride by L. They are
// staged transposed, `chunk` steps at a time, right before the steps that
// use them, so every step of the scan reads contiguous vectors from L1.
// B and C ([B, N, L]) are copied for the chunk too: read in place, the 2N
// broadcasts of a step are L floats apart, all in one L1 set when L is a
// multiple of 1024 (12 ways for 32 lines).
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

namespace {

/// The chunked form (knob chunked_scan = 1), which exists for GPUs: a plain
/// schedule with the GPU's loop structure, so the CPU can test the algorithm.
void scheduleChunkedCpu(const SelectiveScanFuncs &funcs, const ScheduleContext &context) {
  Func out = context.stored;
  std::vector<Var> vars = out.args(); // (l, d, b)
  Var chunkIndex("c"), step("r");
  out.compute_root()
      .split(vars[0], chunkIndex, step, static_cast<int>(funcs.chunk),
             TailStrategy::GuardWithIf)
      .reorder(step, vars[1], chunkIndex, vars[2])
      .parallel(chunkIndex);
  Func scan = funcs.scan;
  scan.compute_at(out, vars[1]);
  scan.update().reorder(RVar(funcs.steps.x), RVar(funcs.steps.y)).unroll(RVar(funcs.steps.x));
  if (funcs.chunks <= 1)
    return;
  Func end = funcs.chunkEnd;
  std::vector<Var> endVars = end.args(); // (d, j, c, b)
  end.compute_root().reorder(endVars[1], endVars[0], endVars[2], endVars[3])
      .parallel(endVars[2]);
  Func(funcs.chunkScan).compute_at(end, endVars[0]);
  // The carry: sequential over chunks, in parallel over batches.
  Func carried = funcs.carried;
  carried.compute_root();
  carried.update().parallel(carried.args()[3]);
}

} // namespace

void scheduleSelectiveScanCpu(const SelectiveScanFuncs &funcs,
                              const ScheduleContext &context) {
  if (funcs.chunk > 0) {
    scheduleChunkedCpu(funcs, context);
    return;
  }
  int lanes = lanesFor(funcs.channels, vectorWidth(context));
  int chunk = static_cast<int>(std::clamp<int64_t>(context.knobs.get("chunk"), 1,
                                                   funcs.length));
  Func out = context.stored;
  std::vector<Var> vars = out.args(); // (l, d, b)
  Var l = vars[0], ch = vars[1], batch = vars[2];
  Var block("d_block"), lane("d_lane"), task("task");
  out.compute_root()
      .split(ch, block, lane, lanes, TailStrategy::ShiftInwards)
      .reorder(l, lane, block, batch)
      .fuse(block, batch, task)
      .parallel(task);
  int steps = lanesFor(funcs.length, vectorWidth(context));
  Var blockL("l_block"), laneL("l_lane");
  if (steps > 1) {
    // Vectorized along L (y's rows), a block of steps for all the task's
    // channels at a time: the readouts of the block (a vector of channels
    // per step) are transposed through a small buffer with steps innermost,
    // written by one interleaving store (see the staging below) instead of
    // each output vector gathering its 16 steps.
    out.split(l, blockL, laneL, steps, TailStrategy::ShiftInwards)
        .reorder(laneL, lane, blockL, task)
        .vectorize(laneL);
    if (funcs.chunk == 0 && steps == lanes) {
      Func readout = Func(funcs.scan).in(out);
      std::vector<Var> readoutVars = readout.args(); // (d, k, b)
      readout.compute_at(out, blockL)
          .reorder_storage(readoutVars[1], readoutVars[0], readoutVars[2])
          .reorder(readoutVars[0], readoutVars[1])
          .vectorize(readoutVars[0], lanes)
          .unroll(readoutVars[1]);
    }
  }

  Func scan = funcs.scan;
  std::vector<Var> scanVars = scan.args(); // (d, k, b)
  RVar slot(funcs.steps.x), step(funcs.steps.y);
  RVar chunkIndex("chunk"), inChunk("in_chunk");
  Var scanLane("scan_lane"), scanBlock("scan_block");
  scan.compute_at(out, task).vectorize(scanVars[0], lanes);
  scan.update()
      .split(scanVars[0], scanBlock, scanLane, lanes, TailStrategy::RoundUp)
      .split(step, chunkIndex, inChunk, chunk)
      .reorder(scanLane, slot, inChunk, chunkIndex, scanBlock, scanVars[2])
      .vectorize(scanLane)
      .unroll(slot);
  LoopLevel staging(scan, chunkIndex);
  // The transposition: each of `lanes` channel rows is read as a dense
  // vector of `lanes` steps (softplus'd as such), and the unrolled stores
  // of stride `lanes` merge into one interleaving store, which LLVM lowers
  // to an in-register transpose (4 vpermt2ps per vector) where a vector of
  // channels read directly would be a 16-element gather (16 inserts).
  for (Func staged : {funcs.stagedU, funcs.stagedDelta}) {
    Var stagedCh = staged.args()[0], stagedL = staged.args()[1];
    Var blockL("l_block"), laneL("l_lane"), blockCh("d_block");
    staged.compute_at(staging)
        .split(stagedL, blockL, laneL, lanes, TailStrategy::GuardWithIf)
        .split(stagedCh, blockCh, stagedCh, lanes, TailStrategy::RoundUp)
        .reorder(laneL, stagedCh, blockCh, blockL)
        .vectorize(laneL)
        .unroll(stagedCh);
  }
  for (Func staged : {funcs.stagedB, funcs.stagedC})
    staged.compute_at(staging).vectorize(staged.args()[0], lanes,
                                         TailStrategy::GuardWithIf);
  Func decay = funcs.decay;
  decay.compute_root().vectorize(decay.args()[0], lanes);
}

} // namespace loom::schedules
