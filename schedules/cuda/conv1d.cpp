// CUDA schedule of loom.conv1d: blocks of tile_x threads along the positions
// × tile_y output channels (fused with the batch); each thread computes
// `items` consecutive positions, unrolled, so that neighbouring taps are
// loaded once per thread and not once per output. The zero padding is
// inlined into the loads (a select per tap) instead of being a pass of its
// own over the input.
#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

void scheduleConv1DCuda(const ConvolutionFuncs &funcs, const ScheduleContext &context) {
  Func out = context.stored;
  std::vector<Var> vars = out.args(); // x, c, n
  const int64_t width = context.extents[0];
  const int items = static_cast<int>(std::clamp<int64_t>(context.knobs.get("items"), 1, width));
  const int threadsX = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("tile_x"), 1, (width + items - 1) / items));
  int64_t rows = 1;
  for (size_t dim = 1; dim < context.extents.size(); ++dim)
    rows *= context.extents[dim];
  const int threadsY =
      static_cast<int>(std::clamp<int64_t>(context.knobs.get("tile_y"), 1, rows));

  Var xBlock("x_block"), xInner("x_inner"), tx("tx"), item("item");
  Var row = fuseOuterDims(out, vars, 1); // channel and batch
  Var rowBlock("row_block"), ty("ty");
  out.compute_root()
      .split(vars[0], xBlock, xInner, threadsX * items, TailStrategy::GuardWithIf)
      .split(xInner, tx, item, items)
      .split(row, rowBlock, ty, threadsY, TailStrategy::GuardWithIf)
      .reorder(item, tx, ty, xBlock, rowBlock)
      .unroll(item)
      .gpu_threads(tx, ty)
      .gpu_blocks(xBlock, rowBlock);

  Func accumulate = funcs.accumulate;
  accumulate.compute_at(out, tx).store_in(MemoryType::Register).unroll(accumulate.args()[0]);
  accumulate.update()
      .reorder(accumulate.args()[0], funcs.reduction.x)
      .unroll(accumulate.args()[0])
      .unroll(funcs.reduction.x);
  // funcs.paddedInput stays inline: one select per tap.
}

} // namespace loom::schedules
