// The Funcs the hyperkernel emitters (lib/Halide/EmitHyper) hand to their
// schedules.
#ifndef LOOM_SCHEDULES_HYPERFUNCS_H
#define LOOM_SCHEDULES_HYPERFUNCS_H

#include <Halide.h>

#include <cstdint>
#include <vector>

namespace loom {

/// hyper_kernel: result(x, y, c[, n]) = outputLayer(x, y, c[, n]), the
/// output linear map over the last hidden layer (a reduction over the hidden
/// units). `layers` are the other linear maps (hidden layers, gates) and
/// `activations` the hidden layers (sines, gating), all of the form
/// f(j, x, y[, n]) with j the hidden unit.
struct HyperKernelFuncs {
  Halide::Func result;
  Halide::Func outputLayer;
  std::vector<Halide::Func> activations;
  std::vector<Halide::Func> layers;
  int64_t kernel = 0;
  int64_t hidden = 0;
  int64_t channels = 0;
  int64_t samples = 0; // 0: no context, the kernel is [C, k, k]
};

/// hyper_zzw. Elementwise mode: only `result`. Conv mode: result(x, y, c, n)
/// = accumulate, which starts at 0 and sums paddedInput(...) ·
/// contextKernel(kx, ky, c, n) over `reduction` = (kx, ky);
/// `contextKernel` = W ⊙ Z (global form) or W itself (local form).
struct HyperZZWFuncs {
  Halide::Func result;
  Halide::Func accumulate;
  Halide::Func paddedInput;
  Halide::Func contextKernel;
  Halide::RDom reduction;
  bool conv = true;
  bool global = true;
  int64_t kernel = 0;
  /// The hyper_kernel result that feeds this op alone (undefined otherwise):
  /// the schedule may compute it inside its channel tasks.
  Halide::Func fusableProducer;
  std::vector<int64_t> inputExtents; // Halide order: x, y, c, n
};

} // namespace loom

#endif // LOOM_SCHEDULES_HYPERFUNCS_H
