// The register-tiled SGEMM of loom.linear as MLIR GPU-dialect text (see
// GemmKernel.h; the Python prototype is experiments/gemm-kernel/gen_gemm.py).
#include "lib/Halide/GemmKernel.h"
#include "lib/Halide/KernelWriter.h"

#include <fmt/format.h>

#include <array>
#include <vector>

namespace loom {

bool chooseGemmKernelTiling(GemmKernelShape &shape, int64_t tile) {
  if (shape.inFeatures % 4 != 0 || shape.outFeatures % 4 != 0 || shape.rows < 1)
    return false;
  auto set = [&](int blockRows, int blockCols, int slab, int threadRows, int threadCols) {
    shape.blockRows = blockRows;
    shape.blockCols = blockCols;
    shape.slab = slab;
    shape.threadRows = threadRows;
    shape.threadCols = threadCols;
  };
  // Measured on the H100 (experiments/gemm-kernel): 64 × 128 with 8 × 8 per
  // thread (128 threads, 4 blocks per SM) is the best or within 6% of it at
  // every shape with N > 128; for N ≤ 128, 64 × 64 with 4 × 4 per thread
  // (more blocks of 256 threads) is.
  if (tile == static_cast<int64_t>(GemmTile::Auto))
    tile = static_cast<int64_t>(shape.outFeatures <= 128 ? GemmTile::Block64x64
                                                         : GemmTile::Block64x128);
  if (tile == static_cast<int64_t>(GemmTile::Block128x128))
    set(128, 128, 8, 8, 8);
  else if (tile == static_cast<int64_t>(GemmTile::Block64x64))
    set(64, 64, 16, 4, 4);
  else
    set(64, 128, 8, 8, 8);
  shape.pad = 4;
  return true;
}

namespace {

/// The kernel's text: the helpers name the static types and the thread's
/// fixed indices; emit() writes the body.
class GemmWriter {
public:
  GemmWriter(const GemmKernelShape &shape)
      : s(shape), M(shape.rows), N(shape.outFeatures), K(shape.inFeatures),
        BM(shape.blockRows), BN(shape.blockCols), BK(shape.slab), RM(shape.threadRows),
        RN(shape.threadCols), T(shape.threads()), KQ(shape.slab / 4),
        slabs((shape.inFeatures + shape.slab - 1) / shape.slab) {
    xType = fmt::format("memref<{}x{}xvector<4xf32>>", M, K / 4);
    wType = fmt::format("memref<{}x{}xvector<4xf32>>", N, K / 4);
    biasType = fmt::format("memref<{}xvector<4xf32>>", N / 4);
    yType = fmt::format("memref<{}x{}xvector<4xf32>>", M, N / 4);
    for (int operand = 0; operand < 2; ++operand) {
      int64_t width = (operand ? BN : BM) + s.pad;
      staged[operand].raw = fmt::format("memref<{}xi8, {}>", 2 * BK * width * 4, kWorkgroup);
      staged[operand].scalars = fmt::format("memref<2x{}x{}xf32, {}>", BK, width, kWorkgroup);
      staged[operand].vectors =
          fmt::format("memref<2x{}x{}xvector<4xf32>, {}>", BK, width / 4, kWorkgroup);
    }
  }

  std::string module(llvm::StringRef symbol);

private:
  static constexpr const char *kWorkgroup = "#gpu.address_space<workgroup>";
  struct Staged {
    std::string raw, scalars, vectors; // types
    std::string scalarView, vectorView; // values
    /// Per global float4 this thread loads: its row in the slab, its
    /// float4 along K, and its row in the matrix (clamped).
    std::vector<std::array<std::string, 3>> slots;
  };

  std::string load(const std::string &memref, const std::string &indices,
                   const std::string &type) {
    return w.load(memref, indices, type);
  }
  void store(const std::string &value, const std::string &memref, const std::string &indices,
             const std::string &type) {
    w.line(fmt::format("memref.store {}, {}[{}] : {}", value, memref, indices, type));
  }
  std::string view(const std::string &raw, const std::string &rawType, const std::string &type) {
    std::string v = w.fresh();
    w.line(fmt::format("{} = memref.view {}[{}][] : {} to {}", v, raw, c0, rawType, type));
    return v;
  }
  std::vector<std::array<std::string, 3>> slots(int64_t blockExtent, const std::string &base,
                                                int64_t extent);
  std::vector<std::string> loadSlab(const std::string &slabIndex);
  void storeSlab(const std::vector<std::string> &values, const std::string &buffer);
  std::vector<std::string> multiply(std::vector<std::string> acc, const std::string &buffer);

  const GemmKernelShape &s;
  const int64_t M, N, K;
  const int BM, BN, BK, RM, RN, T, KQ;
  const int64_t slabs;
  std::string xType, wType, biasType, yType;
  Staged staged[2]; // the input's and the weight's slabs
  KernelWriter w;
  std::string c0, tx, ty, thread, zero4;
};

std::vector<std::array<std::string, 3>>
GemmWriter::slots(int64_t blockExtent, const std::string &base, int64_t extent) {
  std::vector<std::array<std::string, 3>> result;
  for (int64_t j = 0; j < blockExtent * KQ / T; ++j) {
    std::string flat = w.iop("addi", thread, w.index(j * T));
    std::string row = w.iop("divui", flat, w.index(KQ));
    std::string quad = w.iop("remui", flat, w.index(KQ));
    // Rows past the matrix read its last row: their outputs are not stored.
    std::string clamped = w.iop("minui", w.iop("addi", base, row), w.index(extent - 1));
    result.push_back({row, quad, clamped});
  }
  return result;
}

std::vector<std::string> GemmWriter::loadSlab(const std::string &slabIndex) {
  std::vector<std::string> values;
  for (int operand = 0; operand < 2; ++operand) {
    const std::string &memref = operand ? "%w" : "%x";
    const std::string &type = operand ? wType : xType;
    for (const auto &[row, quad, matrixRow] : staged[operand].slots) {
      std::string k = w.iop("addi", w.iop("muli", slabIndex, w.index(KQ)), quad);
      if (K % BK == 0) {
        values.push_back(load(memref, matrixRow + ", " + k, type));
        continue;
      }
      // The last slab runs past K: zeros there.
      std::string inside = w.cmpi("ult", k, w.index(K / 4));
      std::string raw =
          load(memref, matrixRow + ", " + w.iop("minui", k, w.index(K / 4 - 1)), type);
      std::string v = w.fresh();
      w.line(fmt::format("{} = arith.select {}, {}, {} : vector<4xf32>", v, inside, raw, zero4));
      values.push_back(v);
    }
  }
  return values;
}

void GemmWriter::storeSlab(const std::vector<std::string> &values, const std::string &buffer) {
  size_t next = 0;
  for (int operand = 0; operand < 2; ++operand) {
    const Staged &slab = staged[operand];
    for (const auto &[row, quad, matrixRow] : slab.slots) {
      std::vector<std::string> lanes = w.unpack(values[next++]);
      // Transposed: the float4 along K becomes four rows of the slab.
      for (int lane = 0; lane < 4; ++lane) {
        std::string k = w.iop("addi", w.iop("muli", quad, w.index(4)), w.index(lane));
        store(lanes[lane], slab.scalarView, buffer + ", " + k + ", " + row, slab.scalars);
      }
    }
  }
}

std::vector<std::string> GemmWriter::multiply(std::vector<std::string> acc,
                                              const std::string &buffer) {
  for (int kk = 0; kk < BK; ++kk) {
    std::string k = w.index(kk);
    std::vector<std::string> a, b;
    // This thread's rows/columns: sub-tiles of 4 at sub · block/(thread/4) + t·4.
    for (int sub = 0; sub < RM / 4; ++sub) {
      std::string at = w.iop("addi", w.index(sub * BM / RM), ty);
      for (const std::string &lane : w.unpack(load(staged[0].vectorView,
                                                   buffer + ", " + k + ", " + at,
                                                   staged[0].vectors)))
        a.push_back(lane);
    }
    for (int sub = 0; sub < RN / 4; ++sub) {
      std::string at = w.iop("addi", w.index(sub * BN / RN), tx);
      for (const std::string &lane : w.unpack(load(staged[1].vectorView,
                                                   buffer + ", " + k + ", " + at,
                                                   staged[1].vectors)))
        b.push_back(lane);
    }
    for (int r = 0; r < RM; ++r)
      for (int c = 0; c < RN; ++c)
        acc[r * RN + c] = w.fop("addf", w.fop("mulf", a[r], b[c]), acc[r * RN + c]);
  }
  return acc;
}

std::string GemmWriter::module(llvm::StringRef symbol) {
  std::string blockCol = w.fresh(), blockRow = w.fresh();
  thread = w.fresh();
  w.line(blockCol + " = gpu.block_id x");
  w.line(blockRow + " = gpu.block_id y");
  w.line(thread + " = gpu.thread_id x");
  c0 = w.index(0);
  std::string c1 = w.index(1), c2 = w.index(2);
  std::string m0 = w.iop("muli", blockRow, w.index(BM));
  std::string n0 = w.iop("muli", blockCol, w.index(BN));
  tx = w.iop("remui", thread, w.index(BN / RN));
  ty = w.iop("divui", thread, w.index(BN / RN));
  const char *raws[2] = {"%raw_x", "%raw_w"};
  for (int operand = 0; operand < 2; ++operand) {
    staged[operand].scalarView = view(raws[operand], staged[operand].raw, staged[operand].scalars);
    staged[operand].vectorView = view(raws[operand], staged[operand].raw, staged[operand].vectors);
  }
  zero4 = w.fresh();
  w.line(zero4 + " = arith.constant dense<0.0> : vector<4xf32>");
  staged[0].slots = slots(BM, m0, M);
  staged[1].slots = slots(BN, n0, N);

  // Slab 0 into buffer 0; then per slab: the next slab's global loads, this
  // slab's FMAs, the next slab into the other buffer, one barrier. Every
  // slab's product runs inside the loop: with the last one peeled off, LLVM
  // sank its FMAs into the guarded stores of a ragged tile and kept all its
  // shared loads live (188 registers instead of 128). The last iteration
  // reloads the last slab into the idle buffer, unused.
  storeSlab(loadSlab(c0), c0);
  w.line("gpu.barrier");
  const int outputs = RM * RN;
  std::string zero = w.f32(0.0);
  std::vector<std::string> inits, types(outputs, "f32"), acc;
  for (int i = 0; i < outputs; ++i) {
    inits.push_back(fmt::format("%acc{} = {}", i, zero));
    acc.push_back(fmt::format("%acc{}", i));
  }
  w.line(fmt::format("%sum:{} = scf.for %s = {} to {} step {} iter_args({}) -> ({}) {{",
                     outputs, c0, w.index(slabs), c1, fmt::join(inits, ", "),
                     fmt::join(types, ", ")));
  std::vector<std::string> next =
      loadSlab(w.iop("minui", w.iop("addi", "%s", c1), w.index(slabs - 1)));
  std::string buffer = w.iop("remui", "%s", c2);
  acc = multiply(acc, buffer);
  storeSlab(next, w.iop("subi", c1, buffer));
  w.line("gpu.barrier");
  w.line(fmt::format("scf.yield {} : {}", fmt::join(acc, ", "), fmt::join(types, ", ")));
  w.line("}");

  // Epilogue: the bias, float4 stores of the rows and columns inside y.
  std::vector<std::string> quads, bias;
  for (int sub = 0; sub < RN / 4; ++sub) {
    std::string n = w.iop("addi", n0, w.iop("muli", w.iop("addi", w.index(sub * BN / RN), tx),
                                            w.index(4)));
    quads.push_back(w.iop("divui", n, w.index(4)));
    if (s.hasBias)
      bias.push_back(load("%bias", w.iop("minui", quads.back(), w.index(N / 4 - 1)), biasType));
  }
  for (int r = 0; r < RM; ++r) {
    int sub = r / 4, i = r % 4;
    std::string m = w.iop("addi", m0, w.iop("addi", w.index(sub * BM / (RM / 4) + i),
                                            w.iop("muli", ty, w.index(4))));
    if (M % BM != 0)
      w.line(fmt::format("scf.if {} {{", w.cmpi("ult", m, w.index(M))));
    for (int group = 0; group < RN / 4; ++group) {
      std::string vector = w.fresh();
      std::vector<std::string> lanes;
      for (int lane = 0; lane < 4; ++lane)
        lanes.push_back(fmt::format("%sum#{}", r * RN + group * 4 + lane));
      w.line(fmt::format("{} = vector.from_elements {} : vector<4xf32>", vector,
                         fmt::join(lanes, ", ")));
      if (s.hasBias) {
        std::string sum = w.fresh();
        w.line(fmt::format("{} = arith.addf {}, {} : vector<4xf32>", sum, vector, bias[group]));
        vector = sum;
      }
      if (N % BN != 0)
        w.line(fmt::format("scf.if {} {{", w.cmpi("ult", quads[group], w.index(N / 4))));
      store(vector, "%y", m + ", " + quads[group], yType);
      if (N % BN != 0)
        w.line("}");
    }
    if (M % BM != 0)
      w.line("}");
  }

  std::vector<std::string> params = {"%x: " + xType, "%w: " + wType};
  if (s.hasBias)
    params.push_back("%bias: " + biasType);
  params.push_back("%y: " + yType);
  return kernelModule(symbol.str(), params,
                      {"%raw_x : " + staged[0].raw + " {llvm.align = 16 : i64}",
                       "%raw_w : " + staged[1].raw + " {llvm.align = 16 : i64}"},
                      T, w.body);
}

} // namespace

std::string gemmKernelMLIR(const GemmKernelShape &shape, llvm::StringRef symbol) {
  return GemmWriter(shape).module(symbol);
}

} // namespace loom
