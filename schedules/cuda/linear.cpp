// CUDA schedule of loom.linear. From gemm_min_rows rows on, the staged
// matrix product of schedules/cuda/gemm.cpp (shared-memory slabs, a register
// tile per thread), or its warp-tiled product where that gives at least
// gemm_warp_min_blocks blocks (opt-in: see docs/gpu.md). Below (a few tokens: the weights' bandwidth, not their
// reuse, is the limit), a register tile per thread straight from global
// memory: each thread accumulates reg_features consecutive output features ×
// reg_rows rows in registers over the input features, so that every loaded
// weight feeds reg_rows FMAs and every loaded input reg_features; a block is
// tile_x × tile_y such threads. Tiles near the edges shift inwards
// (recomputing a few outputs) rather than reading past the weights.
#include "schedules/ScheduleUtil.h"
#include "schedules/cuda/Gemm.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

/// The largest tile ≤ `wanted` that fits `extent` (ShiftInwards needs the
/// whole tile inside the tensor).
int fit(int64_t wanted, int64_t extent) {
  return static_cast<int>(std::max<int64_t>(1, std::min(wanted, extent)));
}

} // namespace

void scheduleLinearCuda(const LinearFuncs &funcs, const ScheduleContext &context) {
  if (funcs.externKernel)
    return; // the SGEMM kernel: an extern stage, already compute_root
  Func out = context.stored;
  std::vector<Var> vars = out.args();
  const std::vector<int64_t> &extents = context.extents;
  Func accumulate = funcs.accumulate;
  int unroll = fit(context.knobs.get("unroll_reduction"), funcs.inFeatures);

  if (vars.size() < 2) { // a single row: one output per thread
    PointwiseGpuLoops loops = schedulePointwiseCuda(out, extents, context.knobs.get("tile_x"),
                                                    context.knobs.get("tile_y"));
    accumulate.compute_at(loops.thread);
    if (unroll > 1)
      accumulate.update().split(funcs.reduction.x, RVar("k_outer"), RVar("k_inner"), unroll,
                                TailStrategy::GuardWithIf).unroll(RVar("k_inner"));
    return;
  }

  int64_t minRows = context.knobs.get("gemm_min_rows");
  if (minRows > 0 && extents[1] >= minRows) {
    int64_t batches = 1;
    for (size_t dim = 2; dim < extents.size(); ++dim)
      batches *= extents[dim];
    StagedGemm gemm;
    gemm.stored = out;
    gemm.accumulate = accumulate;
    gemm.k = funcs.reduction.x;
    gemm.lhs = funcs.input;
    gemm.rhs = funcs.weight;
    gemm.unrollSlab = static_cast<int>(context.knobs.get("gemm_unroll"));
    if (std::optional<WarpTile> warp = fitWarpTile(context.knobs, extents[0], extents[1],
                                                   batches, funcs.inFeatures)) {
      scheduleWarpGemmCuda(gemm, *warp, static_cast<int>(context.knobs.get("gemm_warp_unroll")));
      return;
    }
    gemm.tile = fitGemmTile(gemmTileFromKnobs(context.knobs), extents[0], extents[1], batches,
                            /*colsDivide=*/false, context.knobs.get("gemm_min_blocks"),
                            funcs.inFeatures);
    scheduleStagedGemmCuda(gemm);
    return;
  }

  int regFeatures = fit(context.knobs.get("reg_features"), extents[0]);
  int regRows = fit(context.knobs.get("reg_rows"), extents[1]);
  // A small layer needs its threads more than their reuse: halve the tile until
  // min_threads threads have work (or it is one output per thread).
  int64_t outputs = 1;
  for (int64_t extent : extents)
    outputs *= extent;
  while (regFeatures * regRows > 1 &&
         outputs / (regFeatures * regRows) < context.knobs.get("min_threads")) {
    if (regRows >= regFeatures)
      regRows = std::max(1, regRows / 2);
    else
      regFeatures = std::max(1, regFeatures / 2);
  }
  int threadsX = fit(context.knobs.get("tile_x"), extents[0] / regFeatures);
  int threadsY = fit(context.knobs.get("tile_y"), extents[1] / regRows);
  Var features = vars[0], rows = vars[1];
  Var featureBlock("feature_block"), featureInner("feature_inner"), thread("thread"),
      featureReg("feature_reg");
  Var rowBlock("row_block"), rowInner("row_inner"), threadY("thread_y"), rowReg("row_reg");
  out.compute_root()
      .split(features, featureBlock, featureInner, threadsX * regFeatures,
             TailStrategy::ShiftInwards)
      .split(featureInner, thread, featureReg, regFeatures)
      .split(rows, rowBlock, rowInner, threadsY * regRows, TailStrategy::ShiftInwards)
      .split(rowInner, threadY, rowReg, regRows);
  // Dimensions beyond the rows (batch) go on the third block dimension.
  std::vector<VarOrRVar> order = {featureReg, rowReg, thread, threadY};
  Var rest;
  bool hasRest = vars.size() > 2;
  if (hasRest) {
    rest = fuseOuterDims(out, vars, 2);
    order.push_back(rest);
  }
  order.push_back(rowBlock);
  order.push_back(featureBlock);
  out.reorder(order).unroll(featureReg).unroll(rowReg).gpu_threads(thread, threadY);
  // The innermost block loop is blockIdx.x (no 65535 limit).
  if (hasRest)
    out.gpu_blocks(rest, rowBlock, featureBlock);
  else
    out.gpu_blocks(rowBlock, featureBlock);

  // The tile's accumulators live in registers: every access is at a constant
  // index once the tile loops are unrolled.
  std::vector<Var> accVars = accumulate.args();
  accumulate.compute_at(out, thread).store_in(MemoryType::Register);
  accumulate.unroll(accVars[0]).unroll(accVars[1]);
  Stage update = accumulate.update();
  update.reorder(accVars[0], accVars[1], funcs.reduction.x).unroll(accVars[0]).unroll(accVars[1]);
  if (unroll > 1) {
    RVar outer("k_outer"), inner("k_inner");
    update.split(funcs.reduction.x, outer, inner, unroll, TailStrategy::GuardWithIf)
        .reorder(accVars[0], accVars[1], inner, outer)
        .unroll(inner);
  }
}

} // namespace loom::schedules
