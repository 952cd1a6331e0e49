// CPU schedule of loom.conv2d (and the convolution schedule conv1d shares).
//
// Direct convolution in the Halide apps/conv_layer style, for NCHW: a
// register tile of tile_width vectors along the output width times
// tile_channels output channels accumulates over (kx, ky, input channel);
// each step loads tile_width input vectors and broadcasts tile_channels
// weights. The tile's lane count is chosen so that the vectors cover the
// output width with the least waste (56 = 4 × 14 lanes with 16-lane
// vectors). Rows run in parallel; the zero-padded input is materialized
// first so the inner loop has no boundary checks.
#include "schedules/ScheduleUtil.h"
#include "schedules/cpu/Convolution.h"
#include "schedules/cpu/Depthwise.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

void scheduleConvolutionCpu(const ConvolutionFuncs &funcs,
                            const ScheduleContext &context) {
  Func stored = context.stored;
  std::vector<Var> vars = stored.args(); // x, [y,] c, n
  const std::vector<int64_t> &extents = context.extents;
  int spatial = funcs.spatialDims;
  Var x = vars[0], c = vars[spatial], n = vars[spatial + 1];
  int64_t width = extents[0], channels = extents[spatial];

  // Spread the width over as few equal tiles of whole vectors as possible.
  int vector = vectorWidth(context);
  int64_t vectors = ceilDiv(width, vector);
  int64_t tileVectors = std::clamp<int64_t>(context.knobs.get("tile_width"), 1, vectors);
  int64_t tiles = ceilDiv(vectors, tileVectors);
  tileVectors = ceilDiv(vectors, tiles);
  int64_t lanes = std::min<int64_t>(ceilDiv(width, tiles * tileVectors), vector);
  if (lanes * tileVectors > width)
    lanes = std::max<int64_t>(1, width / tileVectors);
  int tileWidth = static_cast<int>(lanes * tileVectors);
  int tileChannels = static_cast<int>(
      std::clamp<int64_t>(context.knobs.get("tile_channels"), 1, channels));

  Var xo("x_tile"), xi("x_inner"), co("c_tile"), ci("c_inner");
  stored.compute_root()
      .split(x, xo, xi, tileWidth, TailStrategy::ShiftInwards)
      .split(c, co, ci, tileChannels, TailStrategy::ShiftInwards)
      .vectorize(xi, static_cast<int>(lanes))
      .unroll(xi)
      .unroll(ci);
  if (spatial == 2) {
    // Parallel over output rows: every task reads a few input rows and all
    // the weights, which stay in L2.
    Var rows("rows");
    stored.reorder(xi, ci, xo, co, vars[1], n).fuse(vars[1], n, rows).parallel(rows);
  } else {
    Var tasks("tasks");
    stored.reorder(xi, ci, xo, co, n).fuse(co, n, tasks).parallel(tasks);
  }

  Func accumulate = funcs.accumulate;
  std::vector<Var> accVars = accumulate.args();
  Var ax = accVars[0], ac = accVars[spatial];
  accumulate.compute_at(stored, xo)
      .vectorize(ax, static_cast<int>(lanes))
      .unroll(ax)
      .unroll(ac);
  std::vector<VarOrRVar> order = {ax, ac};
  for (int dim = 0; dim < funcs.reduction.dimensions(); ++dim)
    order.push_back(funcs.reduction[dim]);
  for (int dim = 1; dim < static_cast<int>(accVars.size()); ++dim)
    if (dim != spatial)
      order.push_back(accVars[dim]);
  accumulate.update()
      .reorder(order)
      .vectorize(ax, static_cast<int>(lanes))
      .unroll(ax)
      .unroll(ac);

  if (funcs.paddedInput.defined())
    schedulePointwiseCpu(funcs.paddedInput, funcs.inputExtents, vector,
                         context.knobs.get("parallel_grain"), 0);
}

void scheduleConv2DCpu(const ConvolutionFuncs &funcs, const ScheduleContext &context) {
  // Depthwise (one input channel per output channel), stride 1, padded: the
  // large-kernel schedule, whose register tile spans rows instead of channels.
  // It accumulates whole vectors past the row's end, which reads past the
  // input unless a padded copy (that bounds inference grows) sits between.
  bool depthwise = funcs.groups == funcs.outChannels && funcs.inChannelsPerGroup == 1 &&
                   funcs.groups == funcs.inputExtents[2] && funcs.paddedInput.defined() &&
                   llvm::all_of(funcs.stride, [](int64_t s) { return s == 1; });
  if (depthwise && context.knobs.get("depthwise") != 0) {
    scheduleDepthwiseCpu({funcs.accumulate, funcs.paddedInput, funcs.reduction, {}},
                         context);
    return;
  }
  scheduleConvolutionCpu(funcs, context);
}

} // namespace loom::schedules
