// CUDA schedules of the sparse ops. Everything runs on the device: the site
// list (every count, start and prefix computed in parallel, see EmitSparse),
// the neighbour map, and every compact stage as one kernel over blocks of
// sites × channels, zero row included. Nothing goes back to the host: the
// kernels are launched over every possible site and their blocks past the
// active count (read on the device) exit at once.
//
// sparse_conv2d is register-tiled: a block of tile_x × tile_y threads owns
// tile_x·reg_channels output channels × tile_y·reg_sites sites; each thread
// accumulates reg_channels × reg_sites outputs in registers over (input
// channel, tap), per step of reg_inputs input channels loading one vector of
// each site's input row (gathered through the neighbour map) and reg_inputs
// weight vectors. With shared_weights the block's weights are staged in
// shared memory first (when they fit).
#include "schedules/ScheduleUtil.h"
#include "schedules/SparseSchedules.h"

#include <algorithm>

using namespace Halide;
using Halide::Internal::as_const_int;

namespace loom::schedules {

namespace {

/// Static shared memory a kernel may use without opting in to more.
constexpr int64_t kSharedBytes = 48 * 1024;

int clampInt(int64_t value, int64_t low, int64_t high) {
  return static_cast<int>(std::clamp<int64_t>(value, low, std::max(low, high)));
}

} // namespace

void scheduleSparseSitesCuda(const SparseSiteFuncs &given, const ScheduleContext &) {
  SparseSiteFuncs funcs = given;
  int64_t rows = funcs.rows, width = funcs.width;
  // The mask test and the count stay inline (a compare; two loads): every
  // kernel launch costs a few microseconds of host time, more than either.
  // One thread per row count, per row start, per pixel: each sums alone.
  // A downsampled mask's test is a max over a block, an inline reduction
  // that Halide 14 cannot nest in the sums' loops: it gets its own kernel.
  if (funcs.activeReduces)
    schedulePointwiseCuda(funcs.active, {width, rows}, 32, 8);
  schedulePointwiseCuda(funcs.rowCount, {rows}, 32, 4);
  schedulePointwiseCuda(funcs.rowStart, {rows}, 32, 4);
  PointwiseGpuLoops index = schedulePointwiseCuda(funcs.index, {width, rows}, 32, 8);
  funcs.prefix.compute_at(index.thread);
  // The scatter: one thread per pixel, active ones store their position.
  // Distinct active pixels have distinct indices, which Halide cannot prove.
  std::vector<Internal::ReductionVariable> pixels = funcs.sites.update().get_schedule().rvars();
  RVar px(pixels[0].var), py(pixels[1].var);
  // Fused and split, not tiled: Halide may not reorder the RVars of an
  // update whose left-hand side is computed.
  RVar pixel("pixel"), pixelBlock("pixel_block"), pixelThread("pixel_thread");
  funcs.sites.compute_root();
  funcs.sites.update()
      .allow_race_conditions()
      .fuse(px, py, pixel)
      .split(pixel, pixelBlock, pixelThread, 256, TailStrategy::GuardWithIf)
      .gpu_blocks(pixelBlock)
      .gpu_threads(pixelThread);
}

void scheduleSparseCompactCuda(const SparseCompactFuncs &given,
                               const ScheduleContext &context) {
  SparseCompactFuncs funcs = given;
  Func compact = funcs.compact;
  Var c = compact.args()[0];
  int tileX = clampInt(context.knobs.get("tile_x"), 1, funcs.channels);
  int tileY = std::max<int>(1, static_cast<int>(context.knobs.get("tile_y")));
  Var channelBlock("c_block"), channelThread("c_thread");
  RVar siteBlock("site_block"), siteThread("site_thread");
  compact.compute_root();
  if (funcs.gathersDense) {
    // A transpose: consecutive threads take consecutive sites (mostly
    // consecutive pixels: coalesced reads of each channel plane); a block's
    // channels fill the sectors of its compact rows.
    compact.update(0).gpu_tile(funcs.sites.x, c, siteBlock, channelBlock, siteThread,
                               channelThread, 32, clampInt(funcs.channels, 1, 8),
                               TailStrategy::GuardWithIf);
  } else {
    compact.update(0).gpu_tile(c, funcs.sites.x, channelBlock, siteBlock, channelThread,
                               siteThread, tileX, tileY, TailStrategy::GuardWithIf);
  }
  for (Func statistic : funcs.perSite)
    statistic.compute_at(LoopLevel(compact, channelThread));
}

void scheduleSparseConv2DCuda(const SparseCompactFuncs &given,
                              const ScheduleContext &context) {
  SparseCompactFuncs funcs = given;
  const KnobValues &knobs = context.knobs;
  int64_t channels = funcs.channels;
  int regChannels = clampInt(knobs.get("reg_channels"), 1, channels);
  int threadsX = clampInt(knobs.get("tile_x"), 1, (channels + regChannels - 1) / regChannels);
  int regSites = std::max<int>(1, static_cast<int>(knobs.get("reg_sites")));
  int threadsY = std::max<int>(1, static_cast<int>(knobs.get("tile_y")));
  int blockChannels = threadsX * regChannels;

  // sites = (site in block, block) with tile_y · reg_sites sites per block
  // (defineCompact); distinct blocks write distinct rows, which Halide cannot
  // prove through block·tile + site.
  Func compact = funcs.compact;
  Var c = compact.args()[0];
  RVar inBlock = funcs.sites.x, block = funcs.sites.y;
  Var channelBlock("c_block"), inChannelBlock("c_in_block"), channelThread("c_thread"),
      channelReg("c_reg");
  RVar siteThread("site_thread"), siteReg("site_reg");
  compact.compute_root();
  Stage store = compact.update(0);
  store.split(c, channelBlock, inChannelBlock, blockChannels, TailStrategy::GuardWithIf)
      .split(inChannelBlock, channelThread, channelReg, regChannels, TailStrategy::GuardWithIf)
      .split(inBlock, siteThread, siteReg, regSites, TailStrategy::GuardWithIf)
      .reorder(channelReg, siteReg, channelThread, siteThread, block, channelBlock)
      .allow_race_conditions()
      .gpu_blocks(block, channelBlock)
      .gpu_threads(channelThread, siteThread)
      .unroll(siteReg)
      .unroll(channelReg);

  // The register tile: reg_channels × reg_sites accumulators per thread, the
  // channels one vector (one weight load), the sites unrolled; the reduction
  // (input channel inner, tap outer: a site's neighbour row changes per tap).
  Func accumulate = funcs.accumulate;
  Var ac = accumulate.args()[0], ai = accumulate.args()[1];
  accumulate.compute_at(LoopLevel(compact, channelThread))
      .bound_extent(ac, regChannels)
      .bound_extent(ai, regSites)
      .vectorize(ac)
      .unroll(ai);
  RVar inputChannel = funcs.reduction.x, tap = funcs.reduction.y;
  const int64_t *inChannelsConst = as_const_int(funcs.reduction.x.extent());
  const int64_t *tapsConst = as_const_int(funcs.reduction.y.extent());
  int64_t inChannels = inChannelsConst ? *inChannelsConst : 1;
  int64_t taps = tapsConst ? *tapsConst : 1;
  bool shared = knobs.get("shared_weights") != 0 &&
                blockChannels * inChannels * taps * 4 <= kSharedBytes;
  // The widest power-of-two step ≤ reg_inputs that divides the input
  // channels (a vector may not run past a row).
  int lanes = clampInt(knobs.get("reg_inputs"), 1, inChannels);
  while (lanes > 1 && inChannels % lanes != 0)
    lanes /= 2;
  if (lanes > 1) {
    // Per step of `lanes` input channels: one vector load of each site's
    // input row (gathered) and lanes vector loads of weights, for
    // lanes · reg_channels · reg_sites FMAs (the mat_mul pattern).
    RVar channelOuter("ci_outer"), channelInner("ci_inner");
    accumulate.update()
        .split(inputChannel, channelOuter, channelInner, lanes)
        .reorder(ac, ai, channelInner, channelOuter, tap)
        .vectorize(ac)
        .unroll(ai)
        .unroll(channelInner);
    std::vector<Var> gatheredVars = funcs.gathered.args(); // (ci, tap, i)
    funcs.gathered.compute_at(accumulate, channelOuter)
        .bound_extent(gatheredVars[0], lanes)
        .vectorize(gatheredVars[0])
        .unroll(gatheredVars[2]);
    if (!shared) {
      Func weightVectors = funcs.weights.in(accumulate);
      std::vector<Var> vars = weightVectors.args(); // (co, ci, tap)
      weightVectors.compute_at(accumulate, channelOuter).vectorize(vars[0]).unroll(vars[1]);
    }
  } else {
    accumulate.update()
        .reorder(ac, ai, inputChannel, tap)
        .vectorize(ac)
        .unroll(ai)
        .unroll(inputChannel, 4, TailStrategy::GuardWithIf);
  }

  // The re-laid weights: once per run, a kernel.
  // The re-laid weights: once per run, one kernel over all of them.
  schedulePointwiseCuda(funcs.weights, {channels, inChannels, taps}, 32, 8);
  // Shared staging of the block's weights: block channels × input channels ×
  // taps, loaded cooperatively by the block's threads before the tile loop.
  if (shared) {
    Func staged = funcs.weights.in(accumulate);
    std::vector<Var> vars = staged.args(); // (co, ci, tap)
    Var outer("w_outer"), inner("w_inner"), inputOuter("w_ci_outer"), inputInner("w_ci_inner");
    staged.compute_at(LoopLevel(compact, block))
        .store_in(MemoryType::GPUShared)
        .split(vars[0], outer, inner, threadsX, TailStrategy::GuardWithIf)
        .split(vars[1], inputOuter, inputInner, threadsY, TailStrategy::GuardWithIf)
        .reorder(inner, inputInner, outer, inputOuter, vars[2])
        .gpu_threads(inner, inputInner);
  }

  if (funcs.neighbours.defined()) {
    // One thread per output site, its taps in a row.
    RVar neighbourTap = funcs.neighbourSites.x, neighbourSite = funcs.neighbourSites.y;
    RVar neighbourBlock("neighbour_block"), neighbourThread("neighbour_thread");
    funcs.neighbours.compute_root();
    funcs.neighbours.update()
        .reorder(neighbourTap, neighbourSite)
        .gpu_tile(neighbourSite, neighbourBlock, neighbourThread, 128,
                  TailStrategy::GuardWithIf);
  }
}

} // namespace loom::schedules
