// The shared-memory-staged, register-tiled matrix product for CUDA that
// loom.linear and loom.nested_ffn schedule their products with.
#ifndef LOOM_SCHEDULES_CUDA_GEMM_H
#define LOOM_SCHEDULES_CUDA_GEMM_H

#include "schedules/Schedules.h"

#include <optional>

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

/// The warp-tiled product: a block is one warp of 32 lanes along the output
/// columns; a lane owns regCols consecutive columns × regRows rows.
struct WarpTile {
  static constexpr int lanes = 32;
  int regCols = 4, regRows = 32;
  int slab = 16;
  /// Elements past a slab's row in shared memory: 4 keeps rows 16-byte
  /// aligned (ld.shared.v4) and spreads the transposing stores over 8 banks.
  int pad = 4;
  /// The same for the weights' slab: 4 keeps the lane's 16-byte loads; 1
  /// (conflict-free transposing stores, 4-byte loads) measured 12% slower.
  int padRhs = 4;
  /// The output column blocks on blockIdx.x (co-resident blocks share input
  /// rows) instead of the row blocks (they share weight columns).
  bool colsInner = false;

  int tileCols() const { return lanes * regCols; }
  int tileRows() const { return regRows; }
};

/// The gemm_warp_* knobs, or nothing when the product is too small for the
/// warp tile to give gemm_warp_min_blocks blocks (or narrower than a warp):
/// registers halve to fit `cols` × `rows`, the slab shrinks to divide
/// `slabDivides`.
std::optional<WarpTile> fitWarpTile(const KnobValues &knobs, int64_t cols, int64_t rows,
                                    int64_t batches, int64_t slabDivides);

/// Schedules `gemm` (its `tile` unused) as one kernel of one-warp blocks:
/// each lane's regCols × regRows accumulators stay in registers for the
/// whole reduction. Halide 14 cannot keep a thread's accumulators in
/// registers across a slab loop that sits outside the thread loops (a
/// block-level Register allocation is the whole block's tile per thread,
/// indexed by the thread: local memory) — except for GPU lanes: a Register
/// allocation outside a gpu_lanes loop is striped across the warp's lanes
/// (LowerWarpShuffles), each lane keeping its own stripe at constant indices.
/// So the accumulator is computed at the block loop in registers, its
/// update loops slab (outermost) → slab elements → lanes → unrolled tile, and
/// both operands' slabs are staged in shared memory at the slab loop by the
/// same 32 lanes (a warp runs its lanes in lock step, so Halide inserts no
/// barriers).
void scheduleWarpGemmCuda(const StagedGemm &gemm, const WarpTile &tile, int unrollSlab);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_CUDA_GEMM_H
