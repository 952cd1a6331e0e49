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
// does rows · k FMAs. On small grids (batch 1) with wide kernels, thread
// groups split the kernel columns (rfactor): each group accumulates its
// columns for the whole tile, the partial sums go through shared memory,
// and the first group adds them; the block gets more threads without
// shorter register tiles.
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

// Automatic thread groups (depthwise_split_kx = 0), from H100 sweeps at
// batch 1 (hand-off note hyper2): only for kernels at least this wide (k =
// 13 and less unroll their columns and are launch-bound: groups gained
// nothing measurable); up to autoGroupThreads threads per block and
// maxAutoGroups groups (k = 31 on 56×56: 56 × 4 × 7 rows in 2 groups, 19%
// faster than 1 group; the 32×32 hyper_zzw kernel: 32 × 1 × 8 rows in 8
// groups, 22% faster); register tiles of at least minGroupRows rows when
// the grid is small.
constexpr int64_t minSplitTaps = 16;
constexpr int64_t maxAutoGroups = 8;
constexpr int64_t autoGroupThreads = 512;
constexpr int64_t minGroupRows = 8;

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
  // Thread groups that split the kernel columns: each group sums its share
  // of the columns for the whole tile, and the partial sums meet in shared
  // memory. They give a block more threads for the same (long) register
  // tiles. depthwise_split_kx = N asks for N groups; 0 (the default) adds
  // them when a small grid shortens the tiles (see below), for kernels of at
  // least minSplitTaps columns. Large grids (batch 8) keep one group:
  // measured, 2 groups were 3% slower there.
  RVar kx = funcs.reduction[0], ky = funcs.reduction[1];
  int64_t tapsX = tapsOf(kx), tapsY = tapsOf(ky);
  int64_t splitKnob = context.knobs.get("depthwise_split_kx");
  bool autoGroups = splitKnob == 0 && tapsX >= minSplitTaps;
  int64_t groups = splitKnob > 0 && tapsX > 1 ? std::min(splitKnob, tapsX) : 1;
  auto sharedBytes = [&]() {
    int64_t tile = (threadsX + funcs.spanX - 1) * (threadsY * rows + funcs.spanY - 1) * 4;
    int64_t partials = groups > 1 ? threadsX * threadsY * rows * groups * 4 : 0;
    return tile + (stageKernel ? kernelBytes : 0) + partials;
  };
  // Too large (big kernels: the halo dominates): fewer groups, then fewer
  // rows per thread, down to 4, then fewer threads along the longer side.
  while (sharedBytes() > sharedBytesLimit) {
    if (groups > 1)
      groups = ceilDiv(groups, 2);
    else if (rows > 4)
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
  // first (fewer registers, same threads), then the threads along y. With
  // thread groups, the rows stop at minGroupRows (long register tiles are
  // what the groups are for) and the threads along y go next: the groups
  // make up for them.
  int64_t planes = extents[2] * extents[3];
  auto blocks = [&]() {
    return ceilDiv(width, threadsX) * ceilDiv(height, threadsY * rows) * planes;
  };
  int64_t minBlocks = context.knobs.get("depthwise_min_blocks");
  bool shortened = blocks() < minBlocks;
  bool grouped = autoGroups || groups > 1;
  while (blocks() < minBlocks) {
    if (grouped && rows > minGroupRows)
      rows = ceilDiv(rows, 2);
    else if (grouped && threadsY > 1)
      threadsY = ceilDiv(threadsY, 2);
    else if (rows > 2)
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
  // Automatic groups, when the grid was too small: as many as fit in
  // autoGroupThreads threads per block (at most maxAutoGroups), within the
  // shared memory. 56×56 planes at batch 1, k = 31: 56 × 4 threads × 7
  // rows in 2 groups; 32×32 planes, k = 32: 32 × 1 threads × 8 rows in 8
  // groups.
  if (autoGroups && shortened) {
    groups = std::clamp<int64_t>(autoGroupThreads / (threadsX * threadsY), 1,
                                 std::min(maxAutoGroups, tapsX));
    while (groups > 1 && sharedBytes() > sharedBytesLimit)
      --groups;
  }
  // Whole groups of columns: 31 columns in 8 groups take 4 each, so 8
  // groups (7 × 4 + 3); in 6 groups, 6 each (5 × 6 + 1), 6 groups.
  int64_t groupTaps = groups > 1 ? ceilDiv(tapsX, groups) : tapsX;
  if (groups > 1)
    groups = ceilDiv(tapsX, groupTaps);

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
  // The Func whose update sums the taps: accumulate, or with thread groups
  // the partial sums of each group (rfactor over the group of columns).
  Func taps = accumulate;
  RVar kxTaps = kx;
  if (groups > 1) {
    RVar kxGroup("kx_group"), kxInner("kx_inner");
    Var group("group");
    Stage update = accumulate.update();
    update.split(kx, kxGroup, kxInner, static_cast<int>(groupTaps), TailStrategy::GuardWithIf);
    Func partial = update.rfactor(kxGroup, group); // partial(x, y, c, n, group)
    // accumulate(x, y, c, n) += partial(x, y, c, n, kx_group): rows ×
    // groups shared loads per thread, all unrolled.
    update.reorder(accVars[0], accVars[1], kxGroup).unroll(accVars[1]).unroll(kxGroup);
    // The partial sums of a block's tile, in shared memory, computed by
    // threads_x × threads_y × groups threads: each thread's column of rows
    // comes from registers (partial, computed per thread).
    Func sums = partial.in(accumulate);
    std::vector<Var> sumVars = sums.args();
    Var sxo, sxi("x_thread"), syo, syi, sty("y_thread"), syr("y_row");
    sums.compute_at(stored, xo)
        .store_in(MemoryType::GPUShared)
        .split(sumVars[0], sxo, sxi, static_cast<int>(threadsX), TailStrategy::GuardWithIf)
        .split(sumVars[1], syo, syi, static_cast<int>(threadsY * rows),
               TailStrategy::GuardWithIf)
        .split(syi, sty, syr, static_cast<int>(rows))
        .reorder(syr, sxi, sty, sumVars[4], sxo, syo)
        .gpu_threads(sxi, sty, sumVars[4])
        .unroll(syr);
    partial.compute_at(sums, sxi);
    taps = partial;
    kxTaps = kxInner;
  }
  std::vector<Var> tapVars = taps.args();
  taps.unroll(tapVars[1]);
  std::vector<VarOrRVar> order = {tapVars[0], tapVars[1], ky, kxTaps};
  for (int dim = 2; dim < funcs.reduction.dimensions(); ++dim)
    order.push_back(funcs.reduction[dim]);
  for (size_t dim = 2; dim < tapVars.size(); ++dim)
    order.push_back(tapVars[dim]);
  Stage update = taps.update();
  update.reorder(order).unroll(tapVars[1]);
  if (tapsY > 0 && tapsY <= context.knobs.get("depthwise_unroll_ky"))
    update.unroll(ky);
  if (groupTaps > 0 && groupTaps <= context.knobs.get("depthwise_unroll_kx"))
    update.unroll(kxTaps);

  // Shared-memory staging at the block: the padded input tile and the
  // kernel, each loaded by the block's threads (coalesced along x) before a
  // barrier. With thread groups, the groups take further rows.
  auto stage = [&](Func func, bool wrap) {
    if (wrap)
      func = func.in(taps);
    std::vector<Var> args = func.args();
    Var sxo, sxi("x_thread"), syo, syi(groups > 1 ? "y_inner" : "y_thread"),
        syg("group_thread"), syt("y_thread");
    func.compute_at(stored, xo)
        .store_in(MemoryType::GPUShared)
        .split(args[0], sxo, sxi, static_cast<int>(threadsX), TailStrategy::GuardWithIf)
        .split(args[1], syo, syi, static_cast<int>(threadsY * groups), TailStrategy::GuardWithIf);
    if (groups > 1)
      func.split(syi, syg, syt, static_cast<int>(threadsY))
          .reorder(sxi, syt, syg, sxo, syo)
          .gpu_threads(sxi, syt, syg);
    else
      func.reorder(sxi, syi, sxo, syo).gpu_threads(sxi, syi);
  };
  stage(funcs.input, funcs.wrapInput);
  if (stageKernel)
    stage(funcs.kernel, funcs.wrapKernel);
}

} // namespace loom::schedules
