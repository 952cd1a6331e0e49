// CPU schedules of the sparse ops: the active-site list, sparse_conv2d and the
// other compact stages (gathers, sparse norms, elementwise ops over sites).
//
// Every compact stage loops over active sites only (the RDom predicate
// `i < count` bounds its loop), in parallel blocks, vectorized over channels
// (compact rows are channel-contiguous). sparse_conv2d accumulates a register
// tile of tile_sites sites × tile_channels vectors of output channels over
// (input channel, tap): per step it loads tile_channels weight vectors and
// broadcasts one input value per site, read from the neighbour's row.
#include "schedules/ScheduleUtil.h"
#include "schedules/SparseSchedules.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Sites per parallel task so that a task has at least `grain` elements.
int sitesPerTask(int64_t grain, int64_t channels, int64_t multiple) {
  int64_t sites = std::max<int64_t>(1, ceilDiv(grain, std::max<int64_t>(channels, 1)));
  return static_cast<int>(ceilDiv(sites, multiple) * multiple);
}

/// Vectorizes the channel loop of a compact stage with `lanes` lanes.
void vectorizeChannels(Stage stage, const Var &c, int64_t channels, int lanes) {
  // Update definitions cannot shift tails inwards: a partial vector is guarded.
  if (channels >= lanes && lanes > 1)
    stage.vectorize(c, lanes, TailStrategy::GuardWithIf);
  else if (channels > 1)
    stage.vectorize(c, static_cast<int>(channels));
}

/// The zero row: one vector store.
void scheduleZeroRow(Func compact, int64_t channels, int lanes) {
  vectorizeChannels(compact.update(1), compact.args()[0], channels, lanes);
}

} // namespace

void scheduleSparseSitesCpu(const SparseSiteFuncs &given, const ScheduleContext &context) {
  SparseSiteFuncs funcs = given;
  int lanes = context.target.natural_vector_size<float>();
  Var x = funcs.active.args()[0], r = funcs.active.args()[1];
  int64_t rowsPerTask = std::max<int64_t>(1, 8192 / std::max<int64_t>(funcs.width, 1));
  Var task("row_task"), inTask("row_in_task");
  funcs.active.compute_root().split(r, task, inTask, static_cast<int>(rowsPerTask),
                                    TailStrategy::GuardWithIf).parallel(task);
  if (funcs.width >= lanes)
    funcs.active.vectorize(x, lanes, TailStrategy::ShiftInwards);
  Var countRow = funcs.rowCount.args()[0];
  funcs.rowCount.compute_root();
  funcs.rowCount.update().split(countRow, task, inTask, static_cast<int>(rowsPerTask),
                                TailStrategy::GuardWithIf).parallel(task);
  funcs.rowStart.compute_root();
  funcs.count.compute_root();
  // Index rows are independent scans: parallel over rows, each row's prefix
  // computed right before it is used.
  Var ir = funcs.index.args()[1];
  funcs.index.compute_root().split(ir, task, inTask, static_cast<int>(rowsPerTask),
                                   TailStrategy::GuardWithIf).parallel(task);
  funcs.prefix.compute_at(funcs.index, inTask);
  // The scatter of the site list: one store per active pixel.
  funcs.sites.compute_root();
}

void scheduleSparseCompactCpu(const SparseCompactFuncs &given,
                              const ScheduleContext &context) {
  SparseCompactFuncs funcs = given;
  int lanes = vectorWidth(context);
  Func compact = funcs.compact;
  Var c = compact.args()[0];
  RVar site = funcs.sites.x;
  RVar task("site_task"), inTask("site_in_task");
  int perTask = sitesPerTask(context.knobs.get("parallel_grain"), funcs.channels, 1);
  compact.compute_root();
  Stage active = compact.update(0);
  if (funcs.gathersDense) {
    // A transpose: per block of sites, channel by channel, so that the reads
    // walk each channel plane along the (mostly consecutive) active pixels
    // and the block's compact rows stay in L1.
    active.split(site, task, inTask, 64, TailStrategy::GuardWithIf)
        .reorder(inTask, c, task)
        .parallel(task);
  } else {
    active.split(site, task, inTask, perTask, TailStrategy::GuardWithIf).parallel(task);
    vectorizeChannels(active, c, funcs.channels, lanes);
  }
  scheduleZeroRow(compact, funcs.channels, lanes);
  for (Func statistic : funcs.perSite)
    statistic.compute_at(LoopLevel(compact, inTask));
}

void scheduleSparseConv2DCpu(const SparseCompactFuncs &given,
                             const ScheduleContext &context) {
  SparseCompactFuncs funcs = given;
  int vector = vectorWidth(context);
  int64_t channels = funcs.channels;
  int lanes = static_cast<int>(std::min<int64_t>(vector, channels));
  int64_t vectors = ceilDiv(channels, lanes);
  int tileVectors = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("tile_channels"), 1, vectors));
  int tileChannels = static_cast<int>(std::min<int64_t>(tileVectors * lanes, channels));

  Func compact = funcs.compact;
  Var c = compact.args()[0];
  // sites = (site in block, block): see defineCompact. Distinct blocks write
  // distinct rows, which Halide cannot prove through block·tile + site.
  RVar inBlock = funcs.sites.x, block = funcs.sites.y;
  Var channelTile("c_tile"), inTile("c_in_tile");
  compact.compute_root();
  Stage active = compact.update(0);
  active.split(c, channelTile, inTile, tileChannels, TailStrategy::GuardWithIf)
      .reorder(inTile, inBlock, channelTile, block)
      .allow_race_conditions()
      .parallel(block);
  if (tileChannels >= lanes && lanes > 1)
    active.vectorize(inTile, lanes);
  scheduleZeroRow(compact, channels, vector);

  Func accumulate = funcs.accumulate;
  Var ac = accumulate.args()[0], ai = accumulate.args()[1];
  Var vectorsOf("c_vectors"), lane("c_lane");
  accumulate.compute_at(LoopLevel(compact, channelTile));
  // Guarded, not rounded up: a channel count that is not a multiple of the
  // vector must not read weights or bias past their ends.
  accumulate.split(ac, vectorsOf, lane, lanes, TailStrategy::GuardWithIf)
      .vectorize(lane)
      .unroll(vectorsOf)
      .unroll(ai);
  accumulate.update()
      .split(ac, vectorsOf, lane, lanes, TailStrategy::GuardWithIf)
      .reorder(lane, vectorsOf, ai, funcs.reduction.x, funcs.reduction.y)
      .vectorize(lane)
      .unroll(vectorsOf)
      .unroll(ai);

  funcs.weights.compute_root();
  Var wc = funcs.weights.args()[0];
  if (channels >= vector)
    funcs.weights.vectorize(wc, vector, TailStrategy::ShiftInwards);

  if (funcs.neighbours.defined()) {
    RVar neighbourSite = funcs.neighbourSites.y;
    RVar neighbourTask("neighbour_task"), neighbourInTask("neighbour_in_task");
    funcs.neighbours.compute_root();
    funcs.neighbours.update()
        .split(neighbourSite, neighbourTask, neighbourInTask, 256, TailStrategy::GuardWithIf)
        .parallel(neighbourTask);
  }
}

} // namespace loom::schedules
