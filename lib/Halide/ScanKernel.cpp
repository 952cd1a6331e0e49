// The block-scan kernel of loom.selective_scan as MLIR text, and MLIR's NVVM
// path from GPU-dialect text to PTX (see ScanKernel.h).
#include "lib/Halide/ScanKernel.h"
#include "lib/Halide/KernelWriter.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <mutex>

namespace loom {

bool chooseScanKernelTiling(ScanKernelShape &shape) {
  // (threads, items): 128 × 8 measured best on the H100 at L = 1024 and 4096
  // (experiments/scan-kernel); shorter chunks for the lengths it misses.
  static const int tilings[][2] = {{128, 8}, {64, 8}, {32, 8}, {32, 4}};
  for (const auto &tiling : tilings) {
    if (shape.length % (tiling[0] * tiling[1]) == 0) {
      shape.threads = tiling[0];
      shape.items = tiling[1];
      return true;
    }
  }
  return false;
}

std::string selectiveScanKernelMLIR(const ScanKernelShape &shape, llvm::StringRef symbol) {
  const int64_t B = shape.batch, D = shape.channels, L = shape.length, N = shape.states;
  const int T = shape.threads, K = shape.items, warps = T / 32;
  const int64_t chunkSteps = int64_t(T) * K, chunks = L / chunkSteps;
  std::string rows = fmt::format("memref<{}x{}x{}xvector<4xf32>>", B, D, L / 4);
  std::string bc = fmt::format("memref<{}x{}x{}xvector<4xf32>>", B, N, L / 4);
  std::string aType = fmt::format("memref<{}x{}xf32>", D, N);
  std::string vec = fmt::format("memref<{}xf32>", D);
  std::string totals = fmt::format("memref<2x2x{}xf32, #gpu.address_space<workgroup>>", warps);
  std::string carries = fmt::format("memref<2x{}xf32, #gpu.address_space<workgroup>>", N);

  std::vector<std::string> params = {"%u: " + rows, "%dt: " + rows, "%a: " + aType,
                                     "%bm: " + bc, "%cm: " + bc};
  if (shape.hasD)
    params.push_back("%dskip: " + vec);
  if (shape.hasZ)
    params.push_back("%z: " + rows);
  if (shape.hasBias)
    params.push_back("%bias: " + vec);
  params.push_back("%y: " + rows);

  KernelWriter w;
  std::string d = w.fresh(), b = w.fresh(), t = w.fresh();
  w.line(d + " = gpu.block_id x");
  w.line(b + " = gpu.block_id y");
  w.line(t + " = gpu.thread_id x");
  std::string zero = w.f32(0.0), one = w.f32(1.0), log2e = w.f32(kLog2E);
  std::string c0 = w.index(0), c1 = w.index(1), c2 = w.index(2);
  std::string lane = w.iop("remui", t, w.index(32)), warp = w.iop("divui", t, w.index(32));
  // The carried states of chunk 0: zero (states t, t + T, ...: N may
  // exceed the block's threads).
  w.line(fmt::format("scf.for %state = {} to {} step {} {{", t, w.index(N), w.index(T)));
  w.line(fmt::format("  memref.store {}, %carry[{}, %state] : {}", zero, c0, carries));
  w.line("}");
  w.line("gpu.barrier");
  std::string bias = shape.hasBias ? w.load("%bias", d, vec) : zero;
  std::string skip = shape.hasD ? w.load("%dskip", d, vec) : zero;
  std::string laneZero = w.cmpi("eq", lane, c0);
  std::string lastLane = w.cmpi("eq", lane, w.index(31));
  std::string lastThread = w.cmpi("eq", t, w.index(T - 1));

  w.line(fmt::format("scf.for %chunk = {} to {} step {} {{", c0, w.index(chunks), c1));
  std::string parity = w.iop("remui", "%chunk", c2), next = w.iop("subi", c1, parity);
  // This thread's first step, in vectors of 4.
  std::string start = w.iop("addi", w.iop("muli", "%chunk", w.index(chunkSteps / 4)),
                            w.iop("muli", t, w.index(K / 4)));
  auto loadSteps = [&](const std::string &memref, const std::string &row,
                       const std::string &type) {
    std::vector<std::string> values;
    for (int k = 0; k < K / 4; ++k) {
      std::string at = w.iop("addi", start, w.index(k));
      for (const std::string &value : w.unpack(w.load(memref, b + ", " + row + ", " + at, type)))
        values.push_back(value);
    }
    return values;
  };
  std::vector<std::string> us = loadSteps("%u", d, rows), dts = loadSteps("%dt", d, rows);
  std::vector<std::string> deltas, inputs;
  for (int i = 0; i < K; ++i) {
    std::string x = shape.hasBias ? w.fop("addf", dts[i], bias) : dts[i];
    deltas.push_back(shape.deltaSoftplus ? w.softplus(x) : x);
    inputs.push_back(w.fop("mulf", deltas[i], us[i]));
  }

  // B, C and A of state n are loaded one state ahead (iter_args).
  auto loadState = [&](const std::string &n) {
    std::vector<std::string> values = {w.load("%a", d + ", " + n, aType)};
    for (const char *memref : {"%bm", "%cm"})
      for (int k = 0; k < K / 4; ++k)
        values.push_back(w.load(memref, b + ", " + n + ", " + w.iop("addi", start, w.index(k)),
                                bc));
    return values;
  };
  std::vector<std::string> prefetched = loadState(c0);
  std::vector<std::string> inits, types;
  for (int i = 0; i < K; ++i) {
    inits.push_back(fmt::format("%y{} = {}", i, zero));
    types.push_back("f32");
  }
  for (size_t i = 0; i < prefetched.size(); ++i) {
    inits.push_back(fmt::format("%p{} = {}", i, prefetched[i]));
    types.push_back(i == 0 ? "f32" : "vector<4xf32>");
  }
  std::string readouts = "%readout";
  w.line(fmt::format("{}:{} = scf.for %n = {} to {} step {} iter_args({}) -> ({}) {{", readouts,
                     inits.size(), c0, w.index(N), c1, fmt::join(inits, ", "),
                     fmt::join(types, ", ")));
  std::string nextState = w.iop("minui", w.iop("addi", "%n", c1), w.index(N - 1));
  std::vector<std::string> ahead = loadState(nextState);
  // A·log2 e (decays are powers of 2).
  std::string a = shape.aIsLog
                      ? w.fop("mulf", w.exp2(w.fop("mulf", "%p0", log2e)), w.f32(-kLog2E))
                      : w.fop("mulf", "%p0", log2e);
  std::vector<std::string> bs, cs;
  for (int k = 0; k < K / 4; ++k)
    for (const std::string &value : w.unpack(fmt::format("%p{}", 1 + k)))
      bs.push_back(value);
  for (int k = 0; k < K / 4; ++k)
    for (const std::string &value : w.unpack(fmt::format("%p{}", 1 + K / 4 + k)))
      cs.push_back(value);
  // The thread's steps: decays, inputs, and their composition (P, H):
  // h_out = P·h_in + H.
  std::vector<std::string> decays, drives;
  std::string P, H;
  for (int i = 0; i < K; ++i) {
    decays.push_back(w.exp2(w.fop("mulf", deltas[i], a)));
    drives.push_back(w.fop("mulf", inputs[i], bs[i]));
    H = i ? w.fop("addf", w.fop("mulf", decays[i], H), drives[i]) : drives[i];
    P = i ? w.fop("mulf", P, decays[i]) : decays[i];
  }
  // Inclusive warp scan: (P₁, H₁) then (P₂, H₂) = (P₁·P₂, P₂·H₁ + H₂).
  for (int offset = 1; offset < 32; offset *= 2) {
    auto [earlierP, valid] = w.shuffleUp(P, offset);
    auto [earlierH, unused] = w.shuffleUp(H, offset);
    (void)unused;
    H = w.select(valid, w.fop("addf", w.fop("mulf", P, earlierH), H), H);
    P = w.select(valid, w.fop("mulf", P, earlierP), P);
  }
  std::string exclusiveP = w.select(laneZero, one, w.shuffleUp(P, 1).first);
  std::string exclusiveH = w.select(laneZero, zero, w.shuffleUp(H, 1).first);
  // Totals alternate between two slots, one barrier per state; counted over
  // (chunk, state), so that an odd N does not reuse the last state's slot for
  // the next chunk's first state before every warp has read it.
  std::string slot =
      w.iop("remui", w.iop("addi", w.iop("muli", "%chunk", w.index(N)), "%n"), c2);
  w.line(fmt::format("scf.if {} {{", lastLane));
  w.line(fmt::format("  memref.store {}, %totals[{}, {}, {}] : {}", P, slot, c0, warp, totals));
  w.line(fmt::format("  memref.store {}, %totals[{}, {}, {}] : {}", H, slot, c1, warp, totals));
  w.line("}");
  w.line("gpu.barrier");
  // The state entering this warp: the carried state through the earlier
  // warps' totals (double-buffered by state parity: one barrier per state).
  std::string h = w.load("%carry", parity + ", %n", carries);
  for (int other = 0; other + 1 < warps; ++other) {
    std::string otherIndex = w.index(other);
    std::string totalP = w.load("%totals", slot + ", " + c0 + ", " + otherIndex, totals);
    std::string totalH = w.load("%totals", slot + ", " + c1 + ", " + otherIndex, totals);
    std::string earlier = w.cmpi("ult", otherIndex, warp);
    h = w.select(earlier, w.fop("addf", w.fop("mulf", totalP, h), totalH), h);
  }
  h = w.fop("addf", w.fop("mulf", exclusiveP, h), exclusiveH);
  std::vector<std::string> yields;
  for (int i = 0; i < K; ++i) {
    h = w.fop("addf", w.fop("mulf", decays[i], h), drives[i]);
    yields.push_back(w.fop("addf", fmt::format("%y{}", i), w.fop("mulf", cs[i], h)));
  }
  // The last thread's final state is the next chunk's carried state.
  w.line(fmt::format("scf.if {} {{", lastThread));
  w.line(fmt::format("  memref.store {}, %carry[{}, %n] : {}", h, next, carries));
  w.line("}");
  for (const std::string &value : ahead)
    yields.push_back(value);
  w.line(fmt::format("scf.yield {} : {}", fmt::join(yields, ", "), fmt::join(types, ", ")));
  w.line("}");

  std::vector<std::string> zs = shape.hasZ ? loadSteps("%z", d, rows) : std::vector<std::string>{};
  std::vector<std::string> outs;
  for (int i = 0; i < K; ++i) {
    std::string y = fmt::format("{}#{}", readouts, i);
    if (shape.hasD)
      y = w.fop("addf", y, w.fop("mulf", skip, us[i]));
    if (shape.hasZ) {
      std::string gate = w.intrinsic(
          "div.approx.ftz.f",
          {zs[i], w.fop("addf", one, w.exp2(w.fop("mulf", zs[i], w.f32(-kLog2E))))});
      y = w.fop("mulf", y, gate);
    }
    outs.push_back(y);
  }
  for (int k = 0; k < K / 4; ++k) {
    std::string packed = w.fresh();
    w.line(fmt::format("{} = vector.from_elements {}, {}, {}, {} : vector<4xf32>", packed,
                       outs[4 * k], outs[4 * k + 1], outs[4 * k + 2], outs[4 * k + 3]));
    w.line(fmt::format("memref.store {}, %y[{}, {}, {}] : {}", packed, b, d,
                       w.iop("addi", start, w.index(k)), rows));
  }
  w.line("}");

  return kernelModule(symbol.str(), params, {"%totals : " + totals, "%carry : " + carries}, T,
                      w.body);
}

mlir::FailureOr<std::string> compileKernelToPTX(llvm::StringRef moduleText,
                                                llvm::StringRef chip, std::string &error) {
  static std::once_flag targets;
  std::call_once(targets, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
  mlir::DialectRegistry registry;
  registry.insert<mlir::arith::ArithDialect, mlir::cf::ControlFlowDialect,
                  mlir::func::FuncDialect, mlir::gpu::GPUDialect, mlir::LLVM::LLVMDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::NVVM::NVVMDialect, mlir::scf::SCFDialect,
                  mlir::vector::VectorDialect>();
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerGPUDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
  mlir::NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string diagnostics;
  llvm::raw_string_ostream diagnosticStream(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diagnostic) {
    diagnosticStream << diagnostic << "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(moduleText, &context);
  if (!module) {
    error = "the generated kernel does not parse: " + diagnostics;
    return mlir::failure();
  }
  // The NVVM target of every gpu.module (what gpu-module-to-binary compiles for).
  module->walk([&](mlir::gpu::GPUModuleOp gpuModule) {
    gpuModule.setTargetsAttr(mlir::ArrayAttr::get(
        &context, {mlir::NVVM::NVVMTargetAttr::get(&context, /*optLevel=*/3,
                                                    "nvptx64-nvidia-cuda", chip)}));
  });
  mlir::PassManager passes(&context);
  mlir::OpPassManager &kernels = passes.nest<mlir::gpu::GPUModuleOp>();
  kernels.addPass(mlir::createConvertSCFToCFPass());
  mlir::ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = true; // kernel parameters are plain pointers
  kernels.addPass(mlir::createConvertGpuOpsToNVVMOps(nvvm));
  kernels.addPass(mlir::createCanonicalizerPass());
  kernels.addPass(mlir::createCSEPass());
  kernels.addPass(mlir::createReconcileUnrealizedCastsPass());
  mlir::GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa"; // PTX text: no CUDA toolkit needed
  passes.addPass(mlir::createGpuModuleToBinaryPass(binary));
  if (mlir::failed(passes.run(*module))) {
    error = "MLIR could not lower the generated kernel to PTX: " + diagnostics;
    return mlir::failure();
  }
  std::string ptx;
  module->walk([&](mlir::gpu::BinaryOp binaryOp) {
    for (mlir::Attribute object : binaryOp.getObjectsAttr())
      if (auto gpuObject = mlir::dyn_cast<mlir::gpu::ObjectAttr>(object))
        ptx = gpuObject.getObject().getValue().str();
  });
  if (ptx.empty()) {
    error = "MLIR's NVVM target produced no PTX";
    return mlir::failure();
  }
  // The object is a C string (NUL-terminated).
  while (!ptx.empty() && ptx.back() == '\0')
    ptx.pop_back();
  return ptx;
}

} // namespace loom
