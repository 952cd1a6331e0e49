// CPU schedules of the nested ops: nested_ffn as two register-blocked matmuls
// (as loom.linear), specialized on every declared width so that each one runs
// with constant trip counts and full vectors; nested_embedding as a pointwise
// copy with a vectorized row reduction.
//
// Both matmuls reduce along a contiguous dimension (d_model for fc1, the hidden
// units for fc2), so their vectors run along the reduction: partial sums per
// lane (rfactor), summed once per output. For fc2 the reduction's extent is
// the run-time width; under `width == g` it is the constant g, which the
// rfactor splits into whole vectors. Other widths take a generic path with
// scalar sums.
#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

/// Register and parallel tiling of a matmul's outputs.
struct Tiling {
  int blockOut = 1, tileOut = 1, tileRows = 1;
};

Tiling tilingFor(const ScheduleContext &context, int64_t outExtent, int64_t rows) {
  Tiling tiling;
  tiling.tileOut = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("tile_out"), 1, outExtent));
  tiling.tileRows =
      static_cast<int>(std::clamp<int64_t>(context.knobs.get("tile_rows"), 1, rows));
  int64_t blockOut = std::max<int64_t>(context.knobs.get("block_out"), tiling.tileOut);
  blockOut = std::min<int64_t>(blockOut / tiling.tileOut * tiling.tileOut, outExtent);
  // At least four tasks where the output allows it, for the threads.
  int64_t quarter = outExtent / 4 / tiling.tileOut * tiling.tileOut;
  blockOut = std::min<int64_t>(blockOut, std::max<int64_t>(quarter, tiling.tileOut));
  tiling.blockOut = static_cast<int>(std::max<int64_t>(blockOut, tiling.tileOut));
  return tiling;
}

/// Loop names shared by every specialization of a stage, so that producers
/// computed at these loops find them in each.
struct TileVars {
  Var block{"o_block"}, inBlock{"o_in_block"}, tile{"o_tile"}, inner{"o_inner"};
  Var rowTile{"m_tile"}, rowInner{"m_inner"};
};

/// Splits the outputs (dimension 0) into parallel blocks of register tiles.
/// `tail`: ShiftInwards when the extent is known (≥ the block), GuardWithIf
/// for a run-time extent.
void tileOutputs(Stage stage, const std::vector<Var> &vars, const Tiling &tiling,
                 TailStrategy tail, const TileVars &names) {
  stage.split(vars[0], names.block, names.inBlock, tiling.blockOut, tail)
      .split(names.inBlock, names.tile, names.inner, tiling.tileOut, tail);
  if (vars.size() > 1)
    stage.split(vars[1], names.rowTile, names.rowInner, tiling.tileRows,
                TailStrategy::ShiftInwards)
        .reorder(names.inner, names.rowInner, names.tile, names.rowTile, names.block)
        .unroll(names.rowInner);
  stage.unroll(names.inner).parallel(names.block);
}

/// Vectorizes the one update of `accumulate` (a Func over (o, rows...)
/// computed at `at`) along its reduction `r` of constant extent `extent`:
/// per-lane partial sums in registers, then one horizontal sum per output.
/// `stage` is that update or one of its specializations.
void vectorizeDotProducts(Stage stage, Func accumulate, RVar r, int64_t extent,
                          int vector, const LoopLevel &at, const std::string &suffix = "",
                          TailStrategy tail = TailStrategy::Auto) {
  std::vector<Var> accVars = accumulate.args();
  bool rows = accVars.size() > 1;
  int lanes = dividingLanes(extent, vector);
  if (lanes == 0 || extent < lanes) {
    stage.reorder(accVars[0], rows ? accVars[1] : accVars[0], r).unroll(accVars[0]);
    if (rows)
      stage.unroll(accVars[1]);
    return;
  }
  // Names unique per specialization: Halide 14 mixes up the rfactors of two
  // specializations whose split RVars share a name (wrong lane counts).
  RVar outer("r_outer" + suffix), inner("r_lanes" + suffix);
  Var lane("lane" + suffix);
  Func partial = stage.split(r, outer, inner, lanes, tail).rfactor(inner, lane);
  // rfactor appends the lane dimension; store it innermost so that each
  // partial sum is one vector register.
  std::vector<Var> partialVars = partial.args(); // o, rows..., lane
  std::vector<Var> storage = {lane};
  storage.insert(storage.end(), partialVars.begin(), partialVars.end() - 1);
  partial.reorder_storage(storage);
  Var po = partialVars[0];
  partial.compute_at(at).reorder(lane, po).vectorize(lane).unroll(po);
  partial.update().reorder(lane, po, outer).vectorize(lane).unroll(po);
  if (rows) {
    Var pm = partialVars[1];
    partial.reorder(lane, po, pm).unroll(pm);
    partial.update().reorder(lane, po, pm, outer).unroll(pm);
  }
  stage.atomic().vectorize(inner).unroll(accVars[0]);
  if (rows)
    stage.unroll(accVars[1]);
}

void computeAccumulateAt(Func accumulate, const LoopLevel &at) {
  std::vector<Var> accVars = accumulate.args();
  accumulate.compute_at(at).unroll(accVars[0]);
  if (accVars.size() > 1)
    accumulate.unroll(accVars[1]);
}

} // namespace

void scheduleNestedFFNCpu(const NestedFFNFuncs &funcs, const ScheduleContext &context) {
  const std::vector<int64_t> &extents = context.extents;
  int64_t rows = extents.size() > 1 ? extents[1] : 1;
  int vector = vectorWidth(context);

  // Up projection: hidden(j, rows...) for j < width, every width a
  // specialization with its own blocking, then the generic fallback.
  Func hidden = funcs.hidden;
  std::vector<Var> hiddenVars = hidden.args();
  TileVars hiddenNames;
  hidden.compute_root();
  for (int64_t width : funcs.granularities)
    tileOutputs(hidden.specialize(funcs.width == static_cast<int>(width)), hiddenVars,
                tilingFor(context, width, rows), TailStrategy::ShiftInwards, hiddenNames);
  tileOutputs(hidden, hiddenVars, tilingFor(context, funcs.hiddenSize, rows),
              TailStrategy::GuardWithIf, hiddenNames);
  LoopLevel hiddenTile(hidden, hiddenNames.tile);
  Func hiddenAccumulate = funcs.hiddenAccumulate;
  computeAccumulateAt(hiddenAccumulate, hiddenTile);
  vectorizeDotProducts(hiddenAccumulate.update(), hiddenAccumulate,
                       funcs.inputReduction.x, funcs.dModel, vector, hiddenTile);

  // Down projection: the stored Func over (o, rows...) has static extents;
  // its reduction over the hidden units is specialized per width.
  // Each task streams its block of fc2 rows (block_out × width floats) past
  // every row tile: the block is sized per width to stay in cache.
  Func stored = context.stored;
  TileVars names;
  stored.compute_root();
  auto downTiling = [&](int64_t width) {
    Tiling tiling = tilingFor(context, extents[0], rows);
    int64_t budget = context.knobs.get("block_bytes") / (4 * width);
    int64_t blockOut = budget / tiling.tileOut * tiling.tileOut;
    tiling.blockOut = static_cast<int>(
        std::clamp<int64_t>(blockOut, tiling.tileOut, tiling.blockOut));
    return tiling;
  };
  for (int64_t width : funcs.granularities)
    tileOutputs(stored.specialize(funcs.width == static_cast<int>(width)), stored.args(),
                downTiling(width), TailStrategy::ShiftInwards, names);
  tileOutputs(stored, stored.args(), downTiling(funcs.hiddenSize),
              TailStrategy::ShiftInwards, names);
  LoopLevel tile(stored, names.tile);
  Func accumulate = funcs.outputAccumulate;
  computeAccumulateAt(accumulate, tile);
  for (int64_t width : funcs.granularities)
    vectorizeDotProducts(accumulate.update().specialize(funcs.width == static_cast<int>(width)),
                         accumulate, funcs.hiddenReduction.x, width, vector, tile,
                         "_" + std::to_string(width));
  // Other widths: whole vectors with a masked last one (the split's guard
  // becomes a vector predicate).
  vectorizeDotProducts(accumulate.update(), accumulate, funcs.hiddenReduction.x, vector,
                       vector, tile, "_generic", TailStrategy::GuardWithIf);
}

void scheduleNestedEmbeddingCpu(const NestedEmbeddingFuncs &funcs,
                                const ScheduleContext &context) {
  int vector = vectorWidth(context);
  PointwiseLoops loops = schedulePointwiseCpu(context.stored, context.extents, vector,
                                              context.knobs.get("parallel_grain"));
  if (!funcs.sumSquares.defined())
    return;
  Func sum = funcs.sumSquares;
  sum.compute_at(loops.row);
  for (int64_t width : funcs.granularities) {
    int lanes = dividingLanes(width, vector);
    if (lanes == 0 || width < 2 * lanes)
      continue;
    RVar outer("r_outer_" + std::to_string(width)), inner("r_lanes_" + std::to_string(width));
    Var lane("lane_" + std::to_string(width));
    Func partial = sum.update()
                       .specialize(funcs.width == static_cast<int>(width))
                       .split(funcs.reduction.x, outer, inner, lanes)
                       .rfactor(inner, lane);
    partial.compute_at(loops.row).vectorize(lane);
    partial.update().vectorize(lane);
  }
}

} // namespace loom::schedules
