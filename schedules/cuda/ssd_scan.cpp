// CUDA schedule of loom.ssd_scan. Sequential form: one thread per (batch,
// head, head-dim lane) runs the recurrence over L, blocks of `threads`
// lanes. Chunked SSD form: one kernel per matrix product, blocks over
// (head, chunk, batch) and threads over the head dimension p (coalesced in
// x, the states and y; P / `threads` values of p per thread): C·Bᵀ per
// (group, chunk); the chunk end states (a (P / threads) × `rows`-state
// register tile per thread); the carry across chunks (a thread per state
// entry, sequential over chunks); the outputs, a block per `rows`·(threads
// in i) steps of a chunk with the masked weights of those steps in shared
// memory and a (P / threads) × `rows`-step register tile per thread.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

namespace {

void scheduleSequential(const SSDScanFuncs &funcs, const ScheduleContext &context,
                        int64_t tileX, int64_t tileY) {
  schedulePointwiseCuda(funcs.stepDecay, {funcs.heads, funcs.length, funcs.batch}, tileX,
                        tileY);
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

void scheduleChunked(SSDScanFuncs funcs, const ScheduleContext &context,
                     int64_t tileX, int64_t tileY) {
  const int chunk = static_cast<int>(funcs.chunk);
  const int threads = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("threads"), 1, funcs.headDim));
  const int rows = static_cast<int>(std::clamp<int64_t>(context.knobs.get("rows"), 1, chunk));
  std::vector<int64_t> perStep = {funcs.heads, funcs.chunk, funcs.chunks, funcs.batch};
  schedulePointwiseCuda(funcs.chunkDelta, perStep, tileX, tileY);
  schedulePointwiseCuda(funcs.inputWeight, perStep, tileX, tileY);
  // The running sum over a chunk: a thread per (head, chunk, batch).
  schedulePointwiseCuda(funcs.cumulative, perStep, tileX, tileY);
  if (chunk > 1) {
    std::vector<Var> vars = funcs.cumulative.args(); // (h, i, c, b)
    Var block("h_block"), thread("h_thread"), chunkBatch("cb");
    funcs.cumulative.update()
        .split(vars[0], block, thread, std::min<int>(32, static_cast<int>(funcs.heads)),
               TailStrategy::GuardWithIf)
        .fuse(vars[2], vars[3], chunkBatch)
        .reorder(RVar(funcs.cumSteps.x), thread, block, chunkBatch)
        .gpu_blocks(block, chunkBatch)
        .gpu_threads(thread);
  }

  // C·Bᵀ: a thread per (j, i), the sum over n in a register.
  PointwiseGpuLoops scoreLoops = schedulePointwiseCuda(
      funcs.scores, {funcs.chunk, funcs.chunk, funcs.groups, funcs.chunks, funcs.batch}, 32, 8);
  funcs.scoreSum.compute_at(scoreLoops.thread).store_in(MemoryType::Register);

  // Chunk end states: a thread per (`threads`-strided p values, `rows`
  // states n), the tile summed in registers so that each x_j[p] and B_j[n]
  // loaded serves several products.
  {
    Func state = funcs.chunkState;
    std::vector<Var> vars = state.args(); // (p, n, h, c, b)
    Var pRow("p_row"), pThread("p_thread"), nBlock("n_block"), nThread("n_thread"),
        nRow("n_row"), headChunk("hc");
    int stateRows = std::min<int>(rows, static_cast<int>(funcs.states));
    int nThreads = std::max(1, std::min<int>(256 / threads,
                                             static_cast<int>(funcs.states) / stateRows));
    state.compute_root()
        .split(vars[0], pRow, pThread, threads, TailStrategy::GuardWithIf)
        .split(vars[1], nBlock, nThread, nThreads * stateRows, TailStrategy::GuardWithIf)
        .split(nThread, nThread, nRow, stateRows, TailStrategy::GuardWithIf)
        .fuse(vars[2], vars[3], headChunk)
        .reorder(nRow, pRow, pThread, nThread, nBlock, headChunk, vars[4])
        .gpu_blocks(nBlock, headChunk, vars[4])
        .gpu_threads(pThread, nThread)
        .unroll(nRow)
        .unroll(pRow);
    std::vector<Var> localVars = funcs.chunkLocal.args();
    funcs.chunkLocal.compute_at(state, pThread).store_in(MemoryType::Register)
        .unroll(localVars[0]).unroll(localVars[1]);
    funcs.chunkLocal.update()
        .reorder(localVars[1], localVars[0], RVar(funcs.localSteps.x))
        .unroll(localVars[0])
        .unroll(localVars[1]);
    if (funcs.chunks > 1) {
      // The carry: a thread per state entry, sequential over chunks.
      Var cpBlock("cp_block"), cpThread("cp_thread"), cnBlock("cn_block"),
          cnThread("cn_thread"), headBatch("hb");
      int carryThreads = std::max(1, std::min<int>(256 / threads,
                                                   static_cast<int>(funcs.states)));
      state.update()
          .split(vars[0], cpBlock, cpThread, threads, TailStrategy::GuardWithIf)
          .split(vars[1], cnBlock, cnThread, carryThreads, TailStrategy::GuardWithIf)
          .fuse(vars[2], vars[4], headBatch)
          .reorder(RVar(funcs.carrySteps.x), cpThread, cnThread, cpBlock, cnBlock, headBatch)
          .gpu_blocks(cpBlock, cnBlock, headBatch)
          .gpu_threads(cpThread, cnThread);
    }
  }

  // Outputs: a block per (`blockRows` steps, head, chunk, batch); the
  // masked weights of its steps (blockRows × Q) in shared memory, at most
  // 16 KiB; each thread `rows` steps of P / threads values of p.
  {
    Func out = funcs.chunkOut;
    std::vector<Var> vars = out.args(); // (p, i, h, c, b)
    int blockRows = std::max(rows, std::min(chunk, 4096 / chunk) / rows * rows);
    int iThreads = std::max(1, blockRows / rows);
    Var pRow("p_row"), pThread("p_thread"), iBlock("i_block"), iThread("i_thread"),
        iRow("i_row"), headChunk("hc");
    out.compute_root()
        .split(vars[0], pRow, pThread, threads, TailStrategy::GuardWithIf)
        .split(vars[1], iBlock, iThread, blockRows, TailStrategy::GuardWithIf)
        .split(iThread, iThread, iRow, rows, TailStrategy::GuardWithIf)
        .fuse(vars[2], vars[3], headChunk)
        .reorder(iRow, pRow, pThread, iThread, iBlock, headChunk, vars[4])
        .gpu_blocks(iBlock, headChunk, vars[4])
        .gpu_threads(pThread, iThread)
        .unroll(iRow)
        .unroll(pRow);
    std::vector<Var> weightVars = funcs.weight.args(); // (j, i, h, c, b)
    Var jOuter("j_outer"), jThread("j_thread"), wOuter("wi_outer"), wThread("wi_thread");
    funcs.weight.compute_at(out, iBlock)
        .store_in(MemoryType::GPUShared)
        .split(weightVars[0], jOuter, jThread, threads, TailStrategy::GuardWithIf)
        .split(weightVars[1], wOuter, wThread, iThreads, TailStrategy::GuardWithIf)
        .reorder(jOuter, wOuter, jThread, wThread)
        .gpu_threads(jThread, wThread);
    std::vector<Func> sums = {funcs.diagonal};
    std::vector<RVar> steps = {RVar(funcs.diagonalSteps.x)};
    if (funcs.chunks > 1) {
      sums.push_back(funcs.offDiagonal);
      steps.push_back(RVar(funcs.offSteps.x));
    }
    for (size_t k = 0; k < sums.size(); ++k) {
      std::vector<Var> sumVars = sums[k].args(); // (p, i, h, c, b)
      sums[k].compute_at(out, pThread).store_in(MemoryType::Register)
          .unroll(sumVars[0]).unroll(sumVars[1]);
      sums[k].update()
          .reorder(sumVars[1], sumVars[0], steps[k])
          .unroll(sumVars[0])
          .unroll(sumVars[1]);
    }
  }
}

} // namespace

void scheduleSSDScanCuda(const SSDScanFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  schedulePointwiseCuda(funcs.stepDelta, {funcs.heads, funcs.length, funcs.batch}, tileX, tileY);
  if (funcs.chunk > 0)
    scheduleChunked(funcs, context, tileX, tileY);
  else
    scheduleSequential(funcs, context, tileX, tileY);
}

} // namespace loom::schedules
