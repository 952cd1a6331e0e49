// The register-tiled SGEMM of loom.linear on CUDA: y[M, N] = x[M, K] ·
// W[N, K]ᵀ (+ bias[N]), a kernel Halide 14 cannot express (each thread's
// block of accumulators stays in registers across the shared-memory slabs of
// the whole reduction), generated as MLIR GPU-dialect code and lowered to PTX
// like the block-scan kernel (ScanKernel.h). The Halide pipeline calls it as
// an extern stage (Emitter.cpp). experiments/gemm-kernel/README.md has the
// design and its measurements on the H100.
#ifndef LOOM_HALIDE_GEMMKERNEL_H
#define LOOM_HALIDE_GEMMKERNEL_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace loom {

/// The static product and its tiling. Kernel parameters, in order: x
/// [M, K], W [N, K], bias [N] where present, y [M, N] (dense, row-major).
struct GemmKernelShape {
  int64_t rows = 0, inFeatures = 0, outFeatures = 0; // M, K, N
  bool hasBias = false;
  /// A block computes blockRows × blockCols outputs over slabs of `slab`
  /// input features; each thread threadRows × threadCols of them (multiples
  /// of 4: 4 × 4 sub-tiles). `pad` floats pad the shared rows.
  int blockRows = 64, blockCols = 128, slab = 8, threadRows = 8, threadCols = 8, pad = 4;

  int threads() const { return (blockRows / threadRows) * (blockCols / threadCols); }
  unsigned gridX() const { return static_cast<unsigned>((outFeatures + blockCols - 1) / blockCols); }
  unsigned gridY() const { return static_cast<unsigned>((rows + blockRows - 1) / blockRows); }
};

/// The tilings of knob `kernel_tile` (1, 2, 3; 0 picks one, see the .cpp).
enum class GemmTile { Auto = 0, Block128x128 = 1, Block64x128 = 2, Block64x64 = 3 };

/// Sets the tiling (`tile`: a GemmTile value; others pick one); false when
/// the kernel does not apply: its 16-byte loads and stores need K and N to
/// be multiples of 4.
bool chooseGemmKernelTiling(GemmKernelShape &shape, int64_t tile);

/// The kernel as the text of an MLIR module holding one gpu.module with the
/// kernel `symbol` (launched on gridX() × gridY() blocks of threads()).
std::string gemmKernelMLIR(const GemmKernelShape &shape, llvm::StringRef symbol);

} // namespace loom

#endif // LOOM_HALIDE_GEMMKERNEL_H
