// Building blocks shared by the schedules of several ops.
#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

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
  if (lanes > 1)
    func.vectorize(vars[innerDim], lanes);
  if (innerDim + 1 >= rank)
    return loops;

  // Fuse every outer dimension into one loop over "rows".
  Var rows = vars[innerDim + 1];
  int64_t rowCount = extents[innerDim + 1];
  for (int dim = innerDim + 2; dim < rank; ++dim) {
    Var fused(rows.name() + "_" + vars[dim].name());
    func.fuse(rows, vars[dim], fused);
    rows = fused;
    rowCount *= extents[dim];
  }
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

PointwiseGpuLoops schedulePointwiseCuda(Func func, const std::vector<int64_t> &extents,
                                        int64_t tileX, int64_t tileY) {
  std::vector<Var> vars = func.args();
  int rank = static_cast<int>(vars.size());
  func.compute_root();
  PointwiseGpuLoops loops;
  if (rank == 0) {
    func.gpu_single_thread();
    return loops;
  }
  Var block("block"), thread("thread");
  if (rank == 1) {
    int tile = static_cast<int>(std::min<int64_t>(tileX * tileY, extents[0]));
    func.gpu_tile(vars[0], block, thread, tile, TailStrategy::GuardWithIf);
    loops.thread = LoopLevel(func, thread);
    return loops;
  }
  Var rows = vars[1];
  int64_t rowCount = extents[1];
  for (int dim = 2; dim < rank; ++dim) {
    Var fused(rows.name() + "_" + vars[dim].name());
    func.fuse(rows, vars[dim], fused);
    rows = fused;
    rowCount *= extents[dim];
  }
  Var blockY("block_y"), threadY("thread_y");
  func.gpu_tile(vars[0], rows, block, blockY, thread, threadY,
                static_cast<int>(std::min<int64_t>(tileX, extents[0])),
                static_cast<int>(std::min<int64_t>(tileY, rowCount)),
                TailStrategy::GuardWithIf);
  loops.thread = LoopLevel(func, thread);
  return loops;
}

int dividingLanes(int64_t extent, int vectorWidth) {
  for (int lanes = vectorWidth; lanes >= std::max(2, vectorWidth / 2); --lanes)
    if (extent % lanes == 0)
      return lanes;
  return 0;
}

void vectorizeRowReduction(Func reduction, const RVar &r, int64_t extent,
                           int vectorWidth, const LoopLevel &at) {
  reduction.compute_at(at);
  int lanes = dividingLanes(extent, vectorWidth);
  if (lanes == 0 || extent < 2 * lanes)
    return;
  RVar outer("r_outer"), inner("r_lanes");
  Var lane("lane");
  Func partial =
      reduction.update().split(r, outer, inner, lanes).rfactor(inner, lane);
  partial.compute_at(at).vectorize(lane);
  partial.update().vectorize(lane);
}

namespace {

/// Tiles one stage (pure or update) of a compute_root GPU Func.
void gpuTileStage(Stage stage, std::vector<Var> vars,
                  const std::vector<int64_t> &extents, int64_t tileX, int64_t tileY) {
  int rank = static_cast<int>(vars.size());
  if (rank == 0) {
    stage.gpu_single_thread();
    return;
  }
  Var block("block"), thread("thread");
  if (rank == 1) {
    stage.gpu_tile(vars[0], block, thread,
                   static_cast<int>(std::min<int64_t>(tileX * tileY, extents[0])),
                   TailStrategy::GuardWithIf);
    return;
  }
  Var rows = vars[1];
  int64_t rowCount = extents[1];
  for (int dim = 2; dim < rank; ++dim) {
    Var fused(rows.name() + "_" + vars[dim].name());
    stage.fuse(rows, vars[dim], fused);
    rows = fused;
    rowCount *= extents[dim];
  }
  Var blockY("block_y"), threadY("thread_y");
  stage.gpu_tile(vars[0], rows, block, blockY, thread, threadY,
                 static_cast<int>(std::min<int64_t>(tileX, extents[0])),
                 static_cast<int>(std::min<int64_t>(tileY, rowCount)),
                 TailStrategy::GuardWithIf);
}

} // namespace

void scheduleReductionCuda(Func func, const std::vector<int64_t> &extents,
                           int64_t tileX, int64_t tileY) {
  func.compute_root();
  std::vector<Var> vars = func.args();
  gpuTileStage(func, vars, extents, tileX, tileY);
  for (int stage = 0; stage < func.num_update_definitions(); ++stage)
    gpuTileStage(func.update(stage), vars, extents, tileX, tileY);
}

} // namespace loom::schedules
