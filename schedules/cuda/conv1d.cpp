// CUDA schedule of loom.conv1d: one output per thread in blocks of
// tile_x positions × tile_y output channels (fused with the batch).
#include "schedules/ScheduleUtil.h"

using namespace Halide;

namespace loom::schedules {

void scheduleConv1DCuda(const ConvolutionFuncs &funcs, const ScheduleContext &context) {
  PointwiseGpuLoops loops =
      schedulePointwiseCuda(context.stored, context.extents, context.knobs.get("tile_x"),
                            context.knobs.get("tile_y"));
  Func accumulate = funcs.accumulate;
  accumulate.compute_at(loops.thread);
  accumulate.update().unroll(funcs.reduction.x);
  if (funcs.paddedInput.defined())
    schedulePointwiseCuda(funcs.paddedInput, funcs.inputExtents,
                          context.knobs.get("tile_x"), context.knobs.get("tile_y"));
}

} // namespace loom::schedules
