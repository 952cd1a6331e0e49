// CPU schedule of depthwise convolutions with kernels from 3 to 63 taps.
//
// A depthwise output plane depends on one input plane and one k×k kernel,
// so the work splits into independent (sample, channel, row block) tasks
// that run in parallel. Each task zero-pads just the input rows it reads
// (a (W+k-1)×(rows+k-1) slab that stays in L1/L2) and walks register tiles
// of depthwise_tile_rows output rows × depthwise_tile_vectors vectors along
// the width: for every tap (kx, ky) the tile does rows×vectors FMAs with one
// broadcast weight and unaligned loads of the slab. The accumulators live in
// registers for the whole k² loop, so the inner loop is FMA-bound for large
// k (one load per FMA, which AVX-512 cores sustain from L1).
#include "schedules/cpu/Depthwise.h"

#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

void scheduleDepthwiseCpu(const DepthwiseFuncs &funcs, const ScheduleContext &context) {
  Func stored = context.stored;
  std::vector<Var> vars = stored.args(); // x, y, c, n
  const std::vector<int64_t> &extents = context.extents;
  Var x = vars[0], y = vars[1], c = vars[2], n = vars[3];
  int64_t width = extents[0], height = extents[1];

  // Full vectors only: a 14-lane vector costs three loads and two shuffles
  // on AVX-512, so a row tile whose width is not a multiple of the vector
  // accumulates a few lanes past it (reading the padded slab, which bounds
  // inference grows to match) and stores just the valid ones.
  int lanes = static_cast<int>(std::min<int64_t>(vectorWidth(context), width));
  int64_t tileVectors = std::clamp<int64_t>(context.knobs.get("depthwise_tile_vectors"), 1,
                                            ceilDiv(width, lanes));
  int tileWidth = static_cast<int>(std::min<int64_t>(tileVectors * lanes, width));
  int accumulatedWidth = static_cast<int>(ceilDiv(tileWidth, lanes) * lanes);
  int tileRows = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("depthwise_tile_rows"), 1, height));
  // Rows per parallel task, in whole register tiles; 0: the whole plane.
  int64_t taskRowsKnob = context.knobs.get("depthwise_task_rows");
  int64_t tileCount = ceilDiv(height, tileRows);
  int64_t tilesPerTask =
      taskRowsKnob <= 0 ? tileCount
                        : std::clamp<int64_t>(ceilDiv(taskRowsKnob, tileRows), 1, tileCount);

  Var xo("x_tile"), xi("x_inner"), yo("y_tile"), yi("y_inner"), yt("y_task"),
      task("task");
  stored.compute_root()
      .split(x, xo, xi, tileWidth, TailStrategy::ShiftInwards)
      .split(y, yo, yi, tileRows, TailStrategy::ShiftInwards)
      .split(yo, yt, yo, static_cast<int>(tilesPerTask), TailStrategy::GuardWithIf)
      .reorder(xi, yi, xo, yo, yt, c, n)
      .fuse(yt, c, task)
      .fuse(task, n, task)
      .parallel(task)
      .vectorize(xi, lanes, TailStrategy::ShiftInwards)
      .unroll(yi);

  Func accumulate = funcs.accumulate;
  std::vector<Var> accVars = accumulate.args();
  Var ax = accVars[0], ay = accVars[1];
  accumulate.compute_at(stored, xo)
      .bound_extent(ax, accumulatedWidth)
      .vectorize(ax, lanes)
      .unroll(ax)
      .unroll(ay);
  // Kernels up to depthwise_unroll_ky taps tall unroll the ky loop inside
  // the kx loop: the tile's rows then read the same input rows at different
  // ky, and the unrolled body loads each input row once.
  RVar kx = funcs.reduction[0], ky = funcs.reduction[1];
  bool unrollKy = funcs.reduction[1].extent().defined() &&
                  context.knobs.get("depthwise_unroll_ky") > 0;
  std::vector<VarOrRVar> order = {ax, ay};
  if (unrollKy) {
    const int64_t *taps = Internal::as_const_int(ky.extent());
    unrollKy = taps && *taps <= context.knobs.get("depthwise_unroll_ky");
  }
  if (unrollKy)
    order.insert(order.end(), {ky, kx});
  else
    order.insert(order.end(), {kx, ky});
  for (int dim = 2; dim < funcs.reduction.dimensions(); ++dim)
    order.push_back(funcs.reduction[dim]);
  for (size_t dim = 2; dim < accVars.size(); ++dim)
    order.push_back(accVars[dim]);
  Stage update = accumulate.update();
  update.reorder(order).vectorize(ax, lanes).unroll(ax).unroll(ay);
  if (unrollKy)
    update.unroll(ky);

  // The padded slab of a task, and anything else computed once per task.
  if (funcs.paddedInput.defined()) {
    Func padded = funcs.paddedInput;
    Var px = padded.args()[0];
    padded.compute_at(stored, task).vectorize(
        px, std::min<int>(vectorWidth(context), static_cast<int>(width)),
        TailStrategy::RoundUp);
  }
  for (Func func : funcs.perTask)
    Func(func).compute_at(stored, task);
}

} // namespace loom::schedules
