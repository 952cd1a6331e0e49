// CPU schedule of loom.linear: a register-blocked matmul.
//
// The weight is [out, in] with `in` contiguous, so the vectors run along the
// input features: each register tile holds tile_out × tile_rows vectors of
// partial sums (an rfactor of the reduction), and the lanes are summed once
// at the end of the row. Tasks own block_out output features, whose weight
// rows stay in cache while every row of x streams past them.
#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

void scheduleLinearCpu(const LinearFuncs &funcs, const ScheduleContext &context) {
  Func stored = context.stored;
  std::vector<Var> vars = stored.args();
  const std::vector<int64_t> &extents = context.extents;
  int rank = static_cast<int>(vars.size());
  int64_t outFeatures = extents[0];
  int64_t rows = rank > 1 ? extents[1] : 1;

  int tileOut = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("tile_out"), 1, outFeatures));
  int tileRows =
      static_cast<int>(std::clamp<int64_t>(context.knobs.get("tile_rows"), 1, rows));
  int64_t blockOut = std::max<int64_t>(context.knobs.get("block_out"), tileOut);
  blockOut = std::min<int64_t>(blockOut / tileOut * tileOut, outFeatures);
  // Keep at least four tasks where the output allows it, for the threads.
  int64_t quarter = outFeatures / 4 / tileOut * tileOut;
  blockOut = std::min<int64_t>(blockOut, std::max<int64_t>(quarter, tileOut));
  blockOut = std::max<int64_t>(blockOut, tileOut);

  Var o = vars[0];
  Var block("o_block"), inBlock("o_in_block"), tile("o_tile"), inner("o_inner");
  stored.compute_root()
      .split(o, block, inBlock, static_cast<int>(blockOut), TailStrategy::ShiftInwards)
      .split(inBlock, tile, inner, tileOut, TailStrategy::ShiftInwards);
  if (rank > 1) {
    Var rowTile("m_tile"), rowInner("m_inner");
    stored.split(vars[1], rowTile, rowInner, tileRows, TailStrategy::ShiftInwards)
        .reorder(inner, rowInner, tile, rowTile, block)
        .unroll(rowInner);
  }
  stored.unroll(inner).parallel(block);

  Func accumulate = funcs.accumulate;
  std::vector<Var> accVars = accumulate.args();
  RVar k = funcs.reduction.x;
  accumulate.compute_at(stored, tile).unroll(accVars[0]);
  if (rank > 1)
    accumulate.unroll(accVars[1]);

  int vector = vectorWidth(context);
  int lanes = dividingLanes(funcs.inFeatures, vector);
  if (lanes == 0 || funcs.inFeatures < lanes) {
    // No vector length divides the input features: scalar FMAs, unrolled
    // over the register tile.
    accumulate.update().reorder(accVars[0], rank > 1 ? accVars[1] : accVars[0], k);
    accumulate.update().unroll(accVars[0]);
    if (rank > 1)
      accumulate.update().unroll(accVars[1]);
    return;
  }
  RVar kOuter("k_outer"), kLanes("k_lanes");
  Var lane("lane");
  Func partial =
      accumulate.update().split(k, kOuter, kLanes, lanes).rfactor(kLanes, lane);
  // rfactor appends the lane dimension; store it innermost so each partial
  // sum is one vector (one register once LLVM promotes the tile).
  std::vector<Var> partialVars = partial.args(); // o, rows..., lane
  std::vector<Var> storage = {lane};
  storage.insert(storage.end(), partialVars.begin(), partialVars.end() - 1);
  partial.reorder_storage(storage);
  Var po = partialVars[0];
  partial.compute_at(stored, tile).reorder(lane, po).vectorize(lane).unroll(po);
  partial.update().reorder(lane, po, kOuter).vectorize(lane).unroll(po);
  if (rank > 1) {
    Var pm = partialVars[1];
    partial.reorder(lane, po, pm).unroll(pm);
    partial.update().reorder(lane, po, pm, kOuter).unroll(pm);
  }
  // The lanes of each partial sum, added once per output with a horizontal
  // vector reduction (atomic() lets Halide vectorize along a reduction).
  accumulate.update().atomic().vectorize(kLanes).unroll(accVars[0]);
  if (rank > 1)
    accumulate.update().unroll(accVars[1]);
}

} // namespace loom::schedules
