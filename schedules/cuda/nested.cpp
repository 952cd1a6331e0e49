// CUDA schedules of the nested ops: one output per thread (as loom.linear),
// nested_ffn's hidden units computed for the run-time width only and its
// reduction over them unrolled under each declared width.
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleNestedFFNCuda(const NestedFFNFuncs &funcs, const ScheduleContext &context) {
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
