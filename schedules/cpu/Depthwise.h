// The CPU schedule of large-kernel depthwise convolutions (conv2d with
// groups == channels, the convolution step of hyper_zzw).
#ifndef LOOM_SCHEDULES_CPU_DEPTHWISE_H
#define LOOM_SCHEDULES_CPU_DEPTHWISE_H

#include "schedules/Schedules.h"

namespace loom::schedules {

/// A depthwise convolution as its schedule sees it: stored(x, y, c, n) =
/// accumulate(x, y, c, n), whose one update sums input(...) · kernel(...)
/// over `reduction`, whose first two dimensions are the kernel's x and y
/// taps (any further ones have extent 1). `paddedInput` (may be undefined)
/// is the zero-padded input, Halide dims x, y, c, n.
struct DepthwiseFuncs {
  Halide::Func accumulate;
  Halide::Func paddedInput;
  Halide::RDom reduction;
  /// Funcs of (x, y, c, n)-like coordinates computed per channel task
  /// (a per-sample kernel, say), placed at the task loop; may be empty.
  std::vector<Halide::Func> perTask;
};

/// Knob names the schedule reads (all declared by ops that use it):
/// vector_width, depthwise_tile_rows, depthwise_tile_vectors,
/// depthwise_task_rows.
void scheduleDepthwiseCpu(const DepthwiseFuncs &funcs, const ScheduleContext &context);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_CPU_DEPTHWISE_H
