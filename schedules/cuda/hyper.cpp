// CUDA schedules of hyper_kernel and hyper_zzw. hyper_kernel's maps are GPU
// reductions over tiles of (unit, position), one output per thread.
// hyper_zzw's convolution is a depthwise convolution (schedules/cuda/
// depthwise.cpp: input tile and kernel in shared memory, a column of outputs
// per thread). With fuse_kernel, each block computes its plane's W ⊙ Z into
// shared memory; without, a kernel of its own materializes it once per call.
#include "schedules/HyperSchedules.h"

#include "schedules/ScheduleUtil.h"
#include "schedules/cuda/Depthwise.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

std::vector<int64_t> extentsOf(int64_t first, int64_t kernel, int64_t samples) {
  std::vector<int64_t> extents = {first, kernel, kernel};
  if (samples > 0)
    extents.push_back(samples);
  return extents;
}

} // namespace

void scheduleHyperKernelCuda(const HyperKernelFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  for (const Func &activation : funcs.activations)
    schedulePointwiseCuda(activation, extentsOf(funcs.hidden, funcs.kernel, funcs.samples),
                          tileX, tileY);
  for (const Func &layer : funcs.layers)
    scheduleReductionCuda(layer, extentsOf(funcs.hidden, funcs.kernel, funcs.samples), tileX,
                          tileY);
  // The output layer accumulates in each thread of the stored kernel's.
  PointwiseGpuLoops loops = schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
  Func(funcs.outputLayer).compute_at(loops.thread);
}

void scheduleHyperZZWCuda(const HyperZZWFuncs &funcs, const ScheduleContext &context) {
  int64_t tileX = context.knobs.get("tile_x"), tileY = context.knobs.get("tile_y");
  if (!funcs.conv) {
    schedulePointwiseCuda(context.stored, context.extents, tileX, tileY);
    return;
  }
  // The convolution: the depthwise schedule, which stages each block's
  // padded input tile and its plane's kernel in shared memory. Fused, the
  // staged kernel is W ⊙ Z itself (k² multiplies per block); unfused, W ⊙ Z
  // is a kernel of its own, once per call, and the block stages a copy.
  Func kernel = funcs.contextKernel;
  if (funcs.global && context.knobs.get("fuse_kernel") == 0) {
    schedulePointwiseCuda(funcs.contextKernel,
                          {funcs.kernel, funcs.kernel, funcs.inputExtents[2],
                           funcs.inputExtents[3]},
                          tileX, tileY);
  }
  DepthwiseCudaFuncs depthwise{funcs.accumulate, funcs.paddedInput, kernel, funcs.reduction};
  depthwise.wrapKernel = funcs.global && context.knobs.get("fuse_kernel") == 0;
  // The kernel may be non-square (a global kernel as large as z).
  depthwise.spanX = *Internal::as_const_int(funcs.reduction[0].extent());
  depthwise.spanY = *Internal::as_const_int(funcs.reduction[1].extent());
  scheduleDepthwiseCuda(depthwise, context);
}

} // namespace loom::schedules
