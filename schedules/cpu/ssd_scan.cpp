// CPU schedule of loom.ssd_scan (Mamba-2). Sequential form: tasks of (batch,
// head, block of head-dimension lanes) in parallel; in each, the recurrence
// runs over L on vectors along the head dimension (contiguous in x, so no
// staging), the per-step decay exp(Δ·A) computed once per head. Chunked SSD
// form: each matrix product is a root stage in parallel over (head, chunk,
// batch) tasks, vectorized along the head dimension p; the carry across
// chunks runs in (head, batch) tasks over vectors of the [P, N] state.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

namespace {

void schedulePerHead(Func func, int64_t heads, int width) {
  func.compute_root();
  int headLanes = lanesFor(heads, width);
  if (headLanes > 1)
    func.vectorize(func.args()[0], headLanes, TailStrategy::ShiftInwards);
}

void scheduleSequential(const SSDScanFuncs &funcs, int lanes, int width, Func out, Var task) {
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
  schedulePerHead(funcs.stepDecay, funcs.heads, width);
}

/// A Func (p, ·, h, c, b) as (head, chunk, batch) tasks in parallel, p
/// vectorized by `lanes`; returns the task Var.
Var chunkTasks(Func func, int lanes) {
  std::vector<Var> vars = func.args();
  Var headChunk("hc"), task("chunk_task");
  func.compute_root()
      .fuse(vars[2], vars[3], headChunk)
      .fuse(headChunk, vars[4], task)
      .parallel(task)
      .vectorize(vars[0], lanes, TailStrategy::GuardWithIf);
  return task;
}

/// A reduction computed per (p vector, ·) at `at`: its update runs the
/// reduction outermost and the vector of p innermost.
void perRowReduction(Func reduction, const RVar &r, int lanes, const LoopLevel &at) {
  std::vector<Var> vars = reduction.args();
  reduction.compute_at(at).vectorize(vars[0], lanes, TailStrategy::GuardWithIf);
  reduction.update()
      .reorder(vars[0], vars[1], r)
      .vectorize(vars[0], lanes, TailStrategy::GuardWithIf);
}

/// A reduction (p, row, ...) computed at `at`, a constant tile of `vectors`
/// vectors of p by `rows` rows of its consumer: the whole tile unrolled, so
/// its accumulators stay in registers while the reduction runs over `r`.
void registerTileReduction(Func reduction, const RVar &r, int lanes, const LoopLevel &at) {
  std::vector<Var> vars = reduction.args();
  reduction.compute_at(at).vectorize(vars[0], lanes).unroll(vars[0]).unroll(vars[1]);
  reduction.update()
      .reorder(vars[0], vars[1], r)
      .vectorize(vars[0], lanes)
      .unroll(vars[0])
      .unroll(vars[1]);
}

/// Tiles a (p, row, h, c, b) Func in (head, chunk, batch) tasks by
/// `vectors`·lanes values of p × `rows` rows; returns the p-tile loop, where
/// the reductions it reads are computed. Only when the tiles divide P and
/// the row extent (constant tiles).
Var tileChunkTasks(Func func, int lanes, int vectors, int rows) {
  std::vector<Var> vars = func.args();
  Var pOuter("p_outer"), pInner("p_inner"), rowOuter("row_outer"), rowInner("row_inner"),
      headChunk("hc"), task("chunk_task");
  func.compute_root()
      .split(vars[0], pOuter, pInner, lanes * vectors)
      .split(vars[1], rowOuter, rowInner, rows)
      .reorder(pInner, rowInner, pOuter, rowOuter, vars[2], vars[3], vars[4])
      .fuse(vars[2], vars[3], headChunk)
      .fuse(headChunk, vars[4], task)
      .parallel(task)
      .vectorize(pInner, lanes)
      .unroll(pInner)
      .unroll(rowInner);
  return pOuter;
}

void scheduleChunked(SSDScanFuncs funcs, int lanes, int width) {
  for (Func perStep : {funcs.chunkDelta, funcs.inputWeight})
    schedulePerHead(perStep, funcs.heads, width);
  schedulePerHead(funcs.cumulative, funcs.heads, width);
  if (funcs.chunk > 1)
    funcs.cumulative.update().vectorize(funcs.cumulative.args()[0], lanesFor(funcs.heads, width),
                                        TailStrategy::GuardWithIf);

  // C·Bᵀ per (group, chunk): rows of j as vectors.
  int chunkLanes = lanesFor(funcs.chunk, width);
  std::vector<Var> scoreVars = funcs.scores.args(); // (j, i, g, c, b)
  Var scoreTask("score_task");
  funcs.scores.compute_root()
      .fuse(scoreVars[3], scoreVars[4], scoreTask)
      .parallel(scoreTask)
      .vectorize(scoreVars[0], chunkLanes, TailStrategy::GuardWithIf);
  perRowReduction(funcs.scoreSum, RVar(funcs.scoreSteps.x), chunkLanes,
                  LoopLevel(funcs.scores, scoreVars[1]));

  // Chunk end states: the [P, N] outer-product sum of a chunk per task,
  // then the carry across chunks.
  // Register tiles of 2 vectors of p × 4 rows (states n, steps i) where they
  // divide P and the rows: 8 vector FMAs per step of the reduction for 2
  // vector loads and 4 broadcasts.
  const int vectors = funcs.headDim % (2 * lanes) == 0 ? 2 : 1, rows = 4;
  const bool tiled = funcs.headDim % (lanes * vectors) == 0;
  if (tiled && funcs.states % rows == 0) {
    Var tile = tileChunkTasks(funcs.chunkState, lanes, vectors, rows);
    registerTileReduction(funcs.chunkLocal, RVar(funcs.localSteps.x), lanes,
                          LoopLevel(funcs.chunkState, tile));
  } else {
    Var stateTask = chunkTasks(funcs.chunkState, lanes);
    perRowReduction(funcs.chunkLocal, RVar(funcs.localSteps.x), lanes,
                    LoopLevel(funcs.chunkState, stateTask));
  }
  if (funcs.chunks > 1) {
    std::vector<Var> vars = funcs.chunkState.args(); // (p, n, h, c, b)
    Var carryTask("carry_task");
    funcs.chunkState.update()
        .reorder(vars[0], vars[1], RVar(funcs.carrySteps.x), vars[2], vars[4])
        .fuse(vars[2], vars[4], carryTask)
        .parallel(carryTask)
        .vectorize(vars[0], lanes, TailStrategy::GuardWithIf);
  }

  // Outputs per (head, chunk) task: the chunk's masked weights once, then
  // per step i the two products as vectors of p.
  if (tiled && funcs.chunk % rows == 0) {
    Var tile = tileChunkTasks(funcs.chunkOut, lanes, vectors, rows);
    funcs.weight.compute_at(funcs.chunkOut, Var("chunk_task"))
        .vectorize(funcs.weight.args()[0], chunkLanes, TailStrategy::GuardWithIf);
    registerTileReduction(funcs.diagonal, RVar(funcs.diagonalSteps.x), lanes,
                          LoopLevel(funcs.chunkOut, tile));
    if (funcs.chunks > 1)
      registerTileReduction(funcs.offDiagonal, RVar(funcs.offSteps.x), lanes,
                            LoopLevel(funcs.chunkOut, tile));
  } else {
    Var outTask = chunkTasks(funcs.chunkOut, lanes);
    Var row = funcs.chunkOut.args()[1];
    funcs.weight.compute_at(funcs.chunkOut, outTask)
        .vectorize(funcs.weight.args()[0], chunkLanes, TailStrategy::GuardWithIf);
    perRowReduction(funcs.diagonal, RVar(funcs.diagonalSteps.x), lanes,
                    LoopLevel(funcs.chunkOut, row));
    if (funcs.chunks > 1)
      perRowReduction(funcs.offDiagonal, RVar(funcs.offSteps.x), lanes,
                      LoopLevel(funcs.chunkOut, row));
  }
}

} // namespace

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
  schedulePerHead(funcs.stepDelta, funcs.heads, width);
  if (funcs.chunk > 0)
    scheduleChunked(funcs, lanes, width);
  else
    scheduleSequential(funcs, lanes, width, out, task);
}

} // namespace loom::schedules
