// CUDA schedules of the nested ops. nested_ffn's two products are the
// staged matrix product of schedules/cuda/gemm.cpp from gemm_min_rows tokens
// on (hidden units computed for the run-time width rounded up to a tile, the
// down projection's last slab guarded), else one output per thread with the
// reduction over hidden units unrolled under each declared width.
#include "schedules/ScheduleUtil.h"
#include "schedules/cuda/Gemm.h"

using namespace Halide;

namespace loom::schedules {

namespace {

/// The staged form of both products.
void scheduleStagedNestedFFN(const NestedFFNFuncs &funcs, const ScheduleContext &context) {
  const std::vector<int64_t> &extents = context.extents;
  int64_t rows = extents[1], batches = 1;
  for (size_t dim = 2; dim < extents.size(); ++dim)
    batches *= extents[dim];
  GemmTile wanted = gemmTileFromKnobs(context.knobs);
  int64_t minBlocks = context.knobs.get("gemm_min_blocks");
  int unroll = static_cast<int>(context.knobs.get("gemm_unroll"));

  // The down projection's slabs run past the width up to a multiple of the
  // slab (guarded: those products are skipped), so they read hidden units and
  // fc2 columns there. Hence the slab divides the hidden size and the up
  // projection's column tile, which divides the hidden size too: the hidden
  // units are computed (RoundUp) for the width rounded up to that tile, never
  // past the weights, whatever the width.
  StagedGemm down;
  down.stored = context.stored;
  down.accumulate = funcs.outputAccumulate;
  down.k = funcs.hiddenReduction.x;
  down.lhs = funcs.hidden;
  down.rhs = funcs.fc2Weight;
  down.tile = fitGemmTile(wanted, extents[0], rows, batches, /*colsDivide=*/false, minBlocks,
                          funcs.hiddenSize);
  down.guardSlab = true;
  down.unrollSlab = unroll;

  // The up projection: hidden units j < width (rounded up, see above) as
  // columns; the widths are not known, so its blocks are counted at the full
  // width.
  StagedGemm up;
  up.stored = funcs.hidden;
  up.accumulate = funcs.hiddenAccumulate;
  up.k = funcs.inputReduction.x;
  up.lhs = funcs.input;
  up.rhs = funcs.fc1Weight;
  up.tile = fitGemmTile(wanted, funcs.hiddenSize, rows, batches, /*colsDivide=*/true,
                        minBlocks, funcs.dModel);
  up.colTail = TailStrategy::RoundUp;
  up.unrollSlab = unroll;
  // The hidden units are computed in whole column tiles, which must cover
  // the down projection's last (guarded) slab.
  while (up.tile.tileCols() % down.tile.slab != 0 || funcs.hiddenSize % down.tile.slab != 0)
    --down.tile.slab;

  scheduleStagedGemmCuda(up);
  scheduleStagedGemmCuda(down);
}

} // namespace

void scheduleNestedFFNCuda(const NestedFFNFuncs &funcs, const ScheduleContext &context) {
  int64_t minRows = context.knobs.get("gemm_min_rows");
  if (minRows > 0 && context.extents.size() >= 2 && context.extents[1] >= minRows) {
    scheduleStagedNestedFFN(funcs, context);
    return;
  }
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  int unroll = static_cast<int>(std::max<int64_t>(context.knobs.get("unroll_reduction"), 1));
  std::vector<int64_t> hiddenExtents = context.extents;
  hiddenExtents[0] = funcs.hiddenSize;
  PointwiseGpuLoops hiddenLoops =
      schedulePointwiseCuda(funcs.hidden, hiddenExtents, tileX, tileY);
  Func hiddenAccumulate = funcs.hiddenAccumulate;
  hiddenAccumulate.compute_at(hiddenLoops.thread);
  if (unroll > 1 && funcs.dModel % unroll == 0) {
    RVar outer("k_outer"), inner("k_inner");
    hiddenAccumulate.update()
        .split(funcs.inputReduction.x, outer, inner, unroll)
        .unroll(inner);
  }

  PointwiseGpuLoops loops = schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  Func accumulate = funcs.outputAccumulate;
  accumulate.compute_at(loops.thread);
  for (int64_t width : funcs.granularities) {
    Stage stage = accumulate.update().specialize(funcs.width == static_cast<int>(width));
    if (unroll > 1 && width % unroll == 0) {
      RVar outer("j_outer"), inner("j_inner");
      stage.split(funcs.hiddenReduction.x, outer, inner, unroll).unroll(inner);
    }
  }
}

void scheduleNestedEmbeddingCuda(const NestedEmbeddingFuncs &funcs,
                                 const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  if (!funcs.sumSquares.defined())
    return;
  std::vector<int64_t> rowExtents(context.extents.begin() + 1, context.extents.end());
  scheduleReductionCuda(funcs.sumSquares, rowExtents, tileX, tileY);
}

} // namespace loom::schedules
