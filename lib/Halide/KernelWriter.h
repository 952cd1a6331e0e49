// KernelWriter: writes the body of an MLIR GPU-dialect kernel as text, one SSA
// statement per helper call (shared by loomc's own CUDA kernels: ScanKernel.cpp,
// GemmKernel.cpp).
#ifndef LOOM_HALIDE_KERNELWRITER_H
#define LOOM_HALIDE_KERNELWRITER_H

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace loom {

inline constexpr double kLog2E = 1.4426950408889634;
inline constexpr double kLn2 = 0.6931471805599453;

/// Writes the kernel's SSA statements; every helper returns the new value.
class KernelWriter {
public:
  std::string body;

  std::string fresh() { return fmt::format("%v{}", ++counter); }
  void line(const std::string &text) { body += "      " + text + "\n"; }
  std::string index(int64_t value) {
    std::string v = fresh();
    line(fmt::format("{} = arith.constant {} : index", v, value));
    return v;
  }
  std::string i32(int64_t value) {
    std::string v = fresh();
    line(fmt::format("{} = arith.constant {} : i32", v, value));
    return v;
  }
  std::string f32(double value) {
    std::string v = fresh();
    line(fmt::format("{} = arith.constant {:.9e} : f32", v, value));
    return v;
  }
  std::string fop(const char *op, const std::string &a, const std::string &b) {
    std::string v = fresh();
    line(fmt::format("{} = arith.{} {}, {} fastmath<contract> : f32", v, op, a, b));
    return v;
  }
  std::string iop(const char *op, const std::string &a, const std::string &b) {
    std::string v = fresh();
    line(fmt::format("{} = arith.{} {}, {} : index", v, op, a, b));
    return v;
  }
  /// An NVVM intrinsic on f32 operands (ex2/lg2/div.approx: the special
  /// function unit, as Halide's CUDA schedules use them).
  std::string intrinsic(const char *name, const std::vector<std::string> &operands) {
    std::string v = fresh();
    std::vector<std::string> types(operands.size(), "f32");
    line(fmt::format("{} = llvm.call_intrinsic \"llvm.nvvm.{}\"({}) : ({}) -> f32", v, name,
                     fmt::join(operands, ", "), fmt::join(types, ", ")));
    return v;
  }
  std::string exp2(const std::string &x) { return intrinsic("ex2.approx.ftz.f", {x}); }
  std::string select(const std::string &cond, const std::string &a, const std::string &b) {
    std::string v = fresh();
    line(fmt::format("{} = arith.select {}, {}, {} : f32", v, cond, a, b));
    return v;
  }
  std::string cmpf(const char *predicate, const std::string &a, const std::string &b) {
    std::string v = fresh();
    line(fmt::format("{} = arith.cmpf {}, {}, {} : f32", v, predicate, a, b));
    return v;
  }
  std::string cmpi(const char *predicate, const std::string &a, const std::string &b) {
    std::string v = fresh();
    line(fmt::format("{} = arith.cmpi {}, {}, {} : index", v, predicate, a, b));
    return v;
  }
  std::string load(const std::string &memref, const std::string &indices,
                   const std::string &type) {
    std::string v = fresh();
    line(fmt::format("{} = memref.load {}[{}] : {}", v, memref, indices, type));
    return v;
  }
  std::vector<std::string> unpack(const std::string &vector) {
    std::vector<std::string> lanes;
    for (int lane = 0; lane < 4; ++lane) {
      std::string v = fresh();
      line(fmt::format("{} = vector.extract {}[{}] : f32 from vector<4xf32>", v, vector, lane));
      lanes.push_back(v);
    }
    return lanes;
  }
  /// gpu.shuffle up over the whole warp: (value, lane ≥ offset).
  std::pair<std::string, std::string> shuffleUp(const std::string &x, int offset) {
    std::string width = i32(32), by = i32(offset);
    std::string v = fresh(), valid = fresh();
    line(fmt::format("{}, {} = gpu.shuffle up {}, {}, {} : f32", v, valid, x, by, width));
    return {v, valid};
  }
  /// PyTorch's softplus (threshold 20) on the special-function unit, a
  /// series below e^x < 1/16 (as EmitSSM's fast GPU softplus).
  std::string softplus(const std::string &x) {
    std::string clamped = fresh();
    line(fmt::format("{} = arith.minimumf {}, {} : f32", clamped, x, f32(20.0)));
    std::string e = exp2(fop("mulf", clamped, f32(kLog2E)));
    std::string log = fop("mulf", intrinsic("lg2.approx.ftz.f", {fop("addf", f32(1.0), e)}),
                          f32(kLn2));
    std::string series = fop("mulf", e, f32(0.2));
    series = fop("mulf", e, fop("addf", series, f32(-0.25)));
    series = fop("mulf", e, fop("addf", series, f32(1.0 / 3)));
    series = fop("mulf", e, fop("addf", series, f32(-0.5)));
    series = fop("mulf", e, fop("addf", series, f32(1.0)));
    std::string small = cmpf("olt", e, f32(1.0 / 16));
    std::string large = cmpf("ogt", x, f32(20.0));
    return select(large, x, select(small, series, log));
  }

private:
  int counter = 0;
};

/// The MLIR module of one kernel `symbol` (its gpu.module and gpu.func of
/// the same name): `params` its arguments, `workgroup` its shared-memory
/// attributions, `threads` the block size (one dimension), `body` the
/// KernelWriter's statements.
inline std::string kernelModule(const std::string &symbol,
                                const std::vector<std::string> &params,
                                const std::vector<std::string> &workgroup, int threads,
                                const std::string &body) {
  return fmt::format("module attributes {{gpu.container_module}} {{\n"
                     "  gpu.module @{0} {{\n"
                     "    gpu.func @{0}({1}) workgroup({2}) kernel "
                     "attributes {{gpu.known_block_size = array<i32: {3}, 1, 1>}} {{\n"
                     "{4}"
                     "      gpu.return\n"
                     "    }}\n"
                     "  }}\n"
                     "}}\n",
                     symbol, fmt::join(params, ", "), fmt::join(workgroup, ", "), threads,
                     body);
}

} // namespace loom

#endif // LOOM_HALIDE_KERNELWRITER_H
