// The shared-memory-staged, register-tiled CUDA matrix product (see Gemm.h).
#include "schedules/cuda/Gemm.h"

#include "schedules/ScheduleUtil.h"

#include <algorithm>

using namespace Halide;

namespace loom::schedules {

namespace {

constexpr int64_t sharedBytesLimit = 48 * 1024; // static shared memory per block

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Halves the register tile, else the threads, along one side; false at 1 × 1.
bool shrink(int &reg, int &threads) {
  if (reg > 1) {
    reg /= 2;
    return true;
  }
  if (threads > 1) {
    threads /= 2;
    return true;
  }
  return false;
}

/// Bytes of shared memory a block uses: the accumulator tile and the two
/// padded slabs.
int64_t sharedBytes(const GemmTile &tile) {
  return 4 * (int64_t(tile.tileCols()) * tile.tileRows() +
              int64_t(tile.slab) * (tile.tileCols() + tile.tileRows() + 2 * tile.pad));
}

/// Stages one operand's slab (`slab` reduction elements × `extent` rows or
/// columns) in shared memory at `slabLevel`: reduction elements outermost in
/// storage and the rows (columns) padded by `pad` elements, so that the
/// transposing stores and the threads' loads hit distinct banks. Returns the
/// slab's dimensions fused into one loop, for the loads to spread.
Var stageSlab(Func func, LoopLevel slabLevel, int slab, int extent, int pad) {
  std::vector<Var> args = func.args();
  std::vector<Var> storage = args;
  std::swap(storage[0], storage[1]);
  func.compute_at(slabLevel).store_in(MemoryType::GPUShared).reorder_storage(storage);
  func.align_storage(args[1], extent + pad);
  // Whole slabs, also the last one of a run-time reduction extent (the
  // caller makes sure its operands exist there; its guard skips them): a
  // constant extent to unroll the loads over.
  func.bound_extent(args[0], slab).bound_extent(args[1], extent);
  for (size_t dim = 2; dim < args.size(); ++dim)
    func.bound_extent(args[dim], 1);
  Var fused = args[0];
  for (size_t dim = 1; dim < args.size(); ++dim) {
    Var next("staged_fused_" + std::to_string(dim));
    func.fuse(fused, args[dim], next);
    fused = next;
  }
  return fused;
}

} // namespace

GemmTile gemmTileFromKnobs(const KnobValues &knobs) {
  auto positive = [&](const char *name) {
    return static_cast<int>(std::max<int64_t>(1, knobs.get(name)));
  };
  GemmTile tile;
  tile.regCols = positive("gemm_reg_cols");
  tile.regRows = positive("gemm_reg_rows");
  tile.threadsCols = positive("gemm_threads_x");
  tile.threadsRows = positive("gemm_threads_y");
  tile.slab = positive("gemm_slab");
  tile.pad = positive("gemm_pad");
  return tile;
}

GemmTile fitGemmTile(GemmTile tile, int64_t cols, int64_t rows, int64_t batches,
                     bool colsDivide, int64_t minBlocks, int64_t slabDivides) {
  while (tile.tileCols() > cols || (colsDivide && cols % tile.tileCols() != 0))
    if (!shrink(tile.regCols, tile.threadsCols))
      break;
  while (tile.tileRows() > rows)
    if (!shrink(tile.regRows, tile.threadsRows))
      break;
  // A small product needs its blocks (an SM each) more than register reuse.
  auto blocks = [&] {
    return ceilDiv(cols, tile.tileCols()) * ceilDiv(rows, tile.tileRows()) * batches;
  };
  while (blocks() < minBlocks && (tile.regRows > 1 || tile.regCols > 1)) {
    if (tile.regRows >= tile.regCols)
      tile.regRows /= 2;
    else
      tile.regCols /= 2;
  }
  tile.slab = static_cast<int>(std::min<int64_t>(tile.slab, slabDivides));
  while (tile.slab > 1 && (slabDivides % tile.slab != 0 || sharedBytes(tile) > sharedBytesLimit))
    --tile.slab;
  // An accumulator tile too big for shared memory on its own (e.g. 8 × 8
  // registers × 16 × 16 threads: 64 KiB) would fail at launch: halve it.
  while (sharedBytes(tile) > sharedBytesLimit && (tile.regRows > 1 || tile.regCols > 1)) {
    if (tile.regRows >= tile.regCols)
      tile.regRows /= 2;
    else
      tile.regCols /= 2;
  }
  return tile;
}

void scheduleStagedGemmCuda(const StagedGemm &gemm) {
  const GemmTile &tile = gemm.tile;
  Func stored = gemm.stored;
  std::vector<Var> vars = stored.args();

  // The epilogue (the stored Func): blocks of tileCols × tileRows outputs,
  // each thread regCols × regRows consecutive ones.
  Var colBlock("feature_block"), colInner("col_inner"), tx("tx"), colReg("col_reg");
  Var rowBlock("row_block"), rowInner("row_inner"), ty("ty"), rowReg("row_reg");
  stored.compute_root()
      .split(vars[0], colBlock, colInner, tile.tileCols(), gemm.colTail)
      .split(colInner, tx, colReg, tile.regCols)
      .split(vars[1], rowBlock, rowInner, tile.tileRows(), TailStrategy::ShiftInwards)
      .split(rowInner, ty, rowReg, tile.regRows);
  std::vector<VarOrRVar> order = {colReg, rowReg, tx, ty};
  bool hasBatch = vars.size() > 2;
  Var batch;
  if (hasBatch) {
    batch = fuseOuterDims(stored, vars, 2);
    order.push_back(batch);
  }
  order.push_back(rowBlock);
  order.push_back(colBlock);
  stored.reorder(order).unroll(colReg).unroll(rowReg).gpu_threads(tx, ty);
  // The innermost block loop is blockIdx.x (no 65535 limit).
  if (hasBatch)
    stored.gpu_blocks(batch, rowBlock, colBlock);
  else
    stored.gpu_blocks(rowBlock, colBlock);
  Var block = hasBatch ? batch : rowBlock;

  // The reduction by slab: `partial` sums one slab per thread in registers,
  // the accumulator (one tile per block, shared memory) adds the slabs.
  Func accumulate = gemm.accumulate;
  std::vector<Var> accVars = accumulate.args();
  RVar slab("slab"), slabInner("slab_inner");
  Var slabVar("slab_index");
  Stage update = accumulate.update();
  update.split(gemm.k, slab, slabInner, tile.slab,
               gemm.guardSlab ? TailStrategy::GuardWithIf : TailStrategy::Auto);
  Func partial = update.rfactor(slab, slabVar);

  Var accTx("acc_tx"), accColReg("acc_col_reg"), accTy("acc_ty"), accRowReg("acc_row_reg");
  accumulate.compute_at(stored, block).store_in(MemoryType::GPUShared);
  for (int stage = 0; stage < 2; ++stage) {
    Stage s = stage == 0 ? Stage(accumulate) : accumulate.update();
    s.split(accVars[0], accTx, accColReg, tile.regCols, TailStrategy::GuardWithIf)
        .split(accVars[1], accTy, accRowReg, tile.regRows, TailStrategy::GuardWithIf);
    std::vector<VarOrRVar> accOrder = {accColReg, accRowReg, accTx, accTy};
    for (size_t dim = 2; dim < accVars.size(); ++dim)
      accOrder.push_back(accVars[dim]);
    if (stage == 1)
      accOrder.push_back(slab); // slabs outermost: the staging sits outside the threads
    s.reorder(accOrder).unroll(accColReg).unroll(accRowReg).gpu_threads(accTx, accTy);
  }

  std::vector<Var> partialVars = partial.args();
  partial.compute_at(LoopLevel(accumulate, accTx)).store_in(MemoryType::Register);
  partial.unroll(partialVars[0]).unroll(partialVars[1]);
  Stage partialUpdate = partial.update();
  partialUpdate.reorder(partialVars[0], partialVars[1], slabInner)
      .unroll(partialVars[0])
      .unroll(partialVars[1]);
  if (gemm.unrollSlab > 1) {
    RVar unrollOuter("slab_unroll_outer"), unrollInner("slab_unroll_inner");
    partialUpdate
        .split(slabInner, unrollOuter, unrollInner, gemm.unrollSlab, TailStrategy::GuardWithIf)
        .unroll(unrollInner);
  }

  // The slabs in shared memory (stageSlab), loaded by all the block's threads
  // (one barrier for the whole slab).
  LoopLevel slabLevel(accumulate, slab);
  Func lhs = gemm.lhs, rhs = gemm.rhs;
  Func staged[] = {lhs.in(partial), rhs.in(partial)};
  int extents[] = {tile.tileRows(), tile.tileCols()};
  for (int operand = 0; operand < 2; ++operand) {
    Func func = staged[operand];
    spreadOverThreads(func, stageSlab(func, slabLevel, tile.slab, extents[operand], tile.pad),
                      tile.threadsCols, tile.threadsRows);
  }
}

std::optional<WarpTile> fitWarpTile(const KnobValues &knobs, int64_t cols, int64_t rows,
                                    int64_t batches, int64_t slabDivides) {
  auto positive = [&](const char *name) {
    return static_cast<int>(std::max<int64_t>(1, knobs.get(name)));
  };
  WarpTile tile;
  tile.regCols = positive("gemm_warp_cols");
  tile.regRows = positive("gemm_warp_rows");
  tile.slab = positive("gemm_warp_slab");
  tile.pad = positive("gemm_pad_warp");
  tile.padRhs = positive("gemm_pad_warp_rhs");
  tile.colsInner = knobs.get("gemm_warp_raster") == 2;
  if (cols < WarpTile::lanes)
    return std::nullopt;
  while (tile.tileCols() > cols && tile.regCols > 1)
    tile.regCols /= 2;
  while (tile.tileRows() > rows && tile.regRows > 1)
    tile.regRows /= 2;
  int64_t blocks = ceilDiv(cols, tile.tileCols()) * ceilDiv(rows, tile.tileRows()) * batches;
  if (blocks < knobs.get("gemm_warp_min_blocks"))
    return std::nullopt;
  tile.slab = static_cast<int>(std::min<int64_t>(tile.slab, slabDivides));
  while (tile.slab > 1 && slabDivides % tile.slab != 0)
    --tile.slab;
  return tile;
}

void scheduleWarpGemmCuda(const StagedGemm &gemm, const WarpTile &tile, int unrollSlab) {
  Func stored = gemm.stored;
  std::vector<Var> vars = stored.args();

  // The epilogue: blocks of tileCols × tileRows outputs, lane l the columns
  // l·regCols ... + regCols − 1 of every row of the block.
  Var colBlock("feature_block"), colInner("col_inner"), lane("lane"), colReg("col_reg");
  Var rowBlock("row_block"), rowReg("row_reg");
  stored.compute_root()
      .split(vars[0], colBlock, colInner, tile.tileCols(), gemm.colTail)
      .split(colInner, lane, colReg, tile.regCols)
      .split(vars[1], rowBlock, rowReg, tile.tileRows(), TailStrategy::ShiftInwards);
  std::vector<VarOrRVar> order = {colReg, rowReg, lane};
  bool hasBatch = vars.size() > 2;
  Var batch;
  if (hasBatch) {
    batch = fuseOuterDims(stored, vars, 2);
    order.push_back(batch);
  }
  Var inner = tile.colsInner ? colBlock : rowBlock, outer = tile.colsInner ? rowBlock : colBlock;
  order.push_back(inner);
  order.push_back(outer);
  stored.reorder(order).unroll(colReg).unroll(rowReg).gpu_lanes(lane);
  if (hasBatch)
    stored.gpu_blocks(batch, inner, outer);
  else
    stored.gpu_blocks(inner, outer);
  Var block = hasBatch ? batch : inner;

  // The accumulator: the block's tile, striped over the lanes (registers).
  Func accumulate = gemm.accumulate;
  std::vector<Var> accVars = accumulate.args();
  accumulate.compute_at(stored, block).store_in(MemoryType::Register);
  RVar slab("slab"), slabInner("slab_inner");
  Var accLane("acc_lane"), accColReg("acc_col_reg");
  for (int stage = 0; stage < 2; ++stage) {
    Stage s = stage == 0 ? Stage(accumulate) : accumulate.update();
    s.split(accVars[0], accLane, accColReg, tile.regCols, TailStrategy::GuardWithIf);
    std::vector<VarOrRVar> accOrder = {accColReg, accVars[1]};
    if (stage == 1) {
      s.split(gemm.k, slab, slabInner, tile.slab,
              gemm.guardSlab ? TailStrategy::GuardWithIf : TailStrategy::Auto);
      accOrder.push_back(slabInner);
    }
    accOrder.push_back(accLane);
    for (size_t dim = 2; dim < accVars.size(); ++dim)
      accOrder.push_back(accVars[dim]);
    if (stage == 1)
      accOrder.push_back(slab); // slabs outermost: the staging sits outside the lanes
    s.reorder(accOrder).unroll(accColReg).unroll(accVars[1]).gpu_lanes(accLane);
    if (stage == 1 && unrollSlab > 1) {
      RVar unrollOuter("slab_unroll_outer"), unrollInner("slab_unroll_inner");
      s.split(slabInner, unrollOuter, unrollInner, unrollSlab, TailStrategy::GuardWithIf)
          .unroll(unrollInner);
    }
  }

  // The slabs in shared memory (stageSlab, rows padded), loaded by the 32
  // lanes: consecutive lanes read consecutive reduction elements (coalesced).
  LoopLevel slabLevel(accumulate, slab);
  Func lhs = gemm.lhs, rhs = gemm.rhs;
  Func staged[] = {lhs.in(accumulate), rhs.in(accumulate)};
  int extents[] = {tile.tileRows(), tile.tileCols()};
  for (int operand = 0; operand < 2; ++operand) {
    Func func = staged[operand];
    Var fused = stageSlab(func, slabLevel, tile.slab, extents[operand],
                          operand == 0 ? tile.pad : tile.padRhs);
    Var outer("load_outer"), loadLane("load_lane");
    func.split(fused, outer, loadLane, WarpTile::lanes, TailStrategy::GuardWithIf)
        .reorder(loadLane, outer)
        .gpu_lanes(loadLane)
        .unroll(outer);
  }
}

} // namespace loom::schedules
