// Building blocks shared by the schedules of several ops.
#ifndef LOOM_SCHEDULES_SCHEDULEUTIL_H
#define LOOM_SCHEDULES_SCHEDULEUTIL_H

#include "schedules/Schedules.h"

namespace loom::schedules {

/// The `vector_width` knob, or the target's natural f32 width when it is 0.
int vectorWidth(const ScheduleContext &context);

/// Lanes to vectorize a dimension of `extent` with: `width`, or the whole
/// dimension when it is shorter (a short vector beats a scalar loop).
int lanesFor(int64_t extent, int width);

/// The loops `schedulePointwiseCpu` made.
struct PointwiseLoops {
  /// One iteration of this loop computes one vector's worth of rows: the
  /// place for per-row intermediates (compute_at). Root when the Func has a
  /// single dimension.
  Halide::LoopLevel row = Halide::LoopLevel::root();
};

/// compute_root, vectorized along `innerDim` (the first dimension longer
/// than 1 when -1), every outer dimension fused into one loop that runs in
/// parallel in tasks of at least `grain` elements. For Funcs with a pure
/// definition only.
PointwiseLoops schedulePointwiseCpu(Halide::Func func,
                                    const std::vector<int64_t> &extents, int vectorWidth,
                                    int64_t grain, int innerDim = -1);

/// The loops `schedulePointwiseCuda` made.
struct PointwiseGpuLoops {
  /// The per-thread level, for intermediates each thread computes alone.
  Halide::LoopLevel thread = Halide::LoopLevel::root();
};

/// compute_root with dimension 0 as gpu_threads × gpu_blocks in tiles of
/// `tileX`, the other dimensions fused into one tiled by `tileY` (tiles are
/// clamped to the extents; partial tiles are guarded).
PointwiseGpuLoops schedulePointwiseCuda(Halide::Func func,
                                        const std::vector<int64_t> &extents,
                                        int64_t tileX, int64_t tileY);

/// schedulePointwiseCuda over the given loop variables of `func` instead of
/// its pure ones (e.g. after a split whose inner part is vectorized).
PointwiseGpuLoops scheduleTiledCuda(Halide::Func func, const std::vector<Halide::Var> &vars,
                                    const std::vector<int64_t> &extents, int64_t tileX,
                                    int64_t tileY);

/// The largest lane count in [vectorWidth/2, vectorWidth] that divides
/// `extent`, or 0 when there is none.
int dividingLanes(int64_t extent, int vectorWidth);

/// Computes `reduction` (a Func whose one update is an associative reduction
/// over `r`, `extent` contiguous elements: a sum or a max along a row) at
/// `at`, vectorized by splitting `r` into per-lane partial results
/// (rfactor). Stays a scalar loop when no lane count divides `extent`.
void vectorizeRowReduction(Halide::Func reduction, const Halide::RVar &r, int64_t extent,
                           int vectorWidth, const Halide::LoopLevel &at);

/// Spreads `fused`, the one loop of a Func staged in shared memory, over the
/// block's threadsX × threadsY threads, consecutive elements on consecutive
/// threads; each thread's share is an unrolled loop inside the thread loops.
void spreadOverThreads(Halide::Func func, Halide::Var fused, int threadsX, int threadsY);

/// Fuses vars[first], vars[first + 1], ... of `stage` into one loop (the outer
/// dimensions of a row-major tensor, e.g. rows and batch) and returns its Var;
/// vars[first] itself when it is the last.
Halide::Var fuseOuterDims(Halide::Stage stage, const std::vector<Halide::Var> &vars,
                          size_t first);

/// compute_root on the GPU for a Func with update stages: every stage's pure
/// dimensions tiled as in schedulePointwiseCuda (the reduction runs
/// sequentially in each thread).
void scheduleReductionCuda(Halide::Func func, const std::vector<int64_t> &extents,
                           int64_t tileX, int64_t tileY);

/// A reduction along rows on the GPU, a warp per row: `func` (its pure
/// definition an init, one update over `rvars`, which are fused) is computed
/// inside a compute_root wrapper with `rowsPerBlock` rows (warps) per block;
/// lane u sums elements u, u + 32, ... of the row (coalesced loads), and the
/// row's value combines the 32 lanes' partials through warp shuffles (rfactor
/// + gpu_lanes). `rowExtents` are the extents of func's pure coordinates.
void scheduleWarpRowReductionCuda(Halide::Func func, std::vector<Halide::RVar> rvars,
                                  const std::vector<int64_t> &rowExtents,
                                  int64_t rowsPerBlock);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_SCHEDULEUTIL_H
