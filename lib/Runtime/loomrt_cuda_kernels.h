/* Launching loomc's own CUDA kernels (lib/Halide/ScanKernel.h) from the
 * generated glue of a CUDA model: each such kernel is an extern stage of the
 * Halide pipeline, and the glue defines the stage's function with
 * loomrt_cuda::launch. The PTX is embedded in the glue; the CUDA driver is
 * opened at run time (as Halide's CUDA runtime does), so nothing links
 * against libcuda. Kernels run in the context and on the stream that
 * Halide's CUDA runtime uses, in order with the pipeline's own kernels. */
#ifndef LOOMRT_CUDA_KERNELS_H
#define LOOMRT_CUDA_KERNELS_H

#include <HalideRuntime.h>

#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <mutex>

extern "C" {
/* In the model's Halide runtime (HalideRuntimeCuda.h). */
int halide_cuda_acquire_context(void *user_context, void **cuda_ctx, bool create);
int halide_cuda_release_context(void *user_context);
int halide_cuda_get_stream(void *user_context, void *ctx, void **stream);
const struct halide_device_interface_t *halide_cuda_device_interface();
}

namespace loomrt_cuda {

constexpr int kMaxBuffers = 12;
constexpr int kMaxRank = 4;

/* One kernel: its PTX and entry, the launch shape, and the dense extents of
 * its buffers (Halide order, innermost first; the inputs, then the output). */
struct Kernel {
  const char *symbol;
  const char *entry;
  const char *ptx;
  unsigned grid[2];
  unsigned block;
  int buffers;
  int ranks[kMaxBuffers];
  int64_t extents[kMaxBuffers][kMaxRank];
  /* Loaded on first use. */
  void *context;
  void *function;
};

using CUresult = int;
struct Driver {
  CUresult (*moduleLoadData)(void **module, const void *image);
  CUresult (*moduleGetFunction)(void **function, void *module, const char *name);
  CUresult (*launchKernel)(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                           unsigned by, unsigned bz, unsigned sharedBytes, void *stream,
                           void **params, void **extra);
  CUresult (*pushContext)(void *context);
  CUresult (*popContext)(void **context);
  bool loaded;
};

inline Driver &driver() {
  static Driver d = [] {
    Driver result{};
    void *library = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_GLOBAL);
    if (!library)
      library = dlopen("libcuda.so", RTLD_LAZY | RTLD_GLOBAL);
    if (!library)
      return result;
    result.moduleLoadData =
        reinterpret_cast<decltype(result.moduleLoadData)>(dlsym(library, "cuModuleLoadData"));
    result.moduleGetFunction = reinterpret_cast<decltype(result.moduleGetFunction)>(
        dlsym(library, "cuModuleGetFunction"));
    result.launchKernel =
        reinterpret_cast<decltype(result.launchKernel)>(dlsym(library, "cuLaunchKernel"));
    result.pushContext =
        reinterpret_cast<decltype(result.pushContext)>(dlsym(library, "cuCtxPushCurrent_v2"));
    result.popContext =
        reinterpret_cast<decltype(result.popContext)>(dlsym(library, "cuCtxPopCurrent_v2"));
    result.loaded = result.moduleLoadData && result.moduleGetFunction && result.launchKernel &&
                    result.pushContext && result.popContext;
    return result;
  }();
  return d;
}

inline int fail(const Kernel &kernel, const char *what, int code = 0) {
  char message[512];
  if (code)
    std::snprintf(message, sizeof message, "loom kernel %s (%s): %s (CUDA error %d)",
                  kernel.symbol, kernel.entry, what, code);
  else
    std::snprintf(message, sizeof message, "loom kernel %s (%s): %s", kernel.symbol,
                  kernel.entry, what);
  halide_error(nullptr, message);
  return halide_error_code_generic_error;
}

/* The body of an extern stage: answers Halide's bounds query (every input
 * whole), then runs the kernel on the buffers' device memory. */
inline int launch(Kernel &kernel, halide_buffer_t **buffers) {
  const int inputs = kernel.buffers - 1;
  halide_buffer_t *output = buffers[inputs];
  if (output->is_bounds_query()) {
    // Halide asks which region of each input the stage reads: all of it.
    // (Inputs that are already real buffers keep their shapes.)
    for (int i = 0; i < inputs; ++i) {
      halide_buffer_t *buffer = buffers[i];
      if (!buffer->is_bounds_query())
        continue;
      int64_t stride = 1;
      for (int dim = 0; dim < kernel.ranks[i] && dim < buffer->dimensions; ++dim) {
        buffer->dim[dim].min = 0;
        buffer->dim[dim].extent = static_cast<int32_t>(kernel.extents[i][dim]);
        buffer->dim[dim].stride = static_cast<int32_t>(stride);
        stride *= kernel.extents[i][dim];
      }
    }
    return 0;
  }

  // The kernel indexes dense, whole tensors.
  for (int i = 0; i < kernel.buffers; ++i) {
    const halide_buffer_t *buffer = buffers[i];
    if (buffer->dimensions != kernel.ranks[i])
      return fail(kernel, "a buffer has an unexpected rank");
    int64_t stride = 1;
    for (int dim = 0; dim < buffer->dimensions; ++dim) {
      if (buffer->dim[dim].min != 0 || buffer->dim[dim].extent != kernel.extents[i][dim] ||
          buffer->dim[dim].stride != stride)
        return fail(kernel, "a buffer is not the whole dense tensor");
      stride *= kernel.extents[i][dim];
    }
  }
  Driver &cuda = driver();
  if (!cuda.loaded)
    return fail(kernel, "cannot open the CUDA driver (libcuda.so.1)");
  const halide_device_interface_t *interface = halide_cuda_device_interface();
  for (int i = 0; i < inputs; ++i)
    if (int status = halide_copy_to_device(nullptr, buffers[i], interface))
      return status;
  if (!output->device)
    if (int status = halide_device_malloc(nullptr, output, interface))
      return status;

  void *context = nullptr;
  if (int status = halide_cuda_acquire_context(nullptr, &context, true))
    return status;
  int result = 0;
  if (CUresult pushed = cuda.pushContext(context)) {
    halide_cuda_release_context(nullptr);
    return fail(kernel, "cannot make Halide's CUDA context current", pushed);
  }
  {
    static std::mutex loading;
    std::lock_guard<std::mutex> lock(loading);
    if (kernel.context != context || !kernel.function) {
      void *module = nullptr;
      if (CUresult loaded = cuda.moduleLoadData(&module, kernel.ptx))
        result = fail(kernel, "the driver cannot load the PTX", loaded);
      else if (CUresult found = cuda.moduleGetFunction(&kernel.function, module, kernel.entry))
        result = fail(kernel, "the PTX has no such entry", found);
      else
        kernel.context = context;
    }
  }
  if (!result) {
    void *stream = nullptr;
    halide_cuda_get_stream(nullptr, context, &stream);
    uint64_t pointers[kMaxBuffers];
    void *params[kMaxBuffers];
    for (int i = 0; i < kernel.buffers; ++i) {
      pointers[i] = buffers[i]->device;
      params[i] = &pointers[i];
      // The kernels' 16-byte loads and stores (cuMemAlloc aligns to 256).
      if (pointers[i] % 16 != 0 && !result)
        result = fail(kernel, "a buffer's device memory is not 16-byte aligned");
    }
    if (!result) {
      if (CUresult launched = cuda.launchKernel(kernel.function, kernel.grid[0], kernel.grid[1],
                                                1, kernel.block, 1, 1, 0, stream, params, nullptr))
        result = fail(kernel, "the launch failed", launched);
    }
  }
  void *popped = nullptr;
  cuda.popContext(&popped);
  halide_cuda_release_context(nullptr);
  if (!result)
    output->set_device_dirty(true);
  return result;
}

} // namespace loomrt_cuda

#endif // LOOMRT_CUDA_KERNELS_H
