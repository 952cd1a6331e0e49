// The fuzz targets: each feeds one input to a reader of user data and keeps
// going past every diagnostic; only a crash or a sanitizer report fails.
#include "fuzz/FuzzTargets.h"

#include "dialect/LoomDialect.h"
#include "lib/Halide/Emitter.h"
#include "lib/Parse/Parser.h"
#include "lib/Runtime/Npy.h"
#include "lib/Runtime/Safetensors.h"
#include "lib/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>
#include <string>

using namespace mlir;

namespace {

/// One context for every input: creating a context per input would dominate
/// the fuzzer's time. Diagnostics are swallowed; the targets look for crashes.
MLIRContext &fuzzContext() {
  static MLIRContext *context = [] {
    auto *created = new MLIRContext(MLIRContext::Threading::DISABLED);
    created->loadDialect<loom::LoomDialect>();
    created->getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
    return created;
  }();
  return *context;
}

/// The rest of what loomc does with a module that verifies: the pass
/// pipeline, then building the Halide pipeline (not compiling it: that is
/// Halide's own code and takes seconds).
void compileModule(ModuleOp module) {
  PassManager passes(module->getName());
  loom::buildLoomPipeline(passes, "cpu", {});
  if (failed(passes.run(module)))
    return;
  for (auto model : module.getOps<loom::ModelOp>()) {
    try {
      (void)loom::lowerModelToHalide(model, Halide::Target("x86-64-linux-avx2"));
    } catch (const Halide::Error &) {
      // A Halide user error is a diagnostic too; it must not be an abort.
    }
  }
}

std::string bytesToString(const uint8_t *data, size_t size) {
  return std::string(reinterpret_cast<const char *>(data), size);
}

} // namespace

int loom::fuzz::loomParser(const uint8_t *data, size_t size) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(bytesToString(data, size), "fuzz.loom"), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseLoomSource(sourceMgr, &fuzzContext());
  if (module)
    compileModule(*module);
  return 0;
}

int loom::fuzz::dialectParser(const uint8_t *data, size_t size) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(bytesToString(data, size), &fuzzContext());
  if (module && succeeded(verify(*module)))
    compileModule(*module);
  return 0;
}

int loom::fuzz::safetensorsReader(const uint8_t *data, size_t size) {
  try {
    auto file = runtime::SafetensorsFile::fromMemory(data, size, "fuzz.safetensors");
    // Touch every tensor's bytes: the reader promised they lie inside the image.
    volatile uint8_t sink = 0;
    for (const auto &tensor : file->tensors())
      if (tensor.byteSize() > 0)
        sink = sink ^ tensor.data[0] ^ tensor.data[tensor.byteSize() - 1];
    for (const auto &tensor : file->tensors()) {
      loom_tensor_desc expected{tensor.name.c_str(), LOOM_F32,
                                static_cast<int>(tensor.shape.size()), tensor.shape.data()};
      (void)runtime::parameterProblem(*file, expected);
    }
  } catch (const runtime::Error &) {
  }
  return 0;
}

int loom::fuzz::npyReader(const uint8_t *data, size_t size) {
  try {
    runtime::NpyArray array = runtime::parseNpy(data, size, "fuzz.npy");
    // Round trip: what the reader accepted, the writer must be able to write.
    std::vector<uint8_t> image = runtime::serializeNpy(array.dtype, array.shape, array.bytes.data());
    runtime::NpyArray again = runtime::parseNpy(image.data(), image.size(), "fuzz-again.npy");
    if (again.bytes != array.bytes || again.shape != array.shape)
      __builtin_trap();
  } catch (const runtime::Error &) {
  }
  return 0;
}

namespace {
const loom::fuzz::NamedTarget targets[] = {
    {"loom-parser", loom::fuzz::loomParser},
    {"dialect-parser", loom::fuzz::dialectParser},
    {"safetensors", loom::fuzz::safetensorsReader},
    {"npy", loom::fuzz::npyReader},
};
} // namespace

const loom::fuzz::NamedTarget *loom::fuzz::targetsBegin() { return std::begin(targets); }
const loom::fuzz::NamedTarget *loom::fuzz::targetsEnd() { return std::end(targets); }
