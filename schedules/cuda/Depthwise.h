// The CUDA schedule of large-kernel depthwise convolutions (conv2d with
// groups == channels, the convolution step of hyper_zzw).
#ifndef LOOM_SCHEDULES_CUDA_DEPTHWISE_H
#define LOOM_SCHEDULES_CUDA_DEPTHWISE_H

#include "schedules/Schedules.h"

namespace loom::schedules {

/// A depthwise convolution as its CUDA schedule sees it: stored(x, y, c, n)
/// = accumulate(x, y, c, n), whose one update sums input(x + kx·d - p, ...)
/// · kernel(kx, ky, ...) over `reduction`, whose first two dimensions are
/// the kernel's x and y taps (any further ones have extent 1).
struct DepthwiseCudaFuncs {
  Halide::Func accumulate;
  /// What the accumulation reads as its input (the zero-padded input, or the
  /// input itself), dims x, y, c, n: the schedule stages each block's tile
  /// of it in shared memory.
  Halide::Func input;
  /// What the accumulation reads as its kernel (dims kx, ky, then channel
  /// and sample or group dims of extent 1 per block): staged in shared
  /// memory too, unless it is too large.
  Halide::Func kernel;
  Halide::RDom reduction;
  /// The input rows and columns one output reads: dilation·(k - 1) + 1.
  int64_t spanX = 1, spanY = 1;
  /// Whether input / kernel are Funcs other stages read too (a pipeline
  /// input, a kernel computed once per call): the schedule then stages a
  /// wrapper made with `in()` for the Func that sums the taps (which is not
  /// `accumulate` when the kernel columns are split over thread groups).
  bool wrapInput = false, wrapKernel = false;
};

/// Knob names the schedule reads (declared by every op that uses it):
/// depthwise_threads_x, depthwise_threads_y, depthwise_thread_rows,
/// depthwise_unroll_kx, depthwise_unroll_ky, depthwise_min_blocks,
/// depthwise_split_kx.
void scheduleDepthwiseCuda(const DepthwiseCudaFuncs &funcs, const ScheduleContext &context);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_CUDA_DEPTHWISE_H
