// Building blocks shared by the schedules of several ops.
#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

void spreadOverThreads(Func func, Var fused, int threadsX, int threadsY) {
  Var outer("load_outer"), inner("load_inner"), x("load_x"), y("load_y");
  func.split(fused, outer, inner, threadsX * threadsY, TailStrategy::GuardWithIf)
      .split(inner, y, x, threadsX)
      .reorder(outer, x, y)
      .gpu_threads(x, y)
      .unroll(outer);
}

Var fuseOuterDims(Stage stage, const std::vector<Var> &vars, size_t first) {
  Var fused = vars[first];
  for (size_t dim = first + 1; dim < vars.size(); ++dim) {
    Var next(fused.name() + "_" + vars[dim].name());
    stage.fuse(fused, vars[dim], next);
    fused = next;
  }
  return fused;
}

int vectorWidth(const ScheduleContext &context) {
  int64_t knob = context.knobs.get("vector_width");
  if (knob > 0)
    return static_cast<int>(knob);
  return context.target.natural_vector_size<float>();
}

int lanesFor(int64_t extent, int width) {
  return static_cast<int>(std::min<int64_t>(extent, width));
}

PointwiseLoops schedulePointwiseCpu(Func func, const std::vector<int64_t> &extents,
                                    int vectorWidth, int64_t grain, int innerDim) {
  std::vector<Var> vars = func.args();
  int rank = static_cast<int>(vars.size());
  func.compute_root();
  PointwiseLoops loops;
  if (rank == 0)
    return loops;
  if (innerDim < 0) {
    // Leading dimensions of extent 1 do not break contiguity: vectorize the
    // first real one.
    innerDim = 0;
    while (innerDim + 1 < rank && extents[innerDim] == 1)
      ++innerDim;
  }
  int lanes = lanesFor(extents[innerDim], vectorWidth);
  if (innerDim + 1 >= rank) {
    // A single (long) row: tasks along it.
    int64_t taskElements = (std::max<int64_t>(grain, lanes) + lanes - 1) / lanes * lanes;
    if (extents[innerDim] >= 2 * taskElements) {
      Var task(vars[innerDim].name() + "_task"),
          inTask(vars[innerDim].name() + "_in_task");
      func.split(vars[innerDim], task, inTask, static_cast<int>(taskElements),
                 TailStrategy::ShiftInwards)
          .parallel(task);
      func.vectorize(inTask, lanes);
    } else if (lanes > 1) {
      func.vectorize(vars[innerDim], lanes, TailStrategy::ShiftInwards);
    }
    return loops;
  }
  if (lanes > 1)
    func.vectorize(vars[innerDim], lanes, TailStrategy::ShiftInwards);

  // Fuse every outer dimension into one loop over "rows".
  Var rows = fuseOuterDims(func, vars, innerDim + 1);
  int64_t rowCount = 1;
  for (int dim = innerDim + 1; dim < rank; ++dim)
    rowCount *= extents[dim];
  int64_t rowElements = 1;
  for (int dim = 0; dim <= innerDim; ++dim)
    rowElements *= extents[dim];
  int64_t rowsPerTask =
      std::clamp<int64_t>((grain + rowElements - 1) / rowElements, 1, rowCount);
  Var task(rows.name() + "_task"), row(rows.name() + "_row");
  func.split(rows, task, row, static_cast<int>(rowsPerTask), TailStrategy::GuardWithIf)
      .parallel(task);
  loops.row = LoopLevel(func, row);
  return loops;
}

int dividingLanes(int64_t extent, int vectorWidth) {
  for (int lanes = vectorWidth; lanes >= std::max(2, vectorWidth / 2); --lanes)
    if (extent % lanes == 0)
      return lanes;
  return 0;
}

void vectorizeRowReduction(Func reduction, const RVar &r, int64_t extent, int vectorWidth,
                           const LoopLevel &at) {
  reduction.compute_at(at);
  int lanes = dividingLanes(extent, vectorWidth);
  if (lanes == 0 || extent < 2 * lanes)
    return;
  RVar outer("r_outer"), inner("r_lanes");
  Var lane("lane");
  Func partial = reduction.update().split(r, outer, inner, lanes).rfactor(inner, lane);
  partial.compute_at(at).vectorize(lane);
  partial.update().vectorize(lane);
}

namespace {

/// Tiles one stage (pure or update) of a compute_root GPU Func: dimension 0
/// in tiles of tileX threads (tileX·tileY for a 1-D Func), the other
/// dimensions fused and tiled by tileY threads. Returns the innermost thread
/// loop's Var.
Var gpuTileStage(Stage stage, std::vector<Var> vars, const std::vector<int64_t> &extents,
                 int64_t tileX, int64_t tileY) {
  int rank = static_cast<int>(vars.size());
  Var block("block"), thread("thread");
  if (rank == 0) {
    stage.gpu_single_thread();
    return thread;
  }
  if (rank == 1) {
    stage.gpu_tile(vars[0], block, thread,
                   static_cast<int>(std::min<int64_t>(tileX * tileY, extents[0])),
                   TailStrategy::GuardWithIf);
    return thread;
  }
  Var rows = fuseOuterDims(stage, vars, 1);
  int64_t rowCount = 1;
  for (int dim = 1; dim < rank; ++dim)
    rowCount *= extents[dim];
  // The row blocks go on blockIdx.x, whose range (2^31 - 1) fits any tensor;
  // blockIdx.y stops at 65535.
  Var blockY("block_y"), threadY("thread_y");
  stage
      .split(vars[0], block, thread,
             static_cast<int>(std::min<int64_t>(tileX, extents[0])),
             TailStrategy::GuardWithIf)
      .split(rows, blockY, threadY, static_cast<int>(std::min<int64_t>(tileY, rowCount)),
             TailStrategy::GuardWithIf)
      .reorder(thread, threadY, blockY, block)
      .gpu_threads(thread, threadY)
      .gpu_blocks(blockY, block);
  return thread;
}

} // namespace

PointwiseGpuLoops scheduleTiledCuda(Func func, const std::vector<Var> &vars,
                                    const std::vector<int64_t> &extents, int64_t tileX,
                                    int64_t tileY) {
  func.compute_root();
  PointwiseGpuLoops loops;
  Var thread = gpuTileStage(func, vars, extents, tileX, tileY);
  if (!vars.empty())
    loops.thread = LoopLevel(func, thread);
  return loops;
}

PointwiseGpuLoops schedulePointwiseCuda(Func func, const std::vector<int64_t> &extents,
                                        int64_t tileX, int64_t tileY) {
  return scheduleTiledCuda(func, func.args(), extents, tileX, tileY);
}

void scheduleReductionCuda(Func func, const std::vector<int64_t> &extents, int64_t tileX,
                           int64_t tileY) {
  func.compute_root();
  std::vector<Var> vars = func.args();
  gpuTileStage(func, vars, extents, tileX, tileY);
  for (int stage = 0; stage < func.num_update_definitions(); ++stage)
    gpuTileStage(func.update(stage), vars, extents, tileX, tileY);
}

void scheduleWarpRowReductionCuda(Func func, std::vector<RVar> rvars,
                                  const std::vector<int64_t> &rowExtents, int64_t rowsPerBlock) {
  constexpr int kWarp = 32;
  Func rows = func.in();
  std::vector<Var> vars = rows.args();
  // Warps split the innermost row coordinate; the outer ones are block
  // dimensions (fused beyond the third). Not all fused into one: a row's
  // coordinates would then be divisions and remainders of the fused index,
  // whose bounds Halide cannot narrow to the one row a warp reduces.
  Var row = vars.empty() ? Var("row") : vars[0];
  int64_t inner = rowExtents.empty() ? 1 : rowExtents[0];
  // The lane dimension is a loop of extent 1 here, which the partials' lane
  // loop (extent 32) takes the place of (Halide's warp-shuffle lowering).
  Var block("block"), warp("warp"), lane("lane");
  rows.compute_root()
      .split(row, block, warp, static_cast<int>(std::clamp<int64_t>(rowsPerBlock, 1, inner)),
             TailStrategy::GuardWithIf)
      .split(warp, warp, lane, 1)
      .gpu_threads(warp, lane);
  if (vars.size() <= 1)
    rows.gpu_blocks(block);
  else if (vars.size() == 2)
    rows.gpu_blocks(block, vars[1]);
  else
    rows.gpu_blocks(block, vars[1], fuseOuterDims(rows, vars, 2));

  Stage update = func.update();
  RVar r = rvars[0];
  for (size_t i = 1; i < rvars.size(); ++i) {
    RVar fused(r.name() + "_" + rvars[i].name());
    update.fuse(r, rvars[i], fused);
    r = fused;
  }
  RVar outer("outer"), laneOf("lane_of");
  Var u("u");
  Func partial = update.split(r, outer, laneOf, kWarp, TailStrategy::GuardWithIf)
                     .reorder(outer, laneOf)
                     .rfactor(laneOf, u);
  func.compute_at(rows, lane);
  partial.compute_at(rows, warp).gpu_lanes(u);
  partial.update().gpu_lanes(u);
}

} // namespace loom::schedules
