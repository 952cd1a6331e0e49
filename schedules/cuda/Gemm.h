// The shared-memory-staged, register-tiled matrix product for CUDA that
// loom.linear and loom.nested_ffn schedule their products with.
#ifndef LOOM_SCHEDULES_CUDA_GEMM_H
#define LOOM_SCHEDULES_CUDA_GEMM_H

#include "schedules/Schedules.h"

namespace loom::schedules {

/// Outputs per thread (in registers) and threads per block along the output
/// columns (features, contiguous) and the rows; `slab` reduction elements of
/// both operands are staged in shared memory at a time.
struct GemmTile {
  int regCols = 4, regRows = 8;
  int threadsCols = 16, threadsRows = 8;
  int slab = 32;
  /// Elements past a slab's row in shared memory: 1 avoids bank conflicts in
  /// the transposing stores, 4 keeps every row 16-byte aligned (vector loads
  /// only). 1 measured 8–18% faster on the H100 (notes/nested-gpu.md).
  int pad = 1;

  int tileCols() const { return regCols * threadsCols; }
  int tileRows() const { return regRows * threadsRows; }
};

/// The gemm_* knobs (LOOM_GEMM_CUDA_KNOBS in Schedules.cpp).
GemmTile gemmTileFromKnobs(const KnobValues &knobs);

/// `tile` shrunk (halving, registers before threads) until a block fits
/// `cols` × `rows` (ShiftInwards needs whole tiles inside the tensor; with
/// `colsDivide` the column tile divides `cols` instead, for RoundUp), until
/// at least `minBlocks` blocks have work (registers only), and until the
/// slab divides `slabDivides` and the block's shared memory fits 48 KiB.
GemmTile fitGemmTile(GemmTile tile, int64_t cols, int64_t rows, int64_t batches,
                     bool colsDivide, int64_t minBlocks, int64_t slabDivides);

/// A product to schedule: `accumulate(col, row, batch...)` starts at a value
/// that reads no operand (bias or 0) and its one update adds
/// `lhs(k, row, batch...) · rhs(k, col)` over `k`; `stored` has the same
/// dimensions and reads `accumulate` at the same point (its epilogue).
struct StagedGemm {
  Halide::Func stored;
  Halide::Func accumulate;
  Halide::RVar k;
  Halide::Func lhs;
  Halide::Func rhs;
  GemmTile tile;
  /// ShiftInwards for static extents; RoundUp (padded storage) when the
  /// column extent is a run-time value that may be smaller than a tile.
  Halide::TailStrategy colTail = Halide::TailStrategy::ShiftInwards;
  /// The reduction's extent is a run-time value: the last slab is guarded.
  bool guardSlab = false;
  /// Unroll factor of the loop over a slab's reduction elements.
  int unrollSlab = 0;
};

/// Schedules `gemm.stored` at root as one kernel: blocks of tileCols ×
/// tileRows outputs, each thread a regCols × regRows register tile. Per slab
/// the block loads both operands' slabs into shared memory cooperatively
/// (consecutive threads read consecutive reduction elements: coalesced) and
/// stores them transposed with a padded stride (no bank conflicts); each
/// thread then accumulates its tile over the slab in registers (an rfactor
/// of the reduction by slab) and adds it to the block's accumulator in
/// shared memory, which the epilogue reads.
void scheduleStagedGemmCuda(const StagedGemm &gemm);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_CUDA_GEMM_H
