// The loomc driver: parse, run the pass pipeline, lower through Halide, and
// write the requested artifact.
#include "lib/Driver/Driver.h"

#include "lib/Driver/Artifacts.h"
#include "lib/Driver/Graph.h"
#include "lib/Driver/KnobFile.h"
#include "lib/Driver/Progress.h"
#include "lib/Driver/RuntimeCache.h"
#include "lib/Halide/Emitter.h"
#include "lib/Halide/Segments.h"
#include "lib/Parse/Catalogue.h"
#include "lib/Parse/Parser.h"
#include "lib/Runtime/Safetensors.h"
#include "lib/Transforms/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <Halide.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#ifndef LOOM_RUNTIME_LIBRARY
#error "LOOM_RUNTIME_LIBRARY must name libloomrt.a"
#endif

using namespace mlir;

namespace loom {
namespace {

/// A sanitizer build of Loom (LOOM_SANITIZE) has an instrumented libloomrt:
/// the glue and every artifact linked with it need the same flags.
void appendSanitizerFlags(std::vector<std::string> &arguments) {
#ifdef LOOM_SANITIZER_FLAGS
  llvm::SmallVector<StringRef> flags;
  StringRef(LOOM_SANITIZER_FLAGS).split(flags, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef flag : flags)
    arguments.push_back(flag.str());
#else
  (void)arguments;
#endif
}

/// The progress display of the compilation under way (null when none):
/// every message to stderr first erases its status line.
Progress *activeProgress = nullptr;

void clearProgress() {
  if (activeProgress)
    activeProgress->clear();
}

/// Errors of the driver itself (not tied to a location in the spec).
int fail(const std::string &message) {
  clearProgress();
  llvm::errs() << "loomc: error: " << message << "\n";
  return 1;
}

struct ResolvedTarget {
  Halide::Target halide;
  ScheduleTarget schedule = ScheduleTarget::Cpu;
  std::string scheduleName = "cpu";
  bool linkableHere = true; // can be linked into an executable on this machine
};

std::optional<ResolvedTarget> resolveTarget(const std::string &name) {
  ResolvedTarget target;
  // The CUDA host part uses AVX2 only, so GPU artifacts built here also run
  // on GPU machines whose CPUs lack AVX-512.
  static const char *avx2 = "x86-64-linux-sse41-avx-f16c-fma-avx2";
  if (name == "host") {
    // Halide 14 reports AVX512_SapphireRapids on AMD Zen 4, which lacks
    // AVX-VNNI: code using it dies with SIGILL there. Nothing Loom emits
    // needs it, so the host target never claims it.
    target.halide = Halide::get_host_target().without_feature(
        Halide::Target::AVX512_SapphireRapids);
  } else if (name == "x86-64-avx2") {
    target.halide = Halide::Target(avx2);
  } else if (name == "x86-64-avx512") {
    target.halide = Halide::Target(std::string(avx2) + "-avx512-avx512_skylake");
  } else if (name == "arm64") {
    target.halide = Halide::Target("arm-64-linux");
    target.linkableHere = false;
  } else if (name == "cuda") {
    target.halide = Halide::Target(std::string(avx2) + "-cuda-cuda_capability_86");
    target.schedule = ScheduleTarget::Cuda;
    target.scheduleName = "cuda";
  } else {
    return std::nullopt;
  }
  return target;
}

/// A scratch directory removed when the compilation ends (kept when
/// LOOM_KEEP_TEMPS is set, to debug the generated glue).
struct ScratchDirectory {
  llvm::SmallString<128> path;
  ~ScratchDirectory() {
    if (!path.empty() && !getenv("LOOM_KEEP_TEMPS"))
      llvm::sys::fs::remove_directories(path);
  }
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> result(path);
    llvm::sys::path::append(result, name);
    return std::string(result);
  }
};

bool writeText(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

/// Moves a finished artifact into place; the rename is atomic, so an
/// interrupted loomc never leaves a half-written output.
int publish(const std::string &from, const std::string &to) {
  if (to == "-") {
    clearProgress(); // stdout and stderr may share the terminal line
    std::ifstream in(from, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    llvm::outs() << buffer.str();
    return 0;
  }
  llvm::SmallString<128> temporary(to);
  temporary += ".loomc-tmp";
  if (std::error_code error = llvm::sys::fs::copy_file(from, temporary))
    return fail(fmt::format("cannot write '{}': {}", to, error.message()));
  if (std::error_code error = llvm::sys::fs::rename(temporary, to)) {
    llvm::sys::fs::remove(temporary);
    return fail(fmt::format("cannot write '{}': {}", to, error.message()));
  }
  return 0;
}

/// Copies what a tool wrote to `path` to our stderr, after erasing the
/// progress line (so the tool's messages start on a line of their own).
void forwardToolOutput(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (buffer && (*buffer)->getBufferSize() > 0) {
    clearProgress();
    llvm::errs() << (*buffer)->getBuffer();
  }
}

/// Runs a tool (the C++ compiler, ar); its output goes to our stderr.
int runTool(const std::string &program, const std::vector<std::string> &arguments,
            std::optional<llvm::StringRef> stdinPath = std::nullopt) {
  auto path = llvm::sys::findProgramByName(program);
  if (!path)
    return fail(fmt::format("cannot find '{}' on PATH (set LOOM_CXX to a C++ compiler)",
                            program));
  std::vector<llvm::StringRef> argv = {*path};
  for (const std::string &argument : arguments)
    argv.push_back(argument);
  // The tool's stdout and stderr go through a file, so that a progress line
  // is erased before they are shown.
  llvm::SmallString<128> outputPath;
  bool captured = !llvm::sys::fs::createTemporaryFile("loomc-tool", "txt", outputPath);
  auto removeOutput = llvm::make_scope_exit([&] {
    if (captured)
      llvm::sys::fs::remove(outputPath);
  });
  std::optional<llvm::StringRef> redirects[] = {
      stdinPath, captured ? std::optional<llvm::StringRef>(outputPath) : std::nullopt,
      captured ? std::optional<llvm::StringRef>(outputPath) : std::nullopt};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*path, argv, std::nullopt, redirects, 0, 0, &message);
  if (captured)
    forwardToolOutput(std::string(outputPath));
  if (status != 0)
    return fail(fmt::format("'{} {}' failed{}{}", program, fmt::join(arguments, " "),
                            message.empty() ? "" : ": ", message));
  return 0;
}

std::string cxxCompiler() {
  if (const char *fromEnvironment = getenv("LOOM_CXX"))
    return fromEnvironment;
  return "c++";
}

/// Checks every parameter against a weights file at compile time, so a
/// missing or misshaped tensor is reported before anything is built. The
/// check is the runtime's own, so loomc and loom_model_create agree.
int checkWeights(const ModelInterface &model, const std::string &path) {
  try {
    auto file = runtime::SafetensorsFile::open(path);
    std::vector<std::string> problems;
    for (const TensorInfo &param : model.params) {
      loom_tensor_desc expected = {param.name.c_str(), param.isInt32 ? LOOM_I32 : LOOM_F32,
                                   static_cast<int>(param.shape.size()),
                                   param.shape.data()};
      std::string problem = runtime::parameterProblem(*file, expected);
      if (!problem.empty())
        problems.push_back(std::move(problem));
    }
    // A wrong file can fail every parameter; the first few say enough.
    constexpr size_t listed = 20;
    if (problems.size() > listed) {
      size_t more = problems.size() - listed;
      problems.resize(listed);
      problems.push_back(fmt::format("... and {} more problems with '{}'", more, path));
    }
    if (!problems.empty())
      return fail(fmt::format("{}", fmt::join(problems, "\nloomc: error: ")));
  } catch (const std::exception &error) {
    return fail(error.what());
  }
  return 0;
}

/// Halide 14's autoscheduler plugins: loomc's name, Halide's registered name
/// and the library that registers it. Debian also ships Li2018 (made for
/// gradient pipelines): its schedules for Loom's reductions use atomic
/// predicated stores, which Halide 14's CPU code generator rejects.
struct Autoscheduler {
  const char *option, *halideName, *library;
};
constexpr Autoscheduler kAutoschedulers[] = {
    {"adams2019", "Adams2019", "libautoschedule_adams2019.so"},
    {"mullapudi2016", "Mullapudi2016", "libautoschedule_mullapudi2016.so"},
};

/// Where the plugins are: $LOOM_HALIDE_AUTOSCHEDULER_DIR, else where CMake
/// found them.
std::string autoschedulerDirectory() {
  if (const char *fromEnvironment = getenv("LOOM_HALIDE_AUTOSCHEDULER_DIR"))
    return fromEnvironment;
#ifdef LOOM_HALIDE_AUTOSCHEDULER_DIR
  return LOOM_HALIDE_AUTOSCHEDULER_DIR;
#else
  return "";
#endif
}

/// Replaces the (absent) schedule of `pipeline` by the autoscheduler's.
/// Halide::Error escapes to the caller.
int autoschedulePipeline(const Autoscheduler &scheduler, Halide::Pipeline &pipeline,
                         const Halide::Target &target, Halide::AutoSchedulerResults &results) {
  llvm::SmallString<256> library(autoschedulerDirectory());
  llvm::sys::path::append(library, scheduler.library);
  if (!llvm::sys::fs::exists(library))
    return fail(fmt::format("--autoschedule={}: cannot find Halide's plugin '{}' (install "
                            "libhalide14-0-dev or set LOOM_HALIDE_AUTOSCHEDULER_DIR)",
                            scheduler.option, std::string(library)));
  // load_plugin dlopens the library, whose constructor registers the
  // autoscheduler; loading it twice in one process is harmless.
  Halide::load_plugin(std::string(library));
  // Halide's generic machine (16 cores, 16 MiB last-level cache): the
  // schedule, like Loom's own, does not depend on the machine compiling it.
  results =
      pipeline.auto_schedule(scheduler.halideName, target, Halide::MachineParams::generic());
  return 0;
}

/// Writes the IR as text to `path` ("-": stdout).
int printModule(ModuleOp module, const std::string &path) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  if (path == "-") {
    clearProgress(); // stdout and stderr may share the terminal line
    llvm::outs() << text;
    return 0;
  }
  return writeText(path, text) ? 0 : fail("cannot write " + path);
}

/// Halide (without its large_buffers feature, which slows every access)
/// indexes buffers with 32-bit offsets: a larger tensor would compile into a
/// pipeline that fails at run time, so it is an error here, at the op.
LogicalResult checkTensorSizes(ModelOp model) {
  constexpr int64_t limit = (int64_t(1) << 31) - 1;
  WalkResult result = model.walk([&](Operation *op) {
    for (Value value : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(value.getType());
      if (!type)
        continue;
      int64_t bytes = type.getElementTypeBitWidth() / 8;
      for (int64_t extent : type.getShape())
        if (extent > 0 && __builtin_mul_overflow(bytes, extent, &bytes))
          bytes = INT64_MAX;
      if (bytes > limit) {
        std::string what = "the result of " + op->getName().getStringRef().str();
        if (auto input = dyn_cast<InputOp>(op))
          what = "input '" + input.getName().str() + "'";
        else if (auto param = dyn_cast<ParamOp>(op))
          what = "parameter '" + param.getName().str() + "'";
        // mlir::emitError, not op->emitError: the op's dump is noise here.
        mlir::emitError(op->getLoc()) << what << " has shape "
                        << fmt::format("[{}]", fmt::join(type.getShape(), ", "))
                        << " and would take " << (bytes == INT64_MAX ? std::string("over 2^63")
                                                                 : std::to_string(bytes))
                        << " bytes; loomc supports tensors of at most 2^31 - 1 bytes "
                           "(2 GiB, the limit of Halide's 32-bit buffer indexing)";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

OwningOpRef<ModuleOp> parseInput(const CompileOptions &options, llvm::SourceMgr &sources,
                                 MLIRContext &context) {
  std::string message;
  auto buffer = openInputFile(options.inputPath, &message);
  if (!buffer) {
    fail(message);
    return nullptr;
  }
  sources.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (llvm::StringRef(options.inputPath).ends_with(".mlir"))
    return parseSourceFile<ModuleOp>(sources, &context);
  return parseLoomSource(sources, &context);
}

/// The knob overrides of `options`: its knob files' entries, then its
/// --knob entries (which win); errors in a file are reported at its line.
int collectKnobs(const CompileOptions &options, llvm::SourceMgr &sources, MLIRContext &context,
                 KnobSettings &settings) {
  for (const std::string &file : options.knobFiles) {
    std::string readError;
    if (failed(readKnobFile(file, sources, context, settings, readError)))
      return readError.empty() ? 1 : fail(readError);
  }
  for (const std::string &knob : options.knobs) {
    settings.knobs.push_back(knob);
    settings.origins.push_back("");
  }
  return 0;
}

/// Puts Halide's runtime for the target at `objectPath`: a copy of the cache
/// entry when there is a valid one, else compiled now (and stored in the
/// cache). Compiling it takes seconds, more than the rest of a small model.
int provideRuntime(const CompileOptions &options, const ResolvedTarget &target,
                   const std::string &objectPath, Progress &progress,
                   TimingScope &rootTiming) {
  std::optional<std::string> directory;
  if (options.runtimeCache)
    directory = cacheDirectory();
  std::string entry;
  if (directory) {
    entry = runtimeCacheEntry(*directory, target.halide);
    RuntimeLookup lookup = readRuntimeEntry(entry);
    if (!lookup.object.empty()) {
      TimingScope copyTiming =
          progress.phase(rootTiming, "Halide runtime (from cache)",
                         fmt::format("copying Halide's runtime for {} from {}", options.target,
                                     entry));
      if (!writeText(objectPath, lookup.object))
        return fail("cannot write " + objectPath);
      return 0;
    }
    if (!lookup.damage.empty()) {
      clearProgress();
      llvm::errs() << "loomc: warning: the cached Halide runtime " << entry << " is damaged ("
                   << lookup.damage << "); compiling it again\n";
    }
  }
  TimingScope compileTiming = progress.phase(
      rootTiming,
      directory ? "Halide runtime (compiled, stored in cache)"
                : "Halide runtime (compiled, no cache)",
      fmt::format("compiling Halide's runtime for {}", options.target));
  try {
    Halide::compile_standalone_runtime(objectPath, target.halide);
  } catch (const Halide::Error &error) {
    return fail(fmt::format("Halide could not compile its runtime for {}: {}", options.target,
                            error.what()));
  }
  if (directory) {
    std::string problem = writeRuntimeEntry(entry, objectPath);
    if (!problem.empty()) {
      clearProgress();
      llvm::errs() << "loomc: warning: cannot cache Halide's runtime (" << problem
                   << "); pass --no-runtime-cache or set LOOM_CACHE_DIR\n";
    }
  }
  return 0;
}

/// Builds an executable, a static library or a shared library from the
/// pipeline's archive (Halide's static library) and the generated glue.
int buildArtifact(const CompileOptions &options, const ResolvedTarget &target,
                  const std::string &pipelineArchive, const std::string &runtimeObject,
                  const ModelInterface &model, const std::vector<ExternKernel> &kernels,
                  const ScratchDirectory &scratch, Progress &progress,
                  TimingScope &rootTiming) {
  TimingScope glueTiming = progress.phase(rootTiming, "compile C++ glue",
                                          "compiling the generated C++ glue");
  GlueOptions glue;
  glue.withMain = options.emit == "exe";
  glue.embedWeights = options.embedWeights;
  glue.randomSeed = options.randomSeed.value_or(-1);
  glue.usesGpu = target.schedule == ScheduleTarget::Cuda;
  glue.kernels = kernels;
  if (options.weightsPath && !options.embedWeights) {
    llvm::SmallString<256> absolute(*options.weightsPath);
    llvm::sys::fs::make_absolute(absolute);
    glue.defaultWeightsPath = std::string(absolute);
  }
  std::string gluePath = scratch.file("glue.cpp");
  if (!writeText(gluePath, generateGlue(model, glue)))
    return fail("cannot write the generated glue to " + gluePath);

  std::vector<std::string> objects;
  std::string cxx = cxxCompiler();
  std::string glueObject = scratch.file("glue.o");
  std::vector<std::string> glueArguments = {"-O2", "-fPIC", "-c", gluePath, "-I",
                                            LOOM_RUNTIME_INCLUDE_DIR};
  if (!kernels.empty()) // loomrt_cuda_kernels.h includes HalideRuntime.h
    glueArguments.insert(glueArguments.end(), {"-I", LOOM_HALIDE_INCLUDE_DIR});
  glueArguments.insert(glueArguments.end(), {"-o", glueObject});
  appendSanitizerFlags(glueArguments);
  if (int status = runTool(cxx, glueArguments))
    return status;
  objects.push_back(glueObject);
  glueTiming.stop();
  if (options.embedWeights) {
    TimingScope embedTiming =
        progress.phase(rootTiming, "embed weights", "embedding " + *options.weightsPath);
    llvm::SmallString<256> absolute(*options.weightsPath);
    llvm::sys::fs::make_absolute(absolute);
    std::string asmPath = scratch.file("weights.s");
    std::string weightsObject = scratch.file("weights.o");
    if (!writeText(asmPath, generateEmbeddedWeightsAsm(model, std::string(absolute))))
      return fail("cannot write " + asmPath);
    if (int status = runTool(cxx, {"-c", asmPath, "-o", weightsObject}))
      return status;
    objects.push_back(weightsObject);
  }

  std::string built = scratch.file("artifact");
  TimingScope linkTiming =
      progress.phase(rootTiming, "link", fmt::format("linking {}", options.outputPath));
  if (options.emit == "exe") {
    std::vector<std::string> arguments = objects;
    arguments.insert(arguments.end(), {pipelineArchive, runtimeObject, LOOM_RUNTIME_LIBRARY,
                                       "-o", built, "-lpthread", "-ldl", "-lm"});
    appendSanitizerFlags(arguments);
    if (int status = runTool(cxx, arguments))
      return status;
  } else if (options.emit == "shared") {
    std::vector<std::string> arguments = {"-shared"};
    arguments.insert(arguments.end(), objects.begin(), objects.end());
    arguments.insert(arguments.end(), {pipelineArchive, runtimeObject, LOOM_RUNTIME_LIBRARY,
                                       "-o", built, "-lpthread", "-ldl", "-lm"});
    appendSanitizerFlags(arguments);
    if (int status = runTool(cxx, arguments))
      return status;
  } else { // lib: one archive holding the glue, the pipeline and the runtime
    std::string script = "CREATE " + built + "\nADDLIB " + pipelineArchive +
                         "\nADDLIB " + LOOM_RUNTIME_LIBRARY + "\nADDMOD " + runtimeObject +
                         "\n";
    for (const std::string &object : objects)
      script += "ADDMOD " + object + "\n";
    script += "SAVE\nEND\n";
    std::string scriptPath = scratch.file("archive.mri");
    if (!writeText(scriptPath, script))
      return fail("cannot write " + scriptPath);
    // `ar -M` reads its script from stdin.
    if (runTool("ar", {"-M"}, llvm::StringRef(scriptPath)) != 0)
      return fail("ar -M failed to build the library archive");
  }
  if (int status = publish(built, options.outputPath))
    return status;
  if (options.emit == "exe")
    llvm::sys::fs::setPermissions(options.outputPath, llvm::sys::fs::all_read |
                                                          llvm::sys::fs::all_exe |
                                                          llvm::sys::fs::owner_write);
  if (options.emit == "lib" || options.emit == "shared") {
    // The header and the runtime's C header go next to the library.
    llvm::SmallString<256> directory(options.outputPath);
    llvm::sys::path::remove_filename(directory);
    auto besideOutput = [&](llvm::StringRef name) {
      llvm::SmallString<256> path(directory);
      llvm::sys::path::append(path, name);
      return std::string(path);
    };
    std::string headerPath = scratch.file(model.name + ".h");
    if (!writeText(headerPath, generateHeader(model)))
      return fail("cannot write " + headerPath);
    if (int status = publish(headerPath, besideOutput(model.name + ".h")))
      return status;
    if (int status = publish(std::string(LOOM_RUNTIME_INCLUDE_DIR) + "/loomrt.h",
                             besideOutput("loomrt.h")))
      return status;
  }
  return 0;
}

} // namespace

/// Names the op's value kind in `--list-ops`: `<int>`, `<int|[int, int]>`, ...
static std::string kindPlaceholder(const parse::KeywordSpec &keyword) {
  using parse::ValueKind;
  switch (keyword.kind) {
  case ValueKind::Integer: return "<int>";
  case ValueKind::IntegerOrPair: return "<int|[int, int]>";
  case ValueKind::IntegerList: return "<[int, ...]>";
  case ValueKind::Float: return "<float>";
  case ValueKind::Bool: return "<bool>";
  case ValueKind::String:
    if (!keyword.choices.empty()) {
      llvm::SmallVector<llvm::StringRef> choices;
      keyword.choices.split(choices, ',');
      std::vector<std::string> quoted;
      for (llvm::StringRef choice : choices)
        quoted.push_back("\"" + choice.trim().str() + "\"");
      return "<" + llvm::join(quoted, "|") + ">";
    }
    return "<string>";
  }
  return "<value>";
}

void printOpCatalogue(llvm::raw_ostream &os) {
  for (const parse::OpSpec &op : parse::allOps()) {
    std::vector<std::string> arguments;
    unsigned shown = op.maxTensors == parse::kVariadic ? op.minTensors : op.maxTensors;
    for (unsigned i = 0; i < shown; ++i) {
      std::string tensor = "t" + std::to_string(i + 1);
      arguments.push_back(i < op.minTensors ? tensor : "[" + tensor + "]");
    }
    if (op.maxTensors == parse::kVariadic)
      arguments.push_back("...");
    for (const parse::KeywordSpec &keyword : op.keywords) {
      std::string name = keyword.name.str();
      switch (keyword.presence) {
      case parse::KeywordSpec::Presence::Required:
        arguments.push_back(name + "=" + kindPlaceholder(keyword));
        break;
      case parse::KeywordSpec::Presence::Defaulted:
        arguments.push_back(name + "=" + keyword.defaultValue.str());
        break;
      case parse::KeywordSpec::Presence::Optional:
        arguments.push_back("[" + name + "=" + kindPlaceholder(keyword) + "]");
        break;
      }
    }
    os << op.name << "(" << llvm::join(arguments, ", ") << ")\n";
  }
}

int compile(const CompileOptions &options) {
  static const char *emits[] = {"mlir", "scheduled", "dot", "stmt", "html",    "asm",
                                "obj",  "exe",       "lib", "shared", "schedule"};
  if (!llvm::is_contained(emits, options.emit))
    return fail(fmt::format("unknown --emit={} (valid: {})", options.emit,
                            fmt::join(emits, ", ")));
  auto target = resolveTarget(options.target);
  if (!target)
    return fail(fmt::format("unknown --target={} (valid: host, x86-64-avx2, "
                            "x86-64-avx512, arm64, cuda)",
                            options.target));
  if (options.embedWeights && !options.weightsPath)
    return fail("--embed-weights needs --weights FILE");
  if (options.weightsPath && options.randomSeed)
    return fail("--weights and --random-weights exclude each other");
  if ((options.dotAfterPasses || options.dotShowParams) && options.emit != "dot")
    return fail("--dot-after-passes and --dot-params apply to --emit=dot only");
  const Autoscheduler *autoscheduler = nullptr;
  if (!options.autoschedule.empty()) {
    for (const Autoscheduler &candidate : kAutoschedulers)
      if (options.autoschedule == candidate.option)
        autoscheduler = &candidate;
    if (!autoscheduler)
      return fail(fmt::format("unknown --autoschedule={} (valid: adams2019, "
                              "mullapudi2016)",
                              options.autoschedule));
    if (target->schedule != ScheduleTarget::Cpu)
      return fail("--autoschedule: Halide 14's autoschedulers schedule CPU targets only");
    if (!options.knobs.empty())
      return fail("--knob tunes Loom's schedules, which --autoschedule replaces");
    if (!options.knobFiles.empty())
      return fail("--knobs tunes Loom's schedules, which --autoschedule replaces");
  } else if (options.emit == "schedule") {
    return fail("--emit=schedule prints an autoscheduler's schedule: add --autoschedule=NAME");
  }

  MLIRContext context;
  context.loadDialect<LoomDialect>();
  // A diagnostic points at the spec line; a dump of the op (for a model
  // error, of the whole model) after it only buries the message.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sources;
  SourceMgrDiagnosticHandler diagnostics(sources, &context);

  // Every phase below is a scope of the --time-passes tree (MLIR's pass
  // timing nests under "pass pipeline") and a step of the progress display.
  // The timing report prints when `timing` is destroyed, after `progress`
  // has erased its line.
  DefaultTimingManager timing;
  timing.setEnabled(options.timePasses);
  TimingScope rootTiming = timing.getRootScope();
  Progress progress(options.progress);
  activeProgress = &progress;
  auto forgetProgress = llvm::make_scope_exit([] { activeProgress = nullptr; });
  // Registered after `diagnostics`, so it runs first: it erases the status
  // line and declines, and the source manager's handler prints.
  DiagnosticEngine::HandlerID clearBeforeDiagnostic =
      context.getDiagEngine().registerHandler([&](Diagnostic &) {
        progress.clear();
        return failure();
      });
  auto unregister = llvm::make_scope_exit(
      [&] { context.getDiagEngine().eraseHandler(clearBeforeDiagnostic); });

  TimingScope parseTiming =
      progress.phase(rootTiming, "parse", fmt::format("parsing {}", options.inputPath));
  OwningOpRef<ModuleOp> module = parseInput(options, sources, context);
  if (!module)
    return 1;
  parseTiming.stop();
  if (options.emit == "mlir")
    return printModule(*module, options.outputPath);
  // Checked once the input is known to be good, before the slow part.
  bool linking = options.emit == "exe" || options.emit == "lib" || options.emit == "shared";
  if (linking && !target->linkableHere)
    return fail(fmt::format("target '{}' cannot be linked on this machine; use "
                            "--emit=obj, asm or stmt",
                            options.target));
  if ((linking || options.emit == "obj") && options.outputPath == "-")
    return fail("--emit=" + options.emit + " needs an output file: pass -o FILE");

  auto theModel = [&]() -> ModelOp {
    auto models = llvm::to_vector(module->getOps<ModelOp>());
    if (models.size() != 1) {
      fail(fmt::format("the input must hold exactly one loom.model, not {}", models.size()));
      return nullptr;
    }
    return models.front();
  };
  auto writeGraph = [&]() -> int {
    ModelOp model = theModel();
    if (!model)
      return 1;
    GraphOptions graph;
    graph.showParams = options.dotShowParams;
    std::string text = modelToDot(model, graph);
    if (options.outputPath == "-") {
      clearProgress(); // stdout and stderr may share the terminal line
      llvm::outs() << text;
      return 0;
    }
    return writeText(options.outputPath, text) ? 0 : fail("cannot write " + options.outputPath);
  };
  if (options.emit == "dot" && !options.dotAfterPasses) {
    // As written: the verifier still runs, so a malformed .mlir input is an
    // error here and not a confusing picture.
    if (failed(verify(*module)))
      return 1;
    return writeGraph();
  }

  TimingScope passTiming =
      progress.phase(rootTiming, "pass pipeline", "running the loom pass pipeline");
  KnobSettings knobSettings;
  if (int status = collectKnobs(options, sources, context, knobSettings))
    return status;
  PassManager passes(&context);
  passes.enableTiming(passTiming);
  buildLoomPipeline(passes, target->scheduleName, knobSettings.knobs, options.fuse,
                    options.reparameterize, knobSettings.origins);
  if (failed(passes.run(*module)))
    return 1;
  passTiming.stop();
  if (options.emit == "scheduled")
    return printModule(*module, options.outputPath);
  if (options.emit == "dot")
    return writeGraph();

  ModelOp model = theModel();
  if (!model)
    return 1;
  ModelInterface interface = describeModel(model);
  if (options.weightsPath) {
    TimingScope weightsTiming = progress.phase(
        rootTiming, "check weights", fmt::format("checking {}", *options.weightsPath));
    if (int status = checkWeights(interface, *options.weightsPath))
      return status;
  }

  if (failed(checkTensorSizes(model)))
    return 1;

  int64_t loopNests = 0;
  model.walk([&](Operation *op) {
    if (op->hasAttr("loom.schedule"))
      ++loopNests;
  });
  TimingScope emitTiming = progress.phase(
      rootTiming, "emit Halide",
      fmt::format("building Halide algorithms and schedules ({} loop nests)", loopNests));
  FailureOr<LoweredModel> lowered =
      lowerModelToHalide(model, target->halide, options.segmentOps.value_or(kDefaultSegmentOps),
                         /*applySchedules=*/!autoscheduler);
  if (failed(lowered))
    return 1;
  emitTiming.stop();
  Halide::AutoSchedulerResults autoschedule;
  if (autoscheduler && llvm::StringRef(autoscheduler->option) == "adams2019") {
    // Not root-caused: on small_cnn its schedule changes the outputs by 2%
    // (test/Driver/autoschedule-adams2019.test, XFAIL); Mullapudi2016's and
    // Loom's agree.
    clearProgress();
    llvm::errs() << "loomc: warning: --autoschedule=adams2019 is experimental: its "
                    "schedules compute wrong values for some models (e.g. "
                    "examples/small_cnn.loom); compare the outputs with Loom's schedules\n";
  }
  if (autoscheduler) {
    TimingScope autoscheduleTiming = progress.phase(
        rootTiming, "autoschedule",
        fmt::format("scheduling the pipeline with Halide's {}", autoscheduler->halideName));
    try {
      if (int status = autoschedulePipeline(*autoscheduler, lowered->pipeline, target->halide,
                                                autoschedule))
        return status;
    } catch (const Halide::Error &error) {
      return fail(fmt::format("Halide's {} could not schedule model '{}': {}",
                              autoscheduler->halideName, interface.name, error.what()));
    }
  }

  ScratchDirectory scratch;
  if (std::error_code error = llvm::sys::fs::createUniqueDirectory("loomc", scratch.path))
    return fail("cannot create a scratch directory: " + error.message());

  // Halide's compile_to_* is compile_to_module (lowering to a loop-nest
  // statement) followed by Module::compile (LLVM code generation, or the
  // statement printer); done in two steps here, so each has its own time.
  bool statement =
      options.emit == "stmt" || options.emit == "html" || options.emit == "schedule";
  std::string fnName = interface.name + "_halide";
  std::map<Halide::OutputFileType, std::string> outputs;
  std::string artifact;
  if (options.emit == "stmt") {
    artifact = scratch.file("model.stmt");
    outputs[Halide::OutputFileType::stmt] = artifact;
  } else if (options.emit == "html") {
    artifact = scratch.file("model.html");
    outputs[Halide::OutputFileType::stmt_html] = artifact;
  } else if (options.emit == "schedule") {
    artifact = scratch.file("model.schedule.h");
    outputs[Halide::OutputFileType::schedule] = artifact;
  } else if (options.emit == "asm") {
    artifact = scratch.file("model.s");
    outputs[Halide::OutputFileType::assembly] = artifact;
  } else if (options.emit == "obj") {
    artifact = scratch.file("model.o");
    outputs[Halide::OutputFileType::object] = artifact;
  } else {
    std::string prefix = scratch.file(interface.name + "_pipeline");
    artifact = prefix + ".a";
    outputs[Halide::OutputFileType::static_library] = artifact;
    outputs[Halide::OutputFileType::c_header] = prefix + ".h";
  }
  try {
    size_t funcs = 0;
    {
      std::vector<Halide::Internal::Function> roots;
      for (Halide::Func output : lowered->pipeline.outputs())
        roots.push_back(output.function());
      funcs = Halide::Internal::build_environment(roots).size();
    }
    TimingScope halideLowerTiming = progress.phase(
        rootTiming, "Halide lower",
        fmt::format("lowering the Halide pipeline ({} Funcs) for {}", funcs, options.target));
    // The statement kinds keep Halide's own function name, as
    // compile_to_lowered_stmt does.
    // A long model's segments (lib/Halide/Segments.h) are appended as functions of their own.
    // A linked artifact gets Halide's runtime from provideRuntime (cached),
    // so the pipeline is compiled without it.
    Halide::Target pipelineTarget =
        linking ? target->halide.with_feature(Halide::Target::NoRuntime) : target->halide;
    Halide::Module halideModule =
        compileSegmented(lowered->pipeline, lowered->arguments, statement ? "" : fnName,
                         lowered->segments, pipelineTarget);
    if (autoscheduler) // for --emit=schedule
      halideModule.set_auto_scheduler_results(autoschedule);
    halideLowerTiming.stop();
    TimingScope codegenTiming =
        options.emit == "schedule"
            ? progress.phase(rootTiming, "write schedule", "writing the schedule as C++")
        : statement ? progress.phase(rootTiming, "write statement",
                                     "writing Halide's lowered statement")
                  : progress.phase(rootTiming, "LLVM codegen",
                                   fmt::format("generating {} code with LLVM", options.target));
    halideModule.compile(outputs);
  } catch (const Halide::Error &error) {
    return fail(fmt::format("Halide could not compile model '{}': {}", interface.name,
                            error.what()));
  }
  if (options.emit == "asm" && !lowered->kernels.empty()) {
    // Device code that Halide did not generate: loomc's own kernels' PTX.
    std::string kernels;
    for (const ExternKernel &kernel : lowered->kernels)
      kernels += fmt::format("\n// loomc kernel {} (extern stage {}), grid {}x{}, {} threads\n{}",
                             kernel.kernel, kernel.symbol, kernel.grid[0], kernel.grid[1],
                             kernel.block, kernel.ptx);
    std::error_code error;
    llvm::raw_fd_ostream stream(artifact, error, llvm::sys::fs::OF_Append);
    if (error)
      return fail("cannot append the kernels' PTX to " + artifact + ": " + error.message());
    stream << kernels;
  }
  if (!linking)
    return publish(artifact, options.outputPath);
  std::string runtimeObject = scratch.file("halide_runtime.o");
  if (int status = provideRuntime(options, *target, runtimeObject, progress, rootTiming))
    return status;
  return buildArtifact(options, *target, artifact, runtimeObject, interface, lowered->kernels,
                       scratch, progress, rootTiming);
}

int listScheduledOps(const CompileOptions &options, std::vector<ScheduledOp> &ops) {
  auto target = resolveTarget(options.target);
  if (!target)
    return fail(fmt::format("unknown --target={} (valid: host, x86-64-avx2, "
                            "x86-64-avx512, arm64, cuda)",
                            options.target));
  MLIRContext context;
  context.loadDialect<LoomDialect>();
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sources;
  SourceMgrDiagnosticHandler diagnostics(sources, &context);
  OwningOpRef<ModuleOp> module = parseInput(options, sources, context);
  if (!module)
    return 1;
  KnobSettings knobSettings;
  if (int status = collectKnobs(options, sources, context, knobSettings))
    return status;
  PassManager passes(&context);
  buildLoomPipeline(passes, target->scheduleName, knobSettings.knobs, options.fuse,
                    options.reparameterize, knobSettings.origins);
  if (failed(passes.run(*module)))
    return 1;
  module->walk([&](Operation *op) {
    auto schedule = op->getAttrOfType<DictionaryAttr>("loom.schedule");
    if (!schedule)
      return;
    ScheduledOp scheduled;
    scheduled.layer = getLayerName(op);
    scheduled.opName = op->getName().getStringRef().str();
    for (const schedules::Knob &knob : schedules::knobsFor(scheduled.opName, target->schedule))
      if (auto value = schedule.getAs<IntegerAttr>(knob.name))
        scheduled.knobs.emplace_back(knob.name, value.getInt());
    // The weight of the ops that reduce over one (operand 1, [out, ...]);
    // after re-parameterization it may be computed (a folded batch norm), so
    // it is found by position, not as a loom.param.
    static const llvm::StringRef weighted[] = {"loom.linear", "loom.conv1d", "loom.conv2d",
                                               "loom.sparse_conv2d", "loom.nested_ffn"};
    RankedTensorType weight;
    if (llvm::is_contained(weighted, scheduled.opName) && op->getNumOperands() > 1)
      weight = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
    double elements = 0, reduction = 1;
    for (Value result : op->getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType()); type && type.hasStaticShape())
        elements += static_cast<double>(type.getNumElements());
    if (weight && weight.hasStaticShape() && weight.getRank() >= 2 && weight.getShape()[0] > 0)
      reduction = static_cast<double>(weight.getNumElements()) /
                  static_cast<double>(weight.getShape()[0]);
    scheduled.cost = elements * reduction;
    // The depthwise knobs of a conv2d that is not depthwise change nothing.
    if (scheduled.opName == "loom.conv2d" && weight && weight.getRank() == 4) {
      auto groups = op->getAttrOfType<IntegerAttr>("groups");
      bool depthwise = groups && groups.getInt() > 1 && weight.getShape()[1] == 1 &&
                       groups.getInt() == weight.getShape()[0];
      if (!depthwise)
        llvm::erase_if(scheduled.knobs, [](const auto &knob) {
          return llvm::StringRef(knob.first).starts_with("depthwise");
        });
    }
    ops.push_back(std::move(scheduled));
  });
  return 0;
}

} // namespace loom
