// loom_main: the command line of generated executables (weights, .npy inputs and outputs,
// output summaries, benchmarking).
#include "loomrt.h"

#include "Npy.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

using namespace loom::runtime;

namespace {

// Bad command lines exit with 2, failures while running with 1.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string describeTensor(const loom_tensor_desc &tensor) {
  return dtypeName(tensor.dtype) + formatShape(tensor.shape, tensor.rank);
}

std::vector<int64_t> shapeOf(const loom_tensor_desc &tensor) {
  return std::vector<int64_t>(tensor.shape, tensor.shape + tensor.rank);
}

size_t byteCountOf(const loom_tensor_desc &tensor) {
  size_t count = 4;
  for (int i = 0; i < tensor.rank; ++i)
    count *= size_t(tensor.shape[i]);
  return count;
}

std::string listTensors(const char *title, const loom_tensor_desc *tensors, int count) {
  std::string text = std::string(title) + ":";
  for (int i = 0; i < count; ++i)
    text += formatString("\n  %s %s", tensors[i].name, describeTensor(tensors[i]).c_str());
  return count ? text : text + " none";
}

// "output y: f32[2, 3] min=... max=... mean=..."; NaNs are left out of the statistics and
// counted, since one NaN would otherwise hide every other number.
void printSummary(const loom_tensor_desc &tensor, const std::vector<uint8_t> &bytes) {
  size_t count = bytes.size() / 4;
  const float *floats = reinterpret_cast<const float *>(bytes.data());
  const int32_t *ints = reinterpret_cast<const int32_t *>(bytes.data());
  double minimum = INFINITY, maximum = -INFINITY, sum = 0;
  size_t valid = 0;
  for (size_t i = 0; i < count; ++i) {
    double value = tensor.dtype == LOOM_F32 ? double(floats[i]) : double(ints[i]);
    if (std::isnan(value))
      continue;
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
    sum += value;
    ++valid;
  }
  std::printf("output %s: %s", tensor.name, describeTensor(tensor).c_str());
  if (valid)
    std::printf(" min=%.6g max=%.6g mean=%.6g", minimum, maximum, sum / double(valid));
  else if (count == 0)
    std::printf(" (empty)");
  if (valid != count)
    std::printf(" nan=%zu", count - valid);
  std::printf("\n");
}

std::vector<uint8_t> loadInput(const loom_tensor_desc &tensor, const std::string &path) {
  NpyArray array = readNpy(path);
  if (array.dtype != tensor.dtype || array.shape != shapeOf(tensor))
    throw Error(LOOM_ERROR_INVALID_ARGUMENT,
                formatString("input '%s': %s holds %s %s but the model expects %s", tensor.name,
                             path.c_str(), array.fileDtype.c_str(),
                             formatShape(array.shape).c_str(), describeTensor(tensor).c_str()));
  return std::move(array.bytes);
}

// Random inputs use the weights' generator with streams named "input NAME".
std::vector<uint8_t> randomInput(const loom_tensor_desc &tensor, int64_t seed) {
  std::vector<uint8_t> bytes(byteCountOf(tensor), 0);
  if (tensor.dtype == LOOM_F32) {
    UniformStream stream(uint64_t(seed), std::string("input ") + tensor.name);
    float *floats = reinterpret_cast<float *>(bytes.data());
    for (size_t i = 0; i < bytes.size() / 4; ++i)
      floats[i] = stream.next(1.0f);
  }
  return bytes;
}

// "nested layers (--granularity):\n  0 blocks.0.ffn: s=16 m=32 xl=64" for the help footer.
std::string listGranularityLayers(const loom_model_info &info) {
  if (info.num_granularity_layers == 0)
    return "";
  std::string text = "\nnested layers (--granularity NAME|WIDTH; the size names end at xl, "
                     "the full width):";
  for (int i = 0; i < info.num_granularity_layers; ++i) {
    const loom_granularity_desc &layer = info.granularity_layers[i];
    text += formatString("\n  %d %s:", i, layer.layer);
    for (int k = 0; k < layer.num_values; ++k) {
      text += formatString(" %s=%lld", granularityName(k, layer.num_values).c_str(),
                           (long long)layer.values[k]);
    }
  }
  return text;
}

// Applies --granularity (every layer) and then --granularity-per-layer
// ("0:s,blocks.1.ffn:xl": a layer index or name, a colon, a value).
void applyGranularities(loom_model *model, const loom_model_info &info,
                        const std::string &global, const std::string &perLayer) {
  if (!global.empty() && loom_model_set_granularity_by_name(model, -1, global.c_str()) != LOOM_OK)
    throw UsageError(formatString("--granularity: %s", loom_last_error()));
  size_t start = 0;
  while (!perLayer.empty() && start <= perLayer.size()) {
    size_t comma = perLayer.find(',', start);
    std::string item = perLayer.substr(start, comma == std::string::npos ? std::string::npos
                                                                         : comma - start);
    start = comma == std::string::npos ? perLayer.size() + 1 : comma + 1;
    size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
      throw UsageError(formatString(
          "--granularity-per-layer expects LAYER:VALUE,... (e.g. 0:s,1:xl), got '%s'",
          item.c_str()));
    std::string key = item.substr(0, colon), value = item.substr(colon + 1);
    int layer = -2;
    for (int i = 0; i < info.num_granularity_layers; ++i)
      if (key == info.granularity_layers[i].layer || key == std::to_string(i))
        layer = i;
    if (layer == -2) {
      std::string valid;
      for (int i = 0; i < info.num_granularity_layers; ++i)
        valid += formatString("%s%d (%s)", i ? ", " : "", i, info.granularity_layers[i].layer);
      throw UsageError(formatString("--granularity-per-layer: unknown nested layer '%s'; "
                                    "valid: %s",
                                    key.c_str(), valid.empty() ? "none" : valid.c_str()));
    }
    if (loom_model_set_granularity_by_name(model, layer, value.c_str()) != LOOM_OK)
      throw UsageError(formatString("--granularity-per-layer: %s", loom_last_error()));
  }
}

void runOrThrow(loom_model *model, const std::vector<const void *> &inputs,
                const std::vector<void *> &outputs) {
  if (loom_model_run(model, inputs.data(), outputs.data()) != LOOM_OK)
    throw std::runtime_error(loom_last_error());
}

// Prints "<label> min=… median=… p90=… runs=N" over `runs` timed calls of `once`.
template <typename Run> void timeRuns(const char *label, int runs, Run once) {
  std::vector<double> milliseconds;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    once();
    auto end = std::chrono::steady_clock::now();
    milliseconds.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  size_t n = milliseconds.size();
  double median = n % 2 ? milliseconds[n / 2] : 0.5 * (milliseconds[n / 2 - 1] + milliseconds[n / 2]);
  // p90 by nearest rank: the smallest time that at least 90% of runs do not exceed.
  size_t p90Rank = size_t(std::ceil(0.9 * double(n)));
  double p90 = milliseconds[std::max<size_t>(p90Rank, 1) - 1];
  std::printf("%s min=%.4f median=%.4f p90=%.4f runs=%d\n", label, milliseconds[0], median, p90,
              runs);
}

void benchmark(loom_model *model, const std::vector<const void *> &inputs,
               const std::vector<void *> &outputs, int runs) {
  // Two warm-ups: the first run of a GPU pipeline compiles kernels and uploads weights,
  // and the second brings caches and the thread pool to their steady state.
  for (int i = 0; i < 2; ++i)
    runOrThrow(model, inputs, outputs);
  timeRuns("latency_ms", runs, [&] { runOrThrow(model, inputs, outputs); });
  if (!loom_model_get_info(model)->uses_gpu)
    return;
  // The device work alone, inputs resident and outputs left on the GPU: what a
  // framework's CUDA-event timing of its kernels measures.
  auto rerun = [&] {
    if (loom_model_rerun_on_device(model) != LOOM_OK)
      throw std::runtime_error(loom_last_error());
  };
  rerun();
  timeRuns("device_ms", runs, rerun);
  runOrThrow(model, inputs, outputs); // leaves the outputs on the host for --output-dir
}

int runMain(const loom_model_info &info, int argc, char **argv) {
  std::string modelName = info.model_name ? info.model_name : "model";
  CLI::App app{"Runs the compiled model '" + modelName + "'."};
  std::string weightsPath, outputDir;
  std::vector<std::string> inputSpecs;
  int64_t seed = 0;
  int benchRuns = 0;
  bool quiet = false;
  std::string granularity, granularityPerLayer;
  CLI::Option *weightsOption =
      app.add_option("--weights", weightsPath, "safetensors file with the model's parameters")
          ->type_name("FILE");
  app.add_option("--input", inputSpecs,
                 "an input as NAME=FILE.npy (repeatable); inputs not given get random values")
      ->type_name("NAME=FILE");
  app.add_option("--seed", seed, "seed for the random values of inputs not given (default 0)");
  app.add_option("--output-dir", outputDir, "write each output to DIR/NAME.npy")
      ->type_name("DIR");
  CLI::Option *benchOption =
      app.add_option("--bench", benchRuns, "time N runs after 2 warm-up runs")->type_name("N");
  app.add_flag("--quiet", quiet, "print only errors and the --bench line");
  app.add_option("--granularity", granularity,
                 "width of every nested layer: a size name (s, m, l, xl for four "
                 "granularities; xl is always the full width) or a hidden width")
      ->type_name("VALUE");
  app.add_option("--granularity-per-layer", granularityPerLayer,
                 "widths of single nested layers, after --granularity: LAYER:VALUE,... with "
                 "LAYER an index or a name (e.g. 0:s,1:xl)")
      ->type_name("LIST");
  app.footer(listTensors("inputs", info.inputs, info.num_inputs) + "\n" +
             listTensors("outputs", info.outputs, info.num_outputs) +
             listGranularityLayers(info));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &error) {
    if (error.get_exit_code() == 0) // --help
      return app.exit(error);
    throw UsageError(error.what());
  }
  if (benchOption->count() && benchRuns < 1)
    throw UsageError(formatString("--bench expects a positive number of runs, got %d", benchRuns));

  std::vector<std::string> inputPaths(size_t(info.num_inputs));
  for (const std::string &spec : inputSpecs) {
    size_t equals = spec.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == spec.size())
      throw UsageError(formatString("--input expects NAME=FILE.npy, got '%s'", spec.c_str()));
    std::string name = spec.substr(0, equals);
    int index = 0;
    while (index < info.num_inputs && name != info.inputs[index].name)
      ++index;
    if (index == info.num_inputs)
      throw UsageError(formatString("unknown input '%s'; %s", name.c_str(),
                                    listTensors("the model's inputs", info.inputs,
                                                info.num_inputs).c_str()));
    if (!inputPaths[size_t(index)].empty())
      throw UsageError(formatString("input '%s' given twice", name.c_str()));
    inputPaths[size_t(index)] = spec.substr(equals + 1);
  }

  loom_model *rawModel = nullptr;
  if (loom_model_create(&info, weightsOption->count() ? weightsPath.c_str() : nullptr,
                        &rawModel) != LOOM_OK)
    throw std::runtime_error(loom_last_error());
  std::unique_ptr<loom_model, void (*)(loom_model *)> model(rawModel, loom_model_destroy);
  applyGranularities(model.get(), info, granularity, granularityPerLayer);

  // Files first, so that a bad file is reported before any note about random inputs.
  std::vector<std::vector<uint8_t>> inputData(size_t(info.num_inputs));
  for (int i = 0; i < info.num_inputs; ++i)
    if (!inputPaths[size_t(i)].empty())
      inputData[size_t(i)] = loadInput(info.inputs[i], inputPaths[size_t(i)]);
  std::vector<const void *> inputPointers;
  for (int i = 0; i < info.num_inputs; ++i) {
    const loom_tensor_desc &tensor = info.inputs[i];
    if (inputPaths[size_t(i)].empty()) {
      inputData[size_t(i)] = randomInput(tensor, seed);
      if (!quiet)
        std::fprintf(stderr, "note: input '%s' not given; using %s\n", tensor.name,
                     tensor.dtype == LOOM_F32
                         ? formatString("random U(-1, 1) values (seed %lld)", (long long)seed).c_str()
                         : "zeros");
    }
    inputPointers.push_back(inputData[size_t(i)].data());
  }
  std::vector<std::vector<uint8_t>> outputData;
  std::vector<void *> outputPointers;
  for (int i = 0; i < info.num_outputs; ++i) {
    outputData.emplace_back(byteCountOf(info.outputs[i]), 0);
    outputPointers.push_back(outputData.back().data());
  }

  if (benchRuns > 0)
    benchmark(model.get(), inputPointers, outputPointers, benchRuns);
  else
    runOrThrow(model.get(), inputPointers, outputPointers);

  for (int i = 0; i < info.num_outputs && !quiet; ++i)
    printSummary(info.outputs[i], outputData[size_t(i)]);
  if (!outputDir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(outputDir, error);
    if (error)
      throw std::runtime_error(formatString("cannot create directory '%s': %s", outputDir.c_str(),
                                            error.message().c_str()));
    for (int i = 0; i < info.num_outputs; ++i) {
      std::string fileName = info.outputs[i].name;
      std::replace(fileName.begin(), fileName.end(), '/', '_'); // keep the file inside DIR
      writeNpy(outputDir + "/" + fileName + ".npy", info.outputs[i].dtype,
               shapeOf(info.outputs[i]), outputData[size_t(i)].data());
    }
  }
  return 0;
}

} // namespace

extern "C" int loom_main(const loom_model_info *info, int argc, char **argv) {
  try {
    if (!info)
      throw std::runtime_error("loom_main: null model info");
    return runMain(*info, argc, argv);
  } catch (const UsageError &error) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", error.what());
    return 2;
  } catch (const std::exception &error) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  } catch (...) {
    std::fprintf(stderr, "error: unexpected failure\n");
    return 1;
  }
}
