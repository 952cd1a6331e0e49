// CUDA schedule of loom.ssd_scan. Sequential form: one thread per (batch,
// head, head-dim lane) runs the recurrence over L, blocks of `threads`
// lanes. Chunked SSD form: one kernel per matrix product, blocks over
// (head, chunk, batch) and threads over the head dimension p (coalesced in
// x, the states and y; P / `threads` values of p per thread, `threads`
// apart): C·Bᵀ per (group, chunk); the chunk end states (x and B of the
// chunk staged in shared memory, a (P / threads) × `rows`-state register
// tile per thread); the carry across chunks (a thread per state entry,
// sequential over chunks); the outputs, a block per `block_rows` steps of a
// chunk with their masked weights, their C rows and x of the chunk in
// shared memory and a (P / threads) × `out_rows`-step register tile per
// thread.
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

constexpr int64_t sharedBytesLimit = 48 * 1024; // static shared memory per block
constexpr int64_t maxUnrolledCarry = 64;          // chunk steps of the carry unrolled

/// Stages `func` (compute_at `level`, shared memory) with every thread of a
/// threadsX × threadsY block loading a share: the dimensions fused into one
/// loop, consecutive elements (dimension 0, the contiguous one in global
/// memory) on consecutive threads. `extents` bounds the dimensions (a
/// constant size; 1 for the block's head, chunk and batch); `pad` widens
/// dimension 0's storage so that threads reading different rows of the
/// same column hit different banks.
void stageShared(Func func, LoopLevel level, const std::vector<int> &extents, int threadsX,
                 int threadsY, int pad) {
  std::vector<Var> args = func.args();
  func.compute_at(level).store_in(MemoryType::GPUShared);
  for (size_t dim = 0; dim < args.size(); ++dim)
    func.bound_extent(args[dim], dim < extents.size() ? extents[dim] : 1);
  if (pad > 0)
    func.align_storage(args[0], extents[0] + pad);
  Var fused = args[0];
  for (size_t dim = 1; dim < args.size(); ++dim) {
    Var next(func.name() + "_fused_" + std::to_string(dim));
    func.fuse(fused, args[dim], next);
    fused = next;
  }
  spreadOverThreads(func, fused, threadsX, threadsY);
}

/// `sum` (a pure init and one update over `steps`) as a thread's register
/// tile: computed at `thread`, its two pure dimensions unrolled inside the
/// loop over the steps.
void registerTile(Func sum, LoopLevel thread, RVar steps) {
  std::vector<Var> vars = sum.args();
  sum.compute_at(thread).store_in(MemoryType::Register).unroll(vars[0]).unroll(vars[1]);
  sum.update().reorder(vars[0], vars[1], steps).unroll(vars[0]).unroll(vars[1]);
}

void scheduleChunked(SSDScanFuncs funcs, const ScheduleContext &context,
                     int64_t tileX, int64_t tileY) {
  const int chunk = static_cast<int>(funcs.chunk);
  const int headDim = static_cast<int>(funcs.headDim);
  const int states = static_cast<int>(funcs.states);
  // Threads along p; each thread P / threads values of p, `threads` apart
  // (consecutive threads read consecutive p: coalesced global loads and
  // conflict-free shared ones).
  const int threads = static_cast<int>(std::clamp<int64_t>(context.knobs.get("threads"), 1,
                                                           funcs.headDim));
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

  // C·Bᵀ per (group, chunk) (the heads of a group share it): a block per
  // `scoreRows` steps i, B of the chunk and the C rows staged in shared
  // memory (rows padded by one: threads of different rows hit different
  // banks; the global loads run along n, coalesced), each thread a
  // (Q / jThreads) × (scoreRows / iThreads) register tile, j and i strided.
  {
    Func scores = funcs.scores;
    std::vector<Var> vars = scores.args(); // (j, i, g, c, b)
    const int jThreads = std::min(chunk, 32), iThreads = std::min(chunk, 8);
    int scoreRows = std::min(chunk, 16); // two blocks per chunk at Q = 32
    auto scoreShared = [&](int rows, bool withB) {
      return 4 * int64_t(states + 1) * (rows + (withB ? chunk : 0));
    };
    while (scoreRows > iThreads && scoreShared(scoreRows, true) > sharedBytesLimit)
      scoreRows /= 2;
    const bool stageB = scoreShared(scoreRows, true) <= sharedBytesLimit;
    Var jRow("j_row"), jThread("j_thread"), iBlock("i_block"), iInner("i_inner"),
        iThread("i_thread"), iRow("i_row"), groupChunk("gc"), blockAll("gcb");
    scores.compute_root()
        .split(vars[0], jRow, jThread, jThreads, TailStrategy::GuardWithIf)
        .split(vars[1], iBlock, iInner, scoreRows, TailStrategy::GuardWithIf)
        .split(iInner, iRow, iThread, iThreads, TailStrategy::GuardWithIf)
        .fuse(vars[2], vars[3], groupChunk)
        .fuse(groupChunk, vars[4], blockAll)
        .reorder(jRow, iRow, jThread, iThread, iBlock, blockAll)
        .gpu_blocks(iBlock, blockAll)
        .gpu_threads(jThread, iThread)
        .unroll(jRow)
        .unroll(iRow);
    registerTile(funcs.scoreSum, LoopLevel(scores, jThread), RVar(funcs.scoreSteps.x));
    LoopLevel block(scores, iBlock);
    stageShared(funcs.scoreC, block, {states, scoreRows}, jThreads, iThreads, 1);
    if (stageB)
      stageShared(funcs.scoreB, block, {states, chunk}, jThreads, iThreads, 1);
  }

  // Chunk end states, a product (P × Q)·(Q × N) per (head, chunk): a block
  // per `stateBlock` states n of a (head, chunk, batch), x·w and B of the
  // chunk staged in shared memory, each thread a (P / threads) × `rows`
  // register tile (states `nThreads` apart).
  {
    Func state = funcs.chunkState;
    std::vector<Var> vars = state.args(); // (p, n, h, c, b)
    const int stateRows = static_cast<int>(std::clamp<int64_t>(context.knobs.get("rows"), 1,
                                                               funcs.states));
    const int maxThreadsN = std::max(1, 256 / threads);
    int stateBlock = std::min(states, static_cast<int>(std::max<int64_t>(
                                          1, context.knobs.get("state_block"))));
    auto stateShared = [&](int block) { return 4 * int64_t(chunk) * (headDim + block); };
    while (stateBlock > 1 && stateShared(stateBlock) > sharedBytesLimit)
      stateBlock /= 2;
    while (states % stateBlock != 0) // whole blocks: the staged B stays in bounds
      --stateBlock;
    const bool stageX = stateShared(stateBlock) <= sharedBytesLimit;
    const bool stageB = 4 * int64_t(chunk) * stateBlock <= sharedBytesLimit;
    const int nThreads =
        std::min(maxThreadsN, (stateBlock + stateRows - 1) / stateRows);
    Var pRow("p_row"), pThread("p_thread"), nBlock("n_block"), nInner("n_inner"),
        nThread("n_thread"), nRow("n_row"), headChunk("hc");
    state.compute_root()
        .split(vars[0], pRow, pThread, threads, TailStrategy::GuardWithIf)
        .split(vars[1], nBlock, nInner, stateBlock, TailStrategy::GuardWithIf)
        .split(nInner, nThread, nRow, (stateBlock + nThreads - 1) / nThreads,
               TailStrategy::GuardWithIf)
        .fuse(vars[2], vars[3], headChunk)
        .reorder(pRow, nRow, pThread, nThread, nBlock, headChunk, vars[4])
        .gpu_blocks(nBlock, headChunk, vars[4])
        .gpu_threads(pThread, nThread)
        .unroll(nRow)
        .unroll(pRow);
    registerTile(funcs.chunkLocal, LoopLevel(state, pThread), RVar(funcs.localSteps.x));
    LoopLevel block(state, nBlock);
    if (stageX)
      stageShared(funcs.chunkX.in(funcs.chunkLocal), block, {headDim, chunk}, threads,
                  nThreads, 0);
    if (stageB)
      stageShared(funcs.chunkB, block, {stateBlock, chunk}, threads, nThreads, 0);
    if (funcs.chunks > 1) {
      // The carry: a thread per state entry, sequential over chunks.
      Var cpBlock("cp_block"), cpThread("cp_thread"), cnBlock("cn_block"),
          cnThread("cn_thread"), headBatch("hb");
      int carryThreads = std::max(1, std::min<int>(256 / threads,
                                                   static_cast<int>(funcs.states)));
      Stage carry = state.update();
      carry.split(vars[0], cpBlock, cpThread, threads, TailStrategy::GuardWithIf)
          .split(vars[1], cnBlock, cnThread, carryThreads, TailStrategy::GuardWithIf)
          .fuse(vars[2], vars[4], headBatch)
          .reorder(RVar(funcs.carrySteps.x), cpThread, cnThread, cpBlock, cnBlock, headBatch)
          .gpu_blocks(cpBlock, cnBlock, headBatch)
          .gpu_threads(cpThread, cnThread);
      // Unrolled, the loads of every chunk's local state are independent of
      // the chain (the previous state is the value just stored): they are
      // in flight together instead of one latency per chunk.
      if (funcs.chunks - 1 <= maxUnrolledCarry)
        carry.unroll(RVar(funcs.carrySteps.x));
    }
  }

  // Outputs, (Q × Q)·(Q × P) inside the chunk plus (Q × N)·(N × P) from the
  // state before: a block per `block_rows` steps of a (head, chunk, batch);
  // the masked weights of its steps, their C rows and x of the chunk in
  // shared memory (rows padded by one: no bank conflicts between the
  // threads' rows), the state read through L1 (coalesced along p); each
  // thread a (P / threads) × `out_rows` register tile for both sums.
  {
    Func out = funcs.chunkOut;
    std::vector<Var> vars = out.args(); // (p, i, h, c, b)
    const int outRows = static_cast<int>(std::clamp<int64_t>(context.knobs.get("out_rows"), 1,
                                                             chunk));
    int blockRows = static_cast<int>(std::clamp<int64_t>(context.knobs.get("block_rows"),
                                                         outRows, chunk)) / outRows * outRows;
    const bool offDiagonal = funcs.chunks > 1;
    auto outShared = [&](int rows, bool withX) {
      return 4 * (int64_t(rows) * (chunk + 1) + (offDiagonal ? int64_t(rows) * (states + 1) : 0) +
                  (withX ? int64_t(chunk) * headDim : 0));
    };
    while (blockRows > outRows && outShared(blockRows, false) > sharedBytesLimit)
      blockRows = std::max(outRows, blockRows / 2 / outRows * outRows);
    const bool stageX = outShared(blockRows, true) <= sharedBytesLimit;
    const int iThreads = std::max(1, blockRows / outRows);
    Var pRow("p_row"), pThread("p_thread"), iBlock("i_block"), iThread("i_thread"),
        iRow("i_row"), headChunk("hc");
    out.compute_root()
        .split(vars[0], pRow, pThread, threads, TailStrategy::GuardWithIf)
        .split(vars[1], iBlock, iThread, blockRows, TailStrategy::GuardWithIf)
        .split(iThread, iThread, iRow, outRows, TailStrategy::GuardWithIf)
        .fuse(vars[2], vars[3], headChunk)
        .reorder(iRow, pRow, pThread, iThread, iBlock, headChunk, vars[4])
        .gpu_blocks(iBlock, headChunk, vars[4])
        .gpu_threads(pThread, iThread)
        .unroll(iRow)
        .unroll(pRow);
    LoopLevel block(out, iBlock);
    std::vector<Var> weightVars = funcs.weight.args(); // (j, i, h, c, b)
    Var jOuter("j_outer"), jThread("j_thread"), wOuter("wi_outer"), wThread("wi_thread");
    funcs.weight.compute_at(block)
        .store_in(MemoryType::GPUShared)
        .align_storage(weightVars[0], chunk + 1)
        .split(weightVars[0], jOuter, jThread, threads, TailStrategy::GuardWithIf)
        .split(weightVars[1], wOuter, wThread, iThreads, TailStrategy::GuardWithIf)
        .reorder(jOuter, wOuter, jThread, wThread)
        .gpu_threads(jThread, wThread);
    if (stageX)
      stageShared(funcs.chunkX.in(funcs.diagonal), block, {headDim, chunk}, threads, iThreads,
                  0);
    std::vector<Func> sums = {funcs.diagonal};
    std::vector<RVar> steps = {RVar(funcs.diagonalSteps.x)};
    if (offDiagonal) {
      sums.push_back(funcs.offDiagonal);
      steps.push_back(RVar(funcs.offSteps.x));
      // C of the block's steps, stored transposed (steps contiguous, rows
      // padded to a multiple of 4 floats): a thread's `out_rows`
      // consecutive steps of one state are 16-byte loads, broadcast to the
      // warp (its lanes share the steps).
      Func c = funcs.chunkC;
      std::vector<Var> cVars = c.args(); // (n, i, ...)
      stageShared(c, block, {states, blockRows}, threads, iThreads, 0);
      c.reorder_storage(cVars[1], cVars[0]).align_storage(cVars[1], (blockRows + 7) / 4 * 4);
    }
    for (size_t k = 0; k < sums.size(); ++k) {
      std::vector<Var> sumVars = sums[k].args(); // (p, i, h, c, b)
      sums[k].compute_at(out, pThread).store_in(MemoryType::Register)
          .unroll(sumVars[0]).unroll(sumVars[1]);
      Stage update = sums[k].update();
      update.reorder(sumVars[1], sumVars[0], steps[k])
          .unroll(sumVars[0])
          .unroll(sumVars[1]);
      // The off-diagonal sum reads the state from global memory: `unroll_n`
      // states per iteration keep that many loads in flight per thread.
      const int unrollStates = static_cast<int>(context.knobs.get("unroll_n"));
      if (k == 1 && unrollStates > 1 && states % unrollStates == 0) {
        RVar outer("off_outer"), inner("off_inner");
        update.split(steps[k], outer, inner, unrollStates).unroll(inner);
      }
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
