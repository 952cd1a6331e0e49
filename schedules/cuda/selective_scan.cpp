// CUDA schedule of loom.selective_scan (the chunked form of EmitSSM): three
// kernels; passes 1 and 3 have one thread per (channel, chunk, batch) with
// the state of N floats in registers.
//   pass 1 (chunk_end s0): each chunk from a zero state, steps unrolled;
//   pass 2 (carried s1): the carry across chunks, one thread per (channel,
//     state, batch), sequential over chunks;
//   pass 3 (the output): each chunk from its true initial state, every step
//     unrolled so that the chunk's readouts stay in registers too.
// A block holds `threads` consecutive channels of one chunk: B and C of a
// step are the same address for the whole block (a broadcast load).
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

namespace {

/// Wraps `func` (d, l, b) for `consumer` and loads a thread's whole chunk of
/// it (`chunk` steps) into registers at `at`, 4 steps per vector load. A
/// thread's steps are contiguous in memory ([B, D, L]) but the threads of a
/// warp are L apart: one scalar load per step would touch 32 cache lines for
/// 4 bytes of each, per instruction.
void stageChunk(Func func, Func consumer, LoopLevel at, int chunk) {
  Func staged = func.in(consumer);
  Var step = staged.args()[1];
  staged.compute_at(at).store_in(MemoryType::Register).bound_extent(step, chunk);
  if (chunk % 4 == 0)
    staged.vectorize(step, 4);
  staged.unroll(step);
}

/// Loads B or C (`func`, (l, n, b)) for `consumer` `steps` steps at a time
/// at `group` (the loop over groups of `steps` steps) into registers. Every
/// thread of a block reads the same addresses (one chunk of one batch), so
/// each load is a broadcast. With 4 steps they are N ld.v4 instead of 4·N
/// scalar loads, but ptxas then hoists them and the output kernel needs ~200
/// registers (8 warps per SM): 3–5× slower on the H100. With 2 the loads stay
/// scalar (Halide cannot prove a pair 8-byte aligned) and are issued a pair
/// ahead of their use: 3% faster than 1 (gpu_ssm.py variants, knob bc_steps).
void stageSteps(Func func, Func consumer, LoopLevel group, int steps) {
  Func staged = func.in(consumer);
  std::vector<Var> args = staged.args(); // (l, n, b)
  staged.compute_at(group).store_in(MemoryType::Register).bound_extent(args[0], steps)
      .vectorize(args[0], steps).unroll(args[1]);
}

} // namespace

void scheduleSelectiveScanCuda(const SelectiveScanFuncs &funcs,
                               const ScheduleContext &context) {
  if (funcs.externKernel)
    return; // the block-scan kernel: an extern stage, already compute_root
  const int chunk = static_cast<int>(funcs.chunk);
  int threads = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("threads"), 1, funcs.channels));
  // Steps of B and C per vector load: 4, 2 or 1 (other values round down),
  // and a divisor of the chunk. A ragged last chunk has clamped (not
  // provably aligned) positions: scalar loads there.
  int bcSteps = context.knobs.get("bc_steps") >= 4 ? 4 : context.knobs.get("bc_steps") >= 2 ? 2 : 1;
  bool ragged = funcs.length % chunk != 0;
  while (chunk % bcSteps != 0)
    bcSteps /= 2;
  if (ragged)
    bcSteps = 1;

  // Pass 3 and the output: out(l, d, b), l split into (chunk, step).
  Func out = context.stored;
  std::vector<Var> vars = out.args(); // (l, d, b)
  Var chunkIndex("c"), step("r"), block("d_block"), thread("d_thread");
  out.compute_root()
      .split(vars[0], chunkIndex, step, chunk, TailStrategy::GuardWithIf)
      .split(vars[1], block, thread, threads, TailStrategy::GuardWithIf)
      .reorder(step, thread, block, chunkIndex, vars[2])
      .gpu_blocks(block, chunkIndex, vars[2])
      .gpu_threads(thread)
      .unroll(step);
  Func scan = funcs.scan; // (k, d, c, b): state, then the chunk's readouts
  RVar slot(funcs.steps.x), scanStep(funcs.steps.y);
  scan.compute_at(out, thread).store_in(MemoryType::Register).unroll(scan.args()[0]);
  if (bcSteps > 1) {
    RVar scanGroup("step_group"), inGroup("in_group");
    scan.update()
        .split(scanStep, scanGroup, inGroup, bcSteps)
        .reorder(slot, inGroup, scanGroup)
        .unroll(slot)
        .unroll(inGroup)
        .unroll(scanGroup);
    for (Func func : {funcs.stagedB, funcs.stagedC})
      stageSteps(func, scan, LoopLevel(scan, scanGroup), bcSteps);
  } else {
    scan.update().reorder(slot, scanStep).unroll(slot).unroll(scanStep);
  }
  // Δ (softplus'd) and u of the chunk, and A, once per thread instead of
  // once per state.
  if (ragged) // clamped indices: a staged chunk would not stay in registers
    Func(funcs.stagedDelta).in(scan).compute_at(scan, scanStep);
  else {
    stageChunk(funcs.stagedDelta, scan, LoopLevel(out, thread), chunk);
    stageChunk(funcs.stagedU, scan, LoopLevel(out, thread), chunk);
  }
  // y, u (for D·u) and z in vectors of 4 steps as well.
  if (chunk % 4 == 0)
    out.vectorize(step, 4);
  Func decay = Func(funcs.decay).in(scan);
  decay.compute_at(out, thread).store_in(MemoryType::Register).unroll(decay.args()[1]);

  if (funcs.chunks <= 1)
    return;

  // Pass 1: chunk_end(d, j, c, b) = chunk_scan(j, d, c, b).
  Func end = funcs.chunkEnd;
  std::vector<Var> endVars = end.args(); // (d, j, c, b)
  Var endBlock("end_block"), endThread("end_thread");
  end.compute_root()
      .split(endVars[0], endBlock, endThread, threads, TailStrategy::GuardWithIf)
      .reorder(endVars[1], endThread, endBlock, endVars[2], endVars[3])
      .gpu_blocks(endBlock, endVars[2], endVars[3])
      .gpu_threads(endThread)
      .unroll(endVars[1]);
  Func chunkScan = funcs.chunkScan;
  RVar chunkStep(funcs.chunkSteps.x);
  chunkScan.compute_at(end, endThread)
      .store_in(MemoryType::Register)
      .unroll(chunkScan.args()[0]);
  // State j inside the step, every step unrolled: the states and the
  // staged chunk stay in registers (constant indices).
  if (bcSteps > 1) {
    RVar chunkGroup("chunk_step_group"), inChunkGroup("in_chunk_group");
    chunkScan.update()
        .split(chunkStep, chunkGroup, inChunkGroup, bcSteps)
        .reorder(chunkScan.args()[0], inChunkGroup, chunkGroup)
        .unroll(chunkScan.args()[0])
        .unroll(inChunkGroup)
        .unroll(chunkGroup);
    stageSteps(funcs.stagedB, chunkScan, LoopLevel(chunkScan, chunkGroup), bcSteps);
  } else {
    chunkScan.update()
        .reorder(chunkScan.args()[0], chunkStep)
        .unroll(chunkScan.args()[0])
        .unroll(chunkStep);
  }
  if (ragged)
    Func(funcs.stagedDelta).in(chunkScan).compute_at(chunkScan, chunkStep);
  else {
    stageChunk(funcs.stagedDelta, chunkScan, LoopLevel(end, endThread), chunk);
    stageChunk(funcs.stagedU, chunkScan, LoopLevel(end, endThread), chunk);
  }
  Func chunkDecay = Func(funcs.decay).in(chunkScan);
  chunkDecay.compute_at(end, endThread)
      .store_in(MemoryType::Register)
      .unroll(chunkDecay.args()[1]);

  // Pass 2: one thread per (channel, state, batch), sequential over chunks
  // (the N states are independent: N + 1 times the threads of one per
  // channel, which at batch 1 left most of the GPU idle: 157 of 350 µs at
  // 1×4096 on the H100); `carry_unroll` chunks unrolled so that their loads
  // of the chunk ends issue together and the carried state passes from one
  // chunk to the next in registers: between unrolled groups it goes through
  // global memory (a store, then a load of the same address).
  Func carried = funcs.carried;
  std::vector<Var> carriedVars = carried.args(); // (d, j, c, b)
  RVar carryChunk(funcs.carrySteps.x);
  RVar chunkOuter("carry_outer"), chunkInner("carry_inner");
  Var carryBlock("carry_block"), carryThread("carry_thread");
  int carryThreads = std::clamp(threads, 1, 32);
  carried.compute_root();
  carried.update()
      .split(carriedVars[0], carryBlock, carryThread, carryThreads, TailStrategy::GuardWithIf)
      .split(carryChunk, chunkOuter, chunkInner,
             static_cast<int>(std::clamp<int64_t>(context.knobs.get("carry_unroll"), 1,
                                                  funcs.chunks)),
             TailStrategy::GuardWithIf)
      .reorder(chunkInner, chunkOuter, carryThread, carriedVars[1], carryBlock, carriedVars[3])
      .gpu_blocks(carryBlock, carriedVars[3])
      .gpu_threads(carryThread, carriedVars[1])
      .unroll(chunkInner);
  Func carryDecay = Func(funcs.decay).in(carried);
  carryDecay.compute_at(carried, carryThread).store_in(MemoryType::Register);
}

} // namespace loom::schedules
