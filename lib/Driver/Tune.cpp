// `loomc tune`: coordinate descent over schedule knobs, each trial compiled and timed.
#include "lib/Driver/Tune.h"

#include "schedules/Schedules.h"
#include "schedules/Tuning.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace loom {
namespace {

using Clock = std::chrono::steady_clock;

int fail(const std::string &message) {
  llvm::errs() << "loomc tune: error: " << message << "\n";
  return 1;
}

/// A value is kept only when it beats the best so far by this fraction:
/// timings on a shared machine wobble by a few percent.
constexpr double kImprovement = 0.02;

/// One layer to tune: the ops of the layer name (usually one) and the knobs
/// they all have, with their starting values.
struct Layer {
  std::string name;
  std::string opName;
  std::vector<std::pair<std::string, int64_t>> knobs; // registry order
  double cost = 0;
};

struct TrialResult {
  std::optional<double> medianMs;
  std::string problem; // why there is no time
};

/// The first line of a tool's output that says "error", else its first line.
std::string firstError(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "(no output)";
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines)
    if (line.contains("error"))
      return line.trim().str();
  return lines.empty() ? "(no output)" : lines.front().trim().str();
}

/// "median=0.1234" in an artifact's `--bench` line.
std::optional<double> parseMedian(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return std::nullopt;
  llvm::StringRef text = (*buffer)->getBuffer();
  size_t at = text.find("median=");
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef number = text.drop_front(at + 7).take_until([](char c) {
    return !(llvm::isDigit(c) || c == '.' || c == 'e' || c == '-' || c == '+');
  });
  double value;
  if (number.getAsDouble(value))
    return std::nullopt;
  return value;
}

class Tuner {
public:
  explicit Tuner(const TuneOptions &options) : options(options) {}

  int run();

private:
  int setUp();
  std::vector<Layer> layersToTune(const std::vector<ScheduledOp> &ops) const;
  /// Compiles the model with `knobs` (after the user's) into `executable`.
  TrialResult build(const std::vector<std::string> &knobs, const std::string &executable);
  /// Times `executable` with `--bench`.
  TrialResult bench(const std::string &executable);
  bool budgetAllowsTrial() const;
  double elapsed() const {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }
  std::vector<std::string> knobArguments(const std::map<std::string, int64_t> &config) const;
  int writeKnobFile(double defaultMs, double tunedMs) const;

  const TuneOptions &options;
  Clock::time_point start = Clock::now();
  std::string loomc;
  llvm::SmallString<128> scratch;
  int trials = 0;
  double trialSeconds = 0; // total time of the trials so far
  std::vector<Layer> layers;
  /// Searched knobs ("layer.knob") and their best values so far.
  std::map<std::string, int64_t> best;
  std::map<std::string, int64_t> starting; // the same knobs' starting values
  /// The knobs that had at least one trial: the only ones written (a knob
  /// the budget did not reach is left to the defaults of later compiles).
  std::set<std::string> searched;
};

int Tuner::setUp() {
  const CompileOptions &compile = options.compile;
  if (options.outputPath.empty() && !options.dryRun)
    return fail("-o FILE is needed: the knob file to write");
  if (compile.target == "arm64")
    return fail("--target=arm64 cannot run on this machine, so it cannot be tuned here");
  if (compile.target == "cuda" && !options.dryRun) {
    // Trials are timed runs: without a GPU there is nothing to time.
    auto smi = llvm::sys::findProgramByName("nvidia-smi");
    bool gpu = false;
    if (smi) {
      std::optional<llvm::StringRef> quiet[] = {llvm::StringRef(""), llvm::StringRef(""),
                                                llvm::StringRef("")};
      gpu = llvm::sys::ExecuteAndWait(*smi, {*smi, "-L"}, std::nullopt, quiet, 30) == 0;
    }
    if (!gpu)
      return fail("--target=cuda: tune times every trial on the GPU, and this machine has "
                  "none (nvidia-smi -L fails); run loomc tune on a machine with an NVIDIA "
                  "GPU, or --dry-run to list the knobs it would search");
  }
  if (options.runs < 1)
    return fail(fmt::format("--runs expects a positive number, got {}", options.runs));
  if (!(options.budgetSeconds > 0))
    return fail(fmt::format("--budget expects a positive number of seconds, got {}",
                            options.budgetSeconds));
  static int anchor;
  loomc = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  if (std::error_code error = llvm::sys::fs::createUniqueDirectory("loomc-tune", scratch))
    return fail("cannot create a scratch directory: " + error.message());
  return 0;
}

std::vector<Layer> Tuner::layersToTune(const std::vector<ScheduledOp> &ops) const {
  // Ops sharing a layer name (a decomposed layer) are tuned together, on the
  // knobs they all have: a knob file entry addresses the layer name.
  std::vector<Layer> result;
  std::map<std::string, size_t> index;
  ScheduleTarget target =
      options.compile.target == "cuda" ? ScheduleTarget::Cuda : ScheduleTarget::Cpu;
  for (const ScheduledOp &op : ops) {
    if (op.layer.empty())
      continue;
    auto [it, inserted] = index.try_emplace(op.layer, result.size());
    if (inserted) {
      Layer layer;
      layer.name = op.layer;
      layer.opName = op.opName;
      layer.knobs = op.knobs;
      layer.cost = op.cost;
      result.push_back(std::move(layer));
      continue;
    }
    Layer &layer = result[it->second];
    llvm::erase_if(layer.knobs, [&](const auto &knob) {
      return llvm::none_of(op.knobs, [&](const auto &other) { return other.first == knob.first; });
    });
    layer.cost += op.cost;
    if (op.cost > layer.cost - op.cost)
      layer.opName = op.opName; // candidates from the heavier op
  }
  // Only knobs with something to try, and what --only asks for.
  for (Layer &layer : result) {
    llvm::erase_if(layer.knobs, [&](const auto &knob) {
      if (!options.only.empty() &&
          !llvm::is_contained(options.only, layer.name) &&
          !llvm::is_contained(options.only, layer.name + "." + knob.first))
        return true;
      for (const schedules::Knob &declared : schedules::knobsFor(layer.opName, target))
        if (knob.first == declared.name)
          return schedules::tuningCandidates(layer.opName, target, declared).size() < 2;
      return true;
    });
  }
  llvm::erase_if(result, [](const Layer &layer) { return layer.knobs.empty(); });
  std::stable_sort(result.begin(), result.end(),
                   [](const Layer &a, const Layer &b) { return a.cost > b.cost; });
  return result;
}

TrialResult Tuner::build(const std::vector<std::string> &knobs, const std::string &executable) {
  const CompileOptions &compile = options.compile;
  std::vector<std::string> arguments = {loomc, compile.inputPath, "--target=" + compile.target,
                                        "--progress=off", "-o", executable};
  if (compile.weightsPath)
    arguments.push_back("--weights=" + *compile.weightsPath);
  if (compile.randomSeed)
    arguments.push_back(fmt::format("--random-weights={}", *compile.randomSeed));
  if (compile.segmentOps)
    arguments.push_back(fmt::format("--segment-ops={}", *compile.segmentOps));
  if (!compile.fuse)
    arguments.push_back("--no-fuse");
  if (!compile.reparameterize)
    arguments.push_back("--no-reparameterize");
  if (!compile.runtimeCache)
    arguments.push_back("--no-runtime-cache");
  for (const std::string &file : compile.knobFiles)
    arguments.push_back("--knobs=" + file);
  for (const std::string &knob : compile.knobs)
    arguments.push_back("--knob=" + knob);
  for (const std::string &knob : knobs)
    arguments.push_back("--knob=" + knob);
  std::vector<llvm::StringRef> argv(arguments.begin(), arguments.end());
  std::string log = executable + ".log";
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(loomc, argv, std::nullopt, redirects, 0, 0, &message);
  if (status != 0)
    return {std::nullopt, "compile failed: " + (message.empty() ? firstError(log) : message)};
  return {};
}

TrialResult Tuner::bench(const std::string &executable) {
  std::string runs = std::to_string(options.runs);
  std::vector<llvm::StringRef> argv = {executable, "--bench", runs, "--quiet"};
  std::string log = executable + ".bench";
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(executable, argv, std::nullopt, redirects, 0, 0,
                                         &message);
  if (status != 0)
    return {std::nullopt, "run failed: " + (message.empty() ? firstError(log) : message)};
  std::optional<double> median = parseMedian(log);
  if (!median)
    return {std::nullopt, "no --bench line in the output: " + firstError(log)};
  return {median, ""};
}

bool Tuner::budgetAllowsTrial() const {
  double perTrial = trials ? trialSeconds / trials : 0;
  // The final comparison re-times two executables three times each: about
  // a trial's bench, counted as one more trial.
  return elapsed() + 2 * perTrial <= options.budgetSeconds;
}

std::vector<std::string>
Tuner::knobArguments(const std::map<std::string, int64_t> &config) const {
  std::vector<std::string> result;
  for (const auto &[name, value] : config)
    result.push_back(fmt::format("{}={}", name, value));
  return result;
}

int Tuner::writeKnobFile(double defaultMs, double tunedMs) const {
  const CompileOptions &compile = options.compile;
  std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  const char *threads = getenv("HL_NUM_THREADS");
  std::string text;
  text += fmt::format("# Schedule knobs of {} found by loomc tune; use: loomc --knobs FILE\n",
                      compile.inputPath);
  text += fmt::format("# target: {}, date: {}, HL_NUM_THREADS={}\n", compile.target, date,
                      threads ? threads : "(unset: all cores)");
  text += fmt::format("# default: {:.4g} ms, tuned: {:.4g} ms (median of --bench {}), "
                      "speed-up {:.2f}x, {} trials in {:.0f} s\n",
                      defaultMs, tunedMs, options.runs, defaultMs / tunedMs, trials, elapsed());
  if (!compile.knobs.empty() || !compile.knobFiles.empty())
    text += "# started from the knobs below; the tuned values follow them and win\n";
  for (const std::string &file : compile.knobFiles) {
    // A knob file given as the starting point is copied without its comments.
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      llvm::StringRef entry = llvm::StringRef(line).split('#').first.trim();
      if (!entry.empty())
        text += entry.str() + "\n";
    }
  }
  for (const std::string &knob : compile.knobs)
    text += knob + "\n";
  for (const auto &[name, value] : best) {
    if (!searched.count(name))
      continue;
    int64_t before = starting.at(name);
    text += value == before ? fmt::format("{}={}\n", name, value)
                            : fmt::format("{}={}  # was {}\n", name, value, before);
  }
  std::string temporary = options.outputPath + ".loomc-tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out)
      return fail("cannot write " + options.outputPath);
  }
  if (std::error_code error = llvm::sys::fs::rename(temporary, options.outputPath)) {
    llvm::sys::fs::remove(temporary);
    return fail(fmt::format("cannot write '{}': {}", options.outputPath, error.message()));
  }
  return 0;
}

int Tuner::run() {
  if (int status = setUp())
    return status;
  auto removeScratch = llvm::make_scope_exit([&] {
    if (!scratch.empty() && !getenv("LOOM_KEEP_TEMPS"))
      llvm::sys::fs::remove_directories(scratch);
  });
  std::vector<ScheduledOp> ops;
  if (int status = listScheduledOps(options.compile, ops))
    return status;
  layers = layersToTune(ops);
  ScheduleTarget target =
      options.compile.target == "cuda" ? ScheduleTarget::Cuda : ScheduleTarget::Cpu;
  auto candidatesOf = [&](const Layer &layer, llvm::StringRef knob) {
    for (const schedules::Knob &declared : schedules::knobsFor(layer.opName, target))
      if (knob == declared.name)
        return schedules::tuningCandidates(layer.opName, target, declared);
    return std::vector<int64_t>();
  };
  size_t planned = 1;
  for (const Layer &layer : layers)
    for (const auto &[knob, value] : layer.knobs) {
      std::vector<int64_t> candidates = candidatesOf(layer, knob);
      planned += candidates.size() - llvm::count(candidates, value);
    }
  if (options.dryRun) {
    for (const Layer &layer : layers)
      for (const auto &[knob, value] : layer.knobs)
        llvm::outs() << fmt::format("{}.{} ({}): {} from [{}]\n", layer.name, knob,
                                    llvm::StringRef(layer.opName).drop_front(5).str(), value,
                                    fmt::join(candidatesOf(layer, knob), ", "));
    llvm::outs() << fmt::format("{} trials at most\n", planned);
    return 0;
  }
  if (layers.empty())
    llvm::errs() << "loomc tune: warning: nothing to search (no named layer with a knob"
                 << (options.only.empty() ? "" : " that --only selects") << ")\n";
  for (const Layer &layer : layers)
    for (const auto &[knob, value] : layer.knobs) {
      // Every trial passes every searched knob, so a layer-name override
      // always wins over an op-kind override from the starting knobs.
      starting[layer.name + "." + knob] = value;
      best[layer.name + "." + knob] = value;
    }

  auto trial = [&](const std::map<std::string, int64_t> &config,
                   const std::string &label) -> TrialResult {
    Clock::time_point begin = Clock::now();
    std::string executable =
        (llvm::Twine(scratch) + "/trial-" + llvm::Twine(trials + 1)).str();
    TrialResult result = build(knobArguments(config), executable);
    if (result.problem.empty())
      result = bench(executable);
    ++trials;
    trialSeconds += std::chrono::duration<double>(Clock::now() - begin).count();
    llvm::errs() << fmt::format("tune: trial {}/{} {}: {}  [{:.0f} s of {:g} s]\n", trials,
                                planned, label,
                                result.medianMs ? fmt::format("{:.4g} ms", *result.medianMs)
                                                : result.problem,
                                elapsed(), options.budgetSeconds);
    return result;
  };

  TrialResult first = trial(best, "starting knobs");
  if (!first.medianMs)
    return fail("the model with its starting knobs does not build and run: " + first.problem);
  std::string defaultExecutable = (llvm::Twine(scratch) + "/trial-1").str();
  std::string bestExecutable = defaultExecutable;
  double bestMs = *first.medianMs;
  bool spent = false;
  for (const Layer &layer : layers) {
    for (const auto &[knob, startValue] : layer.knobs) {
      std::string name = layer.name + "." + knob;
      for (int64_t candidate : candidatesOf(layer, knob)) {
        // The starting value is the one the best time so far was measured
        // with (each knob is searched once), so it is not tried again.
        if (candidate == startValue)
          continue;
        if (!budgetAllowsTrial()) {
          spent = true;
          break;
        }
        std::map<std::string, int64_t> config = best;
        config[name] = candidate;
        searched.insert(name);
        TrialResult result = trial(config, fmt::format("{}={}", name, candidate));
        if (result.medianMs && *result.medianMs < bestMs * (1 - kImprovement)) {
          bestMs = *result.medianMs;
          best = config;
          bestExecutable = (llvm::Twine(scratch) + "/trial-" + llvm::Twine(trials)).str();
        }
      }
      if (spent)
        break;
    }
    if (spent)
      break;
  }
  if (spent)
    llvm::errs() << fmt::format("tune: budget of {:g} s spent after {} of {} trials; the "
                                "knobs not reached are not written\n",
                                options.budgetSeconds, trials, planned);

  // The final times: both executables again, interleaved, so that a change
  // in the machine's load during the search does not favour either.
  double defaultMs = *first.medianMs, tunedMs = bestMs;
  if (bestExecutable != defaultExecutable) {
    std::vector<double> defaults, tuned;
    for (int round = 0; round < 3; ++round) {
      if (auto time = bench(defaultExecutable).medianMs)
        defaults.push_back(*time);
      if (auto time = bench(bestExecutable).medianMs)
        tuned.push_back(*time);
    }
    auto median = [](std::vector<double> values, double fallback) {
      if (values.empty())
        return fallback;
      std::sort(values.begin(), values.end());
      return values[values.size() / 2];
    };
    defaultMs = median(defaults, defaultMs);
    tunedMs = median(tuned, tunedMs);
  }
  if (int status = writeKnobFile(defaultMs, tunedMs))
    return status;

  // The summary table, on stdout.
  std::string latencyLabel = fmt::format("median ms (--bench {})", options.runs);
  size_t width = latencyLabel.size();
  for (const std::string &name : searched)
    width = std::max(width, name.size());
  llvm::outs() << fmt::format("loomc tune: {} on {}: {} trials in {:.0f} s, knobs in {}\n",
                              options.compile.inputPath, options.compile.target, trials,
                              elapsed(), options.outputPath);
  llvm::outs() << fmt::format("  {:<{}}  {:>10}  {:>10}\n", "knob", width, "default", "tuned");
  for (const std::string &name : searched)
    llvm::outs() << fmt::format("  {:<{}}  {:>10}  {:>10}{}\n", name, width, starting[name],
                                best[name], best[name] == starting[name] ? "" : "  *");
  if (searched.empty())
    llvm::outs() << "  (no knob searched)\n";
  llvm::outs() << fmt::format("  {:<{}}  {:>10}  {:>10}  speed-up {:.2f}x\n",
                              latencyLabel, width,
                              fmt::format("{:.4g}", defaultMs), fmt::format("{:.4g}", tunedMs),
                              defaultMs / tunedMs);
  return 0;
}

} // namespace

int tune(const TuneOptions &options) { return Tuner(options).run(); }

} // namespace loom
