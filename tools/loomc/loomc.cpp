// loomc: compiles a Loom model spec (.loom, or loom-dialect .mlir) to IR,
// Halide statements, assembly, objects, executables or libraries.
#include "lib/Driver/Driver.h"
#include "lib/Driver/Tune.h"
#include "schedules/Schedules.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "llvm/Support/raw_ostream.h"

/// `loomc tune MODEL ...`: searches the schedule knobs (lib/Driver/Tune.h).
static int tuneMain(int argc, char **argv) {
  loom::TuneOptions options;
  CLI::App app{"loomc tune: search a model's schedule knobs with timed runs and write the "
               "best as a knob file (read it with loomc --knobs FILE)",
               "loomc tune"};
  app.add_option("input", options.compile.inputPath, "Model spec (.loom) or loom dialect (.mlir)")
      ->required();
  app.add_option("-o,--output", options.outputPath, "The knob file to write");
  app.add_option("--target", options.compile.target,
                 "host, x86-64-avx2, x86-64-avx512 or cuda (cuda: on a machine with a GPU)")
      ->capture_default_str();
  std::string weightsPath;
  app.add_option("--weights", weightsPath, "safetensors file the trials run with");
  int64_t randomSeed = 0;
  auto *random = app.add_option("--random-weights", randomSeed,
                                "Run the trials with seeded random weights")
                     ->expected(0, 1);
  app.add_option("--budget", options.budgetSeconds,
                 "Wall-clock seconds the search may take (the first trial always runs)")
      ->capture_default_str();
  app.add_option("--runs", options.runs, "Timed runs per trial (the artifact's --bench N)")
      ->capture_default_str();
  app.add_option("--only", options.only,
                 "Search only this <layer> or <layer>.<knob> (repeatable)");
  app.add_option("--knob", options.compile.knobs,
                 "Starting knob <layer-or-op>.<knob>=<value> (repeatable)");
  app.add_option("--knobs", options.compile.knobFiles, "Starting knob file");
  app.add_option("--segment-ops", options.compile.segmentOps,
                 "As loomc --segment-ops, for every trial");
  app.add_flag("--dry-run", options.dryRun,
               "List the layers, knobs and candidate values that would be searched");
  bool noRuntimeCache = false;
  app.add_flag("--no-runtime-cache", noRuntimeCache, "As loomc --no-runtime-cache");
  CLI11_PARSE(app, argc, argv);
  if (random->count() > 0)
    options.compile.randomSeed = randomSeed;
  if (!weightsPath.empty())
    options.compile.weightsPath = weightsPath;
  if (options.compile.weightsPath && options.compile.randomSeed) {
    llvm::errs() << "loomc tune: error: --weights and --random-weights exclude each other\n";
    return 1;
  }
  if (!options.compile.weightsPath && !options.compile.randomSeed && !options.dryRun) {
    llvm::errs() << "loomc tune: error: the trials run the model: pass --weights FILE or "
                    "--random-weights\n";
    return 1;
  }
  options.compile.runtimeCache = !noRuntimeCache;
  return loom::tune(options);
}

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "tune")
    return tuneMain(argc - 1, argv + 1);
  loom::CompileOptions options;
  CLI::App app{"loomc: the Loom neural-network compiler (loomc tune --help: search the "
               "schedule knobs)"};
  app.add_option("input", options.inputPath, "Model spec (.loom) or loom dialect (.mlir)");
  bool listOps = false;
  app.add_flag("--list-ops", listOps, "List the ops of the Loom language and their arguments");
  bool listKnobs = false;
  app.add_flag("--list-knobs", listKnobs,
               "List every op's schedule knobs (CPU and CUDA): default, minimum, meaning");
  app.add_option("-o,--output", options.outputPath,
                 "Output file ('-' = stdout for text kinds)");
  app.add_option("--emit", options.emit,
                 "What to produce: mlir (dialect after parsing), scheduled (after passes), "
                 "dot (Graphviz graph of the layers), stmt/html (Halide's lowered "
                 "statement), asm, obj, exe, lib, shared, schedule (with --autoschedule: the "
                 "autoscheduler's schedule as C++)")
      ->capture_default_str();
  app.add_option("--target", options.target,
                 "host, x86-64-avx2, x86-64-avx512, arm64 or cuda")
      ->capture_default_str();
  std::string weightsPath;
  app.add_option("--weights", weightsPath,
                 "safetensors file checked now and loaded by the artifact");
  int64_t randomSeed = 0;
  auto *random = app.add_option("--random-weights", randomSeed,
                                "Let the artifact draw seeded random weights "
                                "(--random-weights or --random-weights=SEED)")
                     ->expected(0, 1);
  app.add_flag("--embed-weights", options.embedWeights,
               "Put the --weights file inside the artifact");
  app.add_option("--knob", options.knobs,
                 "Schedule knob override <layer-or-op>.<knob>=<value> (repeatable)");
  app.add_option("--knobs", options.knobFiles,
                 "Knob file: one <layer-or-op>.<knob>=<value> per line, # comments (what "
                 "loomc tune writes); a --knob wins over it")
      ->type_name("FILE");
  app.add_flag("--time-passes", options.timePasses,
               "Print where compile time went (a tree of phases and passes, on stderr)");
  std::string progress = "auto";
  app.add_option("--progress", progress,
                 "Show the phases on stderr: lines (one per phase; what --progress alone "
                 "means), live (a status line rewritten in place), off. Without the "
                 "option: live on a terminal, else off")
      ->expected(0, 1)
      ->default_str("lines") // the value of a bare --progress
      ->option_text("[=lines|live|off]");
  app.add_flag("--dot-after-passes", options.dotAfterPasses,
               "--emit=dot: draw the graph after the pass pipeline (fused loop nests, "
               "folded batch norms) instead of as written");
  app.add_flag("--dot-params", options.dotShowParams,
               "--emit=dot: draw every parameter as a node");
  app.add_option("--autoschedule", options.autoschedule,
                 "Let a Halide 14 autoscheduler schedule the whole pipeline instead of "
                 "Loom's schedules: adams2019 or mullapudi2016 (CPU targets)");
  bool noRuntimeCache = false;
  app.add_flag("--no-runtime-cache", noRuntimeCache,
               "Compile Halide's runtime for this artifact instead of reusing the object "
               "cached in $LOOM_CACHE_DIR (else $XDG_CACHE_HOME/loom or ~/.cache/loom)");
  bool noFuse = false;
  app.add_flag("--no-fuse", noFuse, "Keep every elementwise op in its own loop nest");
  bool noReparameterize = false;
  app.add_flag("--no-reparameterize", noReparameterize,
               "Keep batch norms and parallel conv branches as written");
  app.add_option("--segment-ops", options.segmentOps,
                 "Cut a long model into Halide pipelines of about this many ops "
                 "(a linear, conv2d, ... counts 4, a fused activation 1), which keeps compile time linear (default 48; "
                 "0: one pipeline)")
      ->type_name("N")
      ->check(CLI::Validator(
          [](std::string &value) -> std::string {
            char *end = nullptr;
            errno = 0;
            long long count = std::strtoll(value.c_str(), &end, 10);
            if (value.empty() || *end || errno || count < 0)
              return "expects a whole number >= 0 (0: one pipeline), got '" + value + "'";
            return "";
          },
          "N >= 0"));
  CLI11_PARSE(app, argc, argv);
  if (listOps) {
    loom::printOpCatalogue(llvm::outs());
    return 0;
  }
  if (listKnobs) {
    loom::schedules::printKnobRegistry(llvm::outs());
    return 0;
  }
  if (options.inputPath.empty()) {
    llvm::errs() << "loomc: error: no input file (run loomc --help)\n";
    return 1;
  }
  auto mode = loom::parseProgressMode(progress);
  if (!mode) {
    llvm::errs() << "loomc: error: unknown --progress=" << progress
                 << " (valid: auto, lines, live, off)\n";
    return 1;
  }
  options.progress = *mode;
  if (random->count() > 0)
    options.randomSeed = randomSeed;
  if (!weightsPath.empty())
    options.weightsPath = weightsPath;
  options.fuse = !noFuse;
  options.runtimeCache = !noRuntimeCache;
  options.reparameterize = !noReparameterize;
  return loom::compile(options);
}
