// The single-pass block-scan CUDA kernel of loom.selective_scan: a kernel
// that Halide 14 cannot express (its state is carried in registers along L
// while every step is read out), generated as MLIR GPU-dialect code and
// lowered to PTX in-process through MLIR's NVVM target. The Halide pipeline
// calls it as an extern stage (Emitter.cpp); the generated glue embeds the
// PTX and launches it (lib/Runtime/loomrt_cuda_kernels.h).
// experiments/scan-kernel/README.md has the design and its measurements.
#ifndef LOOM_HALIDE_SCANKERNEL_H
#define LOOM_HALIDE_SCANKERNEL_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loom {

/// The static problem of one selective scan, and which optional inputs it
/// has. Kernel parameters, in order: u, delta, A, B, C, then D, z and the Δ
/// bias where present, then y (all dense, PyTorch order [B, D, L], [D, N],
/// [B, N, L], [D]).
struct ScanKernelShape {
  int64_t batch = 0, channels = 0, length = 0, states = 0;
  bool hasD = false, hasZ = false, hasBias = false;
  bool deltaSoftplus = false, aIsLog = false;
  /// Threads per block and consecutive steps per thread (chunks of
  /// threads · items steps).
  int threads = 128, items = 8;
};

/// Picks threads and items for `length` (chunks of 1024, 512, 256 or 128
/// steps); false when no chunk length divides it (the Halide schedule runs
/// the scan then).
bool chooseScanKernelTiling(ScanKernelShape &shape);

/// The kernel as the text of an MLIR module holding one gpu.module with
/// the kernel `symbol`.
std::string selectiveScanKernelMLIR(const ScanKernelShape &shape, llvm::StringRef symbol);

/// Lowers a module of GPU-dialect kernels (text) to PTX with MLIR's NVVM
/// target for `chip` (e.g. "sm_80"); on failure `error` says why.
mlir::FailureOr<std::string> compileKernelToPTX(llvm::StringRef moduleText,
                                                llvm::StringRef chip, std::string &error);

/// A kernel that a pipeline calls as an extern stage: the stage's C symbol,
/// its PTX (kernel entry `kernel`), the launch shape, and the extents of its
/// buffer arguments in Halide order (innermost first; inputs, then the
/// output) for the bounds query.
struct ExternKernel {
  std::string symbol;
  std::string kernel;
  std::string ptx;
  unsigned grid[2] = {1, 1};
  unsigned block = 1;
  std::vector<std::vector<int64_t>> bufferExtents;
};

} // namespace loom

#endif // LOOM_HALIDE_SCANKERNEL_H
