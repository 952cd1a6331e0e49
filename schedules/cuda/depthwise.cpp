// CUDA schedule of depthwise convolutions with kernels from 3 to 63 taps.
//
// One block computes a tile of one (channel, sample) plane: threads_x ×
// (threads_y · thread_rows) outputs. The block first stages, in shared
// memory, the zero-padded input the tile reads ((tile + span - 1) in each
// dimension) and the plane's k×k kernel, then each thread accumulates
// thread_rows outputs of one column in registers. Threads of a warp take
// consecutive columns, so their shared loads hit consecutive banks; a thread
// takes consecutive rows, so with the kernel rows unrolled the rows its
// outputs read at different ky are the same registers: for each kernel
// column a thread loads rows + k - 1 inputs and k (broadcast) weights and
// does rows · k FMAs.
#include "schedules/cuda/Depthwise.h"

#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Halide 14 launches kernels with dynamic shared memory and no opt-in to
// more than the default 48 KiB per block.
constexpr int64_t sharedBytesLimit = 48 * 1024;

int64_t tapsOf(const RVar &tap) {
  const int64_t *taps = Internal::as_const_int(tap.extent());
  return taps ? *taps : 0;
}

} // namespace

void scheduleDepthwiseCuda(const DepthwiseCudaFuncs &funcs, const ScheduleContext &context) {
  Func stored = context.stored;
  std::vector<Var> vars = stored.args(); // x, y, c, n
  Var x = vars[0], y = vars[1], c = vars[2], n = vars[3];
  const std::vector<int64_t> &extents = context.extents;
  int64_t width = extents[0], height = extents[1];

  // Threads along the width and rows per thread, clamped to the plane (the
  // tile may overshoot the height here; evening out below makes it fit, as
  // ShiftInwards needs).
  int64_t rows = std::clamp<int64_t>(context.knobs.get("depthwise_thread_rows"), 1, height);
  int64_t threadsX = std::clamp<int64_t>(context.knobs.get("depthwise_threads_x"), 1, width);
  int64_t threadsY =
      std::clamp<int64_t>(context.knobs.get("depthwise_threads_y"), 1, ceilDiv(height, rows));
  int64_t kernelBytes = 4 * funcs.spanX * funcs.spanY;
  // The kernel stays in global memory (read through the cache) when it
  // would take more than half of the shared memory.
  bool stageKernel = funcs.kernel.defined() && kernelBytes <= sharedBytesLimit / 2;
  auto sharedBytes = [&]() {
    int64_t tile = (threadsX + funcs.spanX - 1) * (threadsY * rows + funcs.spanY - 1) * 4;
    return tile + (stageKernel ? kernelBytes : 0);
  };
  // Too large (big kernels: the halo dominates): fewer rows per thread
  // first, down to 4, then fewer threads along the longer side.
  while (sharedBytes() > sharedBytesLimit) {
    if (rows > 4)
      rows = ceilDiv(rows, 2);
    else if (threadsY > 1 && threadsY * rows >= threadsX)
      threadsY = ceilDiv(threadsY, 2);
    else if (threadsX > 8)
      threadsX = ceilDiv(threadsX, 2);
    else if (rows > 1)
      rows = ceilDiv(rows, 2);
    else
      break; // one column, one row: as small as a tile gets
  }
  // Small problems (one 32×32 plane per channel, batch 1) would leave most
  // SMs idle with full-size tiles: shorter tiles until there are
  // depthwise_min_blocks blocks, halving the rows per thread down to 2
  // first (fewer registers, same threads), then the threads along y.
  int64_t planes = extents[2] * extents[3];
  auto blocks = [&]() {
    return ceilDiv(width, threadsX) * ceilDiv(height, threadsY * rows) * planes;
  };
  int64_t minBlocks = context.knobs.get("depthwise_min_blocks");
  while (blocks() < minBlocks) {
    if (rows > 2)
      rows = ceilDiv(rows, 2);
    else if (threadsY > 2)
      threadsY = ceilDiv(threadsY, 2);
    else if (rows > 1)
      rows = 1;
    else if (threadsY > 1)
      threadsY = 1;
    else
      break;
  }
  // Even out the tiles (this never grows them): 56 columns in 2 tiles of 28
  // rather than 32 + 24; 56 rows with 4 threads of 16 rows: 1 tile of 4 × 14.
  threadsX = ceilDiv(width, ceilDiv(width, threadsX));
  // A tile taller than the plane (23 rows as 2 × 12) takes one tile more.
  for (int64_t tiles = ceilDiv(height, threadsY * rows);; ++tiles) {
    int64_t tileRows = ceilDiv(height, tiles);
    int64_t evenRows = ceilDiv(tileRows, threadsY);
    int64_t evenThreads = ceilDiv(tileRows, evenRows);
    if (evenRows * evenThreads <= height) {
      rows = evenRows;
      threadsY = evenThreads;
      break;
    }
  }

  Var xo("x_block"), tx("x_thread"), yo("y_block"), yi("y_inner"), ty("y_thread"),
      yr("y_row"), plane("c_n");
  stored.compute_root()
      .split(x, xo, tx, static_cast<int>(threadsX), TailStrategy::ShiftInwards)
      .split(y, yo, yi, static_cast<int>(threadsY * rows), TailStrategy::ShiftInwards)
      .split(yi, ty, yr, static_cast<int>(rows))
      .reorder(yr, tx, ty, xo, yo, c, n)
      .fuse(c, n, plane)
      .gpu_blocks(xo, yo, plane)
      .gpu_threads(tx, ty)
      .unroll(yr);

  // The register tile: one column of `rows` accumulators per thread.
  Func accumulate = funcs.accumulate;
  std::vector<Var> accVars = accumulate.args();
  accumulate.compute_at(stored, tx).unroll(accVars[1]);
  RVar kx = funcs.reduction[0], ky = funcs.reduction[1];
  int64_t tapsX = tapsOf(kx), tapsY = tapsOf(ky);
  std::vector<VarOrRVar> order = {accVars[0], accVars[1], ky, kx};
  for (int dim = 2; dim < funcs.reduction.dimensions(); ++dim)
    order.push_back(funcs.reduction[dim]);
  for (size_t dim = 2; dim < accVars.size(); ++dim)
    order.push_back(accVars[dim]);
  Stage update = accumulate.update();
  update.reorder(order).unroll(accVars[1]);
  if (tapsY > 0 && tapsY <= context.knobs.get("depthwise_unroll_ky"))
    update.unroll(ky);
  if (tapsX > 0 && tapsX <= context.knobs.get("depthwise_unroll_kx"))
    update.unroll(kx);

  // Shared-memory staging at the block: the padded input tile and the
  // kernel, each loaded by the block's threads (coalesced along x) before a
  // barrier.
  auto stage = [&](Func func) {
    std::vector<Var> args = func.args();
    Var sxo, sxi("x_thread"), syo, syi("y_thread");
    func.compute_at(stored, xo)
        .store_in(MemoryType::GPUShared)
        .split(args[0], sxo, sxi, static_cast<int>(threadsX), TailStrategy::GuardWithIf)
        .split(args[1], syo, syi, static_cast<int>(threadsY), TailStrategy::GuardWithIf)
        .reorder(sxi, syi, sxo, syo)
        .gpu_threads(sxi, syi);
  };
  stage(funcs.input);
  if (stageKernel)
    stage(funcs.kernel);
}

} // namespace loom::schedules
