// CUDA schedules of the sparse ops. The site list stays on the host (its
// scans are sequential and read one value per pixel); every compact stage is
// a kernel over blocks of active sites × channels (threads: tile_x channels ×
// tile_y sites), launched over the active sites only; sparse_conv2d
// accumulates one output per thread in a register.
#include "schedules/ScheduleUtil.h"
#include "schedules/SparseSchedules.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

struct GpuLoops {
  Var channelThread;
};

GpuLoops tileCompact(const SparseCompactFuncs &funcs, const ScheduleContext &context) {
  Func compact = funcs.compact;
  Var c = compact.args()[0];
  int tileX = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("tile_x"), 1, funcs.channels));
  int tileY = static_cast<int>(std::max<int64_t>(1, context.knobs.get("tile_y")));
  Var channelBlock("c_block"), channelThread("c_thread");
  RVar siteBlock("site_block"), siteThread("site_thread");
  compact.compute_root();
  compact.update(0).gpu_tile(c, funcs.sites.x, channelBlock, siteBlock, channelThread,
                             siteThread, tileX, tileY, TailStrategy::GuardWithIf);
  Var zeroBlock("zero_block"), zeroThread("zero_thread");
  compact.update(1).gpu_tile(c, zeroBlock, zeroThread, tileX, TailStrategy::GuardWithIf);
  return {channelThread};
}

} // namespace

void scheduleSparseSitesCuda(const SparseSiteFuncs &given, const ScheduleContext &) {
  SparseSiteFuncs funcs = given;
  for (Func func : {funcs.active, funcs.rowCount, funcs.rowStart, funcs.count, funcs.index,
                    funcs.sites})
    func.compute_root();
  funcs.prefix.compute_at(funcs.index, funcs.index.args()[1]);
}

void scheduleSparseCompactCuda(const SparseCompactFuncs &given,
                               const ScheduleContext &context) {
  SparseCompactFuncs funcs = given;
  GpuLoops loops = tileCompact(funcs, context);
  for (Func statistic : funcs.perSite)
    statistic.compute_at(LoopLevel(funcs.compact, loops.channelThread));
}

void scheduleSparseConv2DCuda(const SparseCompactFuncs &given,
                              const ScheduleContext &context) {
  SparseCompactFuncs funcs = given;
  GpuLoops loops = tileCompact(funcs, context);
  funcs.accumulate.compute_at(LoopLevel(funcs.compact, loops.channelThread));
  funcs.accumulate.update().unroll(funcs.reduction.x, 4, TailStrategy::GuardWithIf);
  funcs.weights.compute_root();
  std::vector<Var> vars = funcs.weights.args();
  Var block("w_block"), thread("w_thread");
  funcs.weights.gpu_tile(vars[0], block, thread, 32, TailStrategy::GuardWithIf);
  // The neighbour map is built on the host with the site list it reads.
  if (funcs.neighbours.defined())
    funcs.neighbours.compute_root();
}

} // namespace loom::schedules
