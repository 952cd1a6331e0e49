// CUDA schedule of loom.conv2d: one output per thread in blocks of
// tile_x (width) × tile_y (height) × tile_channels (output channels, fused
// with the batch), accumulating in a register; the zero-padded input is
// materialized by a kernel of its own. Depthwise convolutions with stride 1
// take the shared-memory schedule of schedules/cuda/depthwise.cpp instead.
#include "schedules/ScheduleUtil.h"
#include "schedules/cuda/Depthwise.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

void scheduleConv2DCuda(const ConvolutionFuncs &funcs, const ScheduleContext &context) {
  bool depthwise = funcs.groups == funcs.outChannels && funcs.inChannelsPerGroup == 1 &&
                   funcs.groups == funcs.inputExtents[2] &&
                   std::all_of(funcs.stride.begin(), funcs.stride.end(),
                               [](int64_t s) { return s == 1; });
  if (depthwise && context.knobs.get("depthwise") != 0) {
    // The input tile is the padded input, or the input itself through a
    // wrapper that only this convolution reads.
    bool padded = funcs.paddedInput.defined();
    DepthwiseCudaFuncs depthwiseFuncs{funcs.accumulate, padded ? funcs.paddedInput : funcs.input,
                                      funcs.weight, funcs.reduction};
    depthwiseFuncs.wrapInput = !padded;
    depthwiseFuncs.wrapKernel = true;
    depthwiseFuncs.spanX = funcs.dilation[0] * (funcs.kernel[0] - 1) + 1;
    depthwiseFuncs.spanY = funcs.dilation[1] * (funcs.kernel[1] - 1) + 1;
    scheduleDepthwiseCuda(depthwiseFuncs, context);
    return;
  }
  Func stored = context.stored;
  std::vector<Var> vars = stored.args(); // x, y, c, n
  const std::vector<int64_t> &extents = context.extents;
  auto tile = [&](const char *knob, int64_t extent) {
    return static_cast<int>(std::clamp<int64_t>(context.knobs.get(knob), 1, extent));
  };
  Var channels("c_n"), bx("block_x"), by("block_y"), bz("block_z"), tx("thread_x"),
      ty("thread_y"), tz("thread_z");
  stored.compute_root()
      .fuse(vars[2], vars[3], channels)
      .gpu_tile(vars[0], vars[1], channels, bx, by, bz, tx, ty, tz,
                tile("tile_x", extents[0]), tile("tile_y", extents[1]),
                tile("tile_channels", extents[2] * extents[3]),
                TailStrategy::GuardWithIf);
  Func accumulate = funcs.accumulate;
  accumulate.compute_at(stored, tx);
  accumulate.update().unroll(funcs.reduction.x);
  if (funcs.paddedInput.defined())
    schedulePointwiseCuda(funcs.paddedInput, funcs.inputExtents,
                          context.knobs.get("tile_x"), context.knobs.get("tile_y"));
}

} // namespace loom::schedules
