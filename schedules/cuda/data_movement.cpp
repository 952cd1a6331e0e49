// CUDA schedules of reshape, transpose, concat and slice when materialized (a copy): one
// element per thread, tile_x threads along the contiguous dimension × tile_y along the
// others (fused); and a transpose that moves the contiguous dimension through
// shared-memory tiles.
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

using Halide::Func;
using Halide::MemoryType;
using Halide::Var;

void scheduleDataMovementCuda(const ScheduleContext &context) {
  schedulePointwiseCuda(context.stored, context.extents, context.knobs.get("tile_x"),
                        context.knobs.get("tile_y"));
}

void scheduleTransposeCuda(const TransposeFuncs &transpose, const ScheduleContext &context) {
  const std::vector<int64_t> &extents = context.extents;
  int64_t tile = context.knobs.get("tile");
  int64_t rows = std::min(context.knobs.get("rows"), tile);
  Func out = context.stored;
  std::vector<Var> vars = out.args();
  int across = transpose.inputInner;
  // One element per thread reads the input with a stride of a whole row
  // when the contiguous dimension moves; a tile staged in shared memory
  // reads it along rows and writes the result along rows. Whole tiles
  // only: the staging then never reads past the input.
  // A tile must also fit a block: its padded rows in the 48 KiB of static
  // shared memory, tile × rows threads in 1024.
  constexpr int64_t sharedBytes = 48 * 1024, maxThreads = 1024;
  if (tile == 0 || across == 0 || extents[0] % tile != 0 || extents[across] % tile != 0 ||
      tile % rows != 0 || tile * (tile + 1) * 4 > sharedBytes || tile * rows > maxThreads) {
    scheduleDataMovementCuda(context);
    return;
  }
  Var x = vars[0], y = vars[across];
  Var xo("xo"), yo("yo"), xi("xi"), yi("yi"), yu("yu"), yt("yt");
  out.compute_root()
      .tile(x, y, xo, yo, xi, yi, static_cast<int>(tile), static_cast<int>(tile))
      .split(yi, yu, yt, static_cast<int>(rows))
      .reorder(yu, xi, yt, xo, yo)
      .gpu_threads(xi, yt)
      .unroll(yu);
  std::vector<Var> outer;
  for (size_t dim = 1; dim < vars.size(); ++dim)
    if (static_cast<int>(dim) != across)
      outer.push_back(vars[dim]);
  if (outer.empty())
    out.gpu_blocks(xo, yo);
  else
    out.gpu_blocks(xo, yo, fuseOuterDims(out, outer, 0));

  // The staged tile, in the input's order: threads along its contiguous
  // dimension. Its rows are padded by one float, so that the column the
  // result's warp reads spreads over all 32 banks.
  Func input = transpose.input;
  Func staged = input.in(transpose.result);
  std::vector<Var> stagedVars = staged.args();
  Var a = stagedVars[0], b = stagedVars[transpose.resultInner];
  Var bu("bu"), bt("bt");
  staged.compute_at(out, xo)
      .store_in(MemoryType::GPUShared)
      .split(b, bu, bt, static_cast<int>(rows))
      .reorder(bu, a, bt)
      .gpu_threads(a, bt)
      .unroll(bu)
      .align_storage(a, static_cast<int>(tile) + 1);
}

} // namespace loom::schedules
