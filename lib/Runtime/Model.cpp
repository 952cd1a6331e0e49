// The C API of loomrt.h: model creation (weights from a file, an embedded image or a seeded
// generator), runs through the Halide pipeline, and per-thread error reporting.
#include "loomrt.h"

#include "Safetensors.h"

#include <HalideRuntime.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>

using namespace loom::runtime;

namespace {

thread_local std::string lastError;

// Halide reports errors through one process-wide handler. Most errors (argument and bounds
// checks) are raised on the calling thread, but a parallel loop may raise one on a worker
// thread, so the handler also keeps the latest message globally as a fallback.
thread_local std::string lastHalideErrorOnThisThread;
std::mutex lastHalideErrorMutex;
std::string lastHalideErrorOnAnyThread;

void captureHalideError(void * /*userContext*/, const char *message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  lastHalideErrorOnThisThread = text;
  std::lock_guard<std::mutex> lock(lastHalideErrorMutex);
  lastHalideErrorOnAnyThread = std::move(text);
}

// Replaces Halide's default handler (which prints to stderr) once per process, so that
// library users get the message from loom_last_error() instead.
void installHalideErrorHandler() {
  static std::once_flag once;
  std::call_once(once, [] { halide_set_error_handler(captureHalideError); });
}

loom_status recordError(loom_status status, const std::string &message) {
  lastError = message;
  return status;
}

// Runs `body`, turning every exception into a status so that nothing escapes the C ABI.
template <typename Body> loom_status guarded(Body body) {
  try {
    return body();
  } catch (const Error &error) {
    return recordError(error.status(), error.what());
  } catch (const std::bad_alloc &) {
    return recordError(LOOM_ERROR_INVALID_ARGUMENT, "out of memory");
  } catch (const std::exception &error) {
    return recordError(LOOM_ERROR_INVALID_ARGUMENT, error.what());
  }
}


int64_t elementCount(const loom_tensor_desc &tensor) {
  int64_t count = 1;
  for (int i = 0; i < tensor.rank; ++i)
    count *= tensor.shape[i];
  return count;
}

// Halide indexes with 32-bit extents and strides, so every tensor must have fewer than
// 2^31 elements; checking here turns a descriptor bug into a message instead of a crash.
void validateTensorDesc(const loom_tensor_desc &tensor, const char *role) {
  if (!tensor.name)
    fail(LOOM_ERROR_INVALID_ARGUMENT, formatString("%s descriptor without a name", role));
  if (tensor.dtype != LOOM_F32 && tensor.dtype != LOOM_I32)
    fail(LOOM_ERROR_INVALID_ARGUMENT,
         formatString("%s '%s' has an unknown dtype %d", role, tensor.name, int(tensor.dtype)));
  if (tensor.rank < 0 || (tensor.rank > 0 && !tensor.shape))
    fail(LOOM_ERROR_INVALID_ARGUMENT, formatString("%s '%s' has no shape", role, tensor.name));
  int64_t count = 1;
  for (int i = 0; i < tensor.rank; ++i) {
    if (tensor.shape[i] < 0 || tensor.shape[i] > INT32_MAX ||
        (tensor.shape[i] > 0 && count > INT32_MAX / tensor.shape[i]))
      fail(LOOM_ERROR_INVALID_ARGUMENT,
           formatString("%s '%s' has shape %s, outside what a Halide buffer can index", role,
                        tensor.name, formatShape(tensor.shape, tensor.rank).c_str()));
    count *= tensor.shape[i];
  }
}

void validateGranularityLayers(const loom_model_info &info) {
  if (info.num_granularity_layers < 0 ||
      (info.num_granularity_layers > 0 && !info.granularity_layers))
    fail(LOOM_ERROR_INVALID_ARGUMENT, "malformed loom_model_info");
  for (int i = 0; i < info.num_granularity_layers; ++i) {
    const loom_granularity_desc &layer = info.granularity_layers[i];
    bool valid = layer.layer && layer.num_values > 0 && layer.values;
    for (int k = 0; valid && k < layer.num_values; ++k)
      valid = layer.values[k] >= 1 && layer.values[k] <= INT32_MAX &&
              (k == 0 || layer.values[k] > layer.values[k - 1]);
    if (!valid)
      fail(LOOM_ERROR_INVALID_ARGUMENT,
           formatString("malformed granularities of nested layer %d", i));
  }
}

void validateModelInfo(const loom_model_info &info) {
  if (info.num_inputs < 0 || info.num_params < 0 || info.num_outputs < 0 ||
      (info.num_inputs > 0 && !info.inputs) || (info.num_params > 0 && !info.params) ||
      (info.num_outputs > 0 && !info.outputs) || !info.run_argv)
    fail(LOOM_ERROR_INVALID_ARGUMENT, "malformed loom_model_info");
  for (int i = 0; i < info.num_inputs; ++i)
    validateTensorDesc(info.inputs[i], "input");
  for (int i = 0; i < info.num_params; ++i)
    validateTensorDesc(info.params[i].tensor, "parameter");
  for (int i = 0; i < info.num_outputs; ++i)
    validateTensorDesc(info.outputs[i], "output");
  validateGranularityLayers(info);
}

// Halide buffers list dimensions innermost first: dim[0] is the last PyTorch dimension
// (stride 1) and dim[rank-1] the first.
void describeBuffer(const loom_tensor_desc &tensor, void *host, halide_dimension_t *dims,
                    halide_buffer_t &buffer) {
  int32_t stride = 1;
  for (int k = 0; k < tensor.rank; ++k) {
    int32_t extent = int32_t(tensor.shape[tensor.rank - 1 - k]);
    dims[k] = halide_dimension_t(0, extent, stride);
    stride *= extent;
  }
  buffer = halide_buffer_t{};
  buffer.host = static_cast<uint8_t *>(host);
  buffer.type = halide_type_t(tensor.dtype == LOOM_F32 ? halide_type_float : halide_type_int, 32);
  buffer.dimensions = tensor.rank;
  buffer.dim = dims;
}

// Buffers for the inputs followed by the outputs of one run.
struct RunBuffers {
  std::vector<halide_dimension_t> dims;
  std::vector<halide_buffer_t> buffers;

  explicit RunBuffers(const loom_model_info &info) {
    size_t totalRank = 0;
    for (int i = 0; i < info.num_inputs; ++i)
      totalRank += size_t(info.inputs[i].rank);
    for (int i = 0; i < info.num_outputs; ++i)
      totalRank += size_t(info.outputs[i].rank);
    dims.resize(totalRank);
    buffers.resize(size_t(info.num_inputs + info.num_outputs));
    size_t dimOffset = 0, index = 0;
    for (int i = 0; i < info.num_inputs + info.num_outputs; ++i, ++index) {
      const loom_tensor_desc &tensor =
          i < info.num_inputs ? info.inputs[i] : info.outputs[i - info.num_inputs];
      describeBuffer(tensor, nullptr, dims.data() + dimOffset, buffers[index]);
      dimOffset += size_t(tensor.rank);
    }
  }
};

void freeDeviceMemory(halide_buffer_t &buffer) {
  if (buffer.device)
    halide_device_free(nullptr, &buffer);
}

} // namespace

struct loom_model {
  const loom_model_info *info = nullptr;
  std::unique_ptr<SafetensorsFile> weights; // keeps the mapping that parameters point into
  std::vector<std::vector<uint8_t>> ownedParameterData; // random weights, realigned copies
  std::vector<halide_dimension_t> parameterDims;
  // One persistent buffer per parameter: a GPU pipeline uploads each weight on the first
  // run and finds it on the device afterwards.
  std::vector<halide_buffer_t> parameterBuffers;
  // GPU runs reuse one set of input/output buffers so that device allocations persist
  // across runs; they are serialized by runMutex. CPU runs build buffers on the stack.
  std::unique_ptr<RunBuffers> gpuRunBuffers;
  std::mutex runMutex;
  // The arrays of the last successful run, for loom_model_rerun_on_device.
  std::vector<const void *> lastInputs;
  std::vector<void *> lastOutputs;
  bool hasRun = false;
  // The width of every nested layer, passed by address as the pipeline's scalar arguments.
  std::vector<int32_t> granularities;

  ~loom_model() {
    for (halide_buffer_t &buffer : parameterBuffers)
      freeDeviceMemory(buffer);
    if (gpuRunBuffers)
      for (halide_buffer_t &buffer : gpuRunBuffers->buffers)
        freeDeviceMemory(buffer);
  }
};

namespace {

// Random weights (see UniformStream for the generator): each parameter is its own stream
// named after the parameter. UNIFORM_FAN_IN draws U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
// f32 and gives 0 for i32; ONES and ZEROS are constant.
std::vector<uint8_t> randomParameterData(const loom_param_desc &param, uint64_t seed) {
  const loom_tensor_desc &tensor = param.tensor;
  int64_t count = elementCount(tensor);
  std::vector<uint8_t> bytes(size_t(count) * 4);
  float *floats = reinterpret_cast<float *>(bytes.data());
  int32_t *ints = reinterpret_cast<int32_t *>(bytes.data());
  UniformStream stream(seed, tensor.name);
  float bound = 1.0f / std::sqrt(float(param.fan_in > 0 ? param.fan_in : 1));
  for (int64_t i = 0; i < count; ++i) {
    bool isOne = param.init == LOOM_INIT_ONES;
    bool isUniform = param.init == LOOM_INIT_UNIFORM_FAN_IN;
    if (tensor.dtype == LOOM_F32)
      floats[i] = isUniform ? stream.next(bound) : isOne ? 1.0f : 0.0f;
    else
      ints[i] = isOne ? 1 : 0;
  }
  return bytes;
}

void bindParameters(loom_model &model) {
  const loom_model_info &info = *model.info;
  size_t totalRank = 0;
  for (int i = 0; i < info.num_params; ++i)
    totalRank += size_t(info.params[i].tensor.rank);
  model.parameterDims.resize(totalRank);
  model.parameterBuffers.resize(size_t(info.num_params));

  std::vector<std::string> problems;
  size_t dimOffset = 0;
  for (int i = 0; i < info.num_params; ++i) {
    const loom_tensor_desc &expected = info.params[i].tensor;
    const void *data = nullptr;
    if (!model.weights) {
      model.ownedParameterData.push_back(
          randomParameterData(info.params[i], uint64_t(info.random_seed)));
      data = model.ownedParameterData.back().data();
    } else if (std::string problem = parameterProblem(*model.weights, expected);
               !problem.empty()) {
      problems.push_back(std::move(problem));
    } else if (const SafetensorsTensor *found = model.weights->find(expected.name);
               reinterpret_cast<uintptr_t>(found->data) % 4 == 0) {
      data = found->data;
    } else {
      // safetensors does not promise aligned offsets; Halide expects element alignment.
      model.ownedParameterData.emplace_back(found->data, found->data + found->byteSize());
      data = model.ownedParameterData.back().data();
    }
    // Halide never writes to pipeline inputs, so pointing at read-only pages is safe.
    describeBuffer(expected, const_cast<void *>(data), model.parameterDims.data() + dimOffset,
                   model.parameterBuffers[size_t(i)]);
    // host_dirty tells a GPU pipeline that the host copy must be uploaded (once).
    model.parameterBuffers[size_t(i)].set_host_dirty(true);
    dimOffset += size_t(expected.rank);
  }
  if (problems.empty())
    return;
  const size_t kMaxListed = 20;
  std::string message = problems[0];
  for (size_t i = 1; i < problems.size() && i < kMaxListed; ++i)
    message += "\n" + problems[i];
  if (problems.size() > kMaxListed)
    message += formatString("\n... and %zu more", problems.size() - kMaxListed);
  fail(LOOM_ERROR_WEIGHTS, message);
}

bool looksLikeMissingGpu(const std::string &message) {
  for (const char *sign : {"Could not find cuda system libraries", "cuInit failed",
                           "No devices available", "CUDA_ERROR_NO_DEVICE"})
    if (message.find(sign) != std::string::npos)
      return true;
  return false;
}

// The status and message of a failed Halide call: the message the error handler captured
// (on this thread, else on any), and "no usable CUDA device" when the GPU is missing.
std::pair<loom_status, std::string> halideFailure(const loom_model_info &info,
                                                  const std::string &what) {
  std::string message = lastHalideErrorOnThisThread;
  if (message.empty()) {
    std::lock_guard<std::mutex> lock(lastHalideErrorMutex);
    message = lastHalideErrorOnAnyThread;
  }
  if (message.empty())
    message = "no message";
  const char *modelName = info.model_name ? info.model_name : "model";
  if (info.uses_gpu && looksLikeMissingGpu(message))
    return {LOOM_ERROR_NO_DEVICE,
            formatString("%s: no usable CUDA device: %s", modelName, message.c_str())};
  return {LOOM_ERROR_PIPELINE,
          formatString("%s: %s: %s", modelName, what.c_str(), message.c_str())};
}

// Uploads every weight to the GPU once, at create, so that the first run is no slower than
// the next and a missing device shows at create. Each buffer keeps its device allocation;
// runs find the weights there (host_dirty is cleared by the copy).
void uploadParameters(loom_model &model) {
  const loom_model_info &info = *model.info;
  if (!info.device_interface)
    return;
  const halide_device_interface_t *device = info.device_interface();
  lastHalideErrorOnThisThread.clear();
  for (halide_buffer_t &buffer : model.parameterBuffers) {
    if (halide_copy_to_device(nullptr, &buffer, device) == 0)
      continue;
    auto [status, message] = halideFailure(info, "uploading the weights failed");
    fail(status, message);
  }
}

// `resident` (GPU only): the inputs are already on the device and the outputs stay there.
loom_status runPipeline(loom_model &model, RunBuffers &run, const void *const *inputs,
                        void *const *outputs, bool resident = false) {
  const loom_model_info &info = *model.info;
  std::vector<void *> arguments;
  arguments.reserve(size_t(info.num_inputs + info.num_params + info.num_outputs) +
                    model.granularities.size());
  for (int i = 0; i < info.num_inputs; ++i) {
    halide_buffer_t &buffer = run.buffers[size_t(i)];
    if (!resident) {
      buffer.host = static_cast<uint8_t *>(const_cast<void *>(inputs[i]));
      buffer.set_host_dirty(true);
    }
    arguments.push_back(&buffer);
  }
  for (halide_buffer_t &buffer : model.parameterBuffers)
    arguments.push_back(&buffer);
  for (int32_t &width : model.granularities)
    arguments.push_back(&width);
  for (int i = 0; i < info.num_outputs; ++i) {
    halide_buffer_t &buffer = run.buffers[size_t(info.num_inputs + i)];
    if (!resident)
      buffer.host = static_cast<uint8_t *>(outputs[i]);
    arguments.push_back(&buffer);
  }

  lastHalideErrorOnThisThread.clear();
  int result = info.run_argv(arguments.data());
  for (int i = 0; result == 0 && info.uses_gpu && i < info.num_outputs; ++i)
    result = resident ? halide_device_sync(nullptr, &run.buffers[size_t(info.num_inputs + i)])
                      : halide_copy_to_host(nullptr, &run.buffers[size_t(info.num_inputs + i)]);
  if (result == 0)
    return LOOM_OK;

  auto [status, message] =
      halideFailure(info, formatString("pipeline failed (Halide error %d)", result));
  return recordError(status, message);
}

} // namespace

namespace {

// "s (16), m (32), xl (64), or a width in 1..64" for the message of an invalid value.
std::string validGranularities(const loom_granularity_desc &layer) {
  std::string text;
  for (int k = 0; k < layer.num_values; ++k)
    text += formatString("%s (%lld), ", granularityName(k, layer.num_values).c_str(), (long long)layer.values[k]);
  return text + formatString("or a width in 1..%lld",
                             (long long)layer.values[layer.num_values - 1]);
}

// The layers that `layer` selects (-1: all); fails for an index out of range.
std::pair<int, int> selectedLayers(const loom_model &model, int layer, const char *caller) {
  const loom_model_info &info = *model.info;
  if (info.num_granularity_layers == 0)
    fail(LOOM_ERROR_INVALID_ARGUMENT,
         formatString("%s: model '%s' has no nested layers", caller,
                      info.model_name ? info.model_name : "model"));
  if (layer == -1)
    return {0, info.num_granularity_layers};
  if (layer < 0 || layer >= info.num_granularity_layers)
    fail(LOOM_ERROR_INVALID_ARGUMENT,
         formatString("%s: nested layer %d does not exist (valid: 0..%d, or -1 for all)", caller,
                      layer, info.num_granularity_layers - 1));
  return {layer, layer + 1};
}

// The width `name` means for one layer, or an error naming the layer and the valid values.
int32_t resolveGranularity(const loom_granularity_desc &layer, int index, const char *name,
                           const char *caller) {
  for (int k = 0; k < layer.num_values; ++k)
    if (granularityName(k, layer.num_values) == name)
      return int32_t(layer.values[k]);
  int64_t full = layer.values[layer.num_values - 1];
  char *end = nullptr;
  errno = 0;
  long long width = std::strtoll(name, &end, 10);
  bool isNumber = *name && end && *end == 0 && errno == 0;
  if (!isNumber || width < 1 || width > full)
    fail(LOOM_ERROR_INVALID_ARGUMENT,
         formatString("%s: '%s' is not a granularity of nested layer %d '%s'; valid: %s", caller,
                      name, index, layer.layer, validGranularities(layer).c_str()));
  return int32_t(width);
}

loom_status setGranularities(loom_model *model, int layer, const std::string &name,
                             const char *caller) {
  return guarded([&] {
    if (!model)
      fail(LOOM_ERROR_INVALID_ARGUMENT, formatString("%s: null model", caller));
    auto [begin, end] = selectedLayers(*model, layer, caller);
    // Resolve every layer first, so that an invalid value changes nothing.
    std::vector<int32_t> widths;
    for (int i = begin; i < end; ++i)
      widths.push_back(resolveGranularity(model->info->granularity_layers[i], i, name.c_str(),
                                          caller));
    std::copy(widths.begin(), widths.end(), model->granularities.begin() + begin);
    return LOOM_OK;
  });
}

} // namespace

extern "C" {

const char *loom_last_error(void) { return lastError.c_str(); }

loom_status loom_model_set_granularity(loom_model *model, int layer, int64_t width) {
  return setGranularities(model, layer, std::to_string(width), "loom_model_set_granularity");
}

loom_status loom_model_set_granularity_by_name(loom_model *model, int layer, const char *name) {
  if (!name)
    return recordError(LOOM_ERROR_INVALID_ARGUMENT,
                       "loom_model_set_granularity_by_name: null name");
  return setGranularities(model, layer, name, "loom_model_set_granularity_by_name");
}

int64_t loom_model_get_granularity(const loom_model *model, int layer) {
  if (!model || layer < 0 || size_t(layer) >= model->granularities.size())
    return -1;
  return model->granularities[size_t(layer)];
}

loom_status loom_model_create(const loom_model_info *info, const char *weights_path,
                              loom_model **out) {
  if (out)
    *out = nullptr;
  return guarded([&] {
    if (!info || !out)
      fail(LOOM_ERROR_INVALID_ARGUMENT, "loom_model_create: null info or out pointer");
    validateModelInfo(*info);
    installHalideErrorHandler();
    auto model = std::make_unique<loom_model>();
    model->info = info;
    if (weights_path)
      model->weights = SafetensorsFile::open(weights_path);
    else if (info->embedded_weights)
      model->weights = SafetensorsFile::fromMemory(
          info->embedded_weights, info->embedded_weights_size, "embedded weights");
    else if (info->default_weights_path)
      model->weights = SafetensorsFile::open(info->default_weights_path);
    else if (info->random_seed < 0)
      fail(LOOM_ERROR_WEIGHTS, "no weights given: pass --weights FILE");
    bindParameters(*model);
    for (int i = 0; i < info->num_granularity_layers; ++i) {
      const loom_granularity_desc &layer = info->granularity_layers[i];
      model->granularities.push_back(int32_t(layer.values[layer.num_values - 1]));
    }
    if (info->uses_gpu) {
      uploadParameters(*model);
      model->gpuRunBuffers = std::make_unique<RunBuffers>(*info);
      // Intermediate buffers of a GPU pipeline would otherwise be cuMemAlloc'd and freed on
      // every run (tens of microseconds each); Halide's allocation cache keeps them for the
      // next run. The setting is process-wide, and harmless for CPU pipelines.
      halide_reuse_device_allocations(nullptr, true);
    }
    *out = model.release();
    return LOOM_OK;
  });
}

loom_status loom_model_run(loom_model *model, const void *const *inputs, void *const *outputs) {
  return guarded([&] {
    if (!model)
      fail(LOOM_ERROR_INVALID_ARGUMENT, "loom_model_run: null model");
    const loom_model_info &info = *model->info;
    if ((info.num_inputs > 0 && !inputs) || (info.num_outputs > 0 && !outputs))
      fail(LOOM_ERROR_INVALID_ARGUMENT, "loom_model_run: null inputs or outputs array");
    for (int i = 0; i < info.num_inputs; ++i)
      if (!inputs[i] && elementCount(info.inputs[i]) > 0)
        fail(LOOM_ERROR_INVALID_ARGUMENT,
             formatString("loom_model_run: input '%s' is null", info.inputs[i].name));
    for (int i = 0; i < info.num_outputs; ++i)
      if (!outputs[i] && elementCount(info.outputs[i]) > 0)
        fail(LOOM_ERROR_INVALID_ARGUMENT,
             formatString("loom_model_run: output '%s' is null", info.outputs[i].name));
    loom_status status;
    if (!info.uses_gpu) {
      RunBuffers run(info);
      status = runPipeline(*model, run, inputs, outputs);
    } else {
      std::lock_guard<std::mutex> lock(model->runMutex);
      status = runPipeline(*model, *model->gpuRunBuffers, inputs, outputs);
    }
    if (status == LOOM_OK) {
      std::lock_guard<std::mutex> lock(model->runMutex);
      model->lastInputs.assign(inputs, inputs + info.num_inputs);
      model->lastOutputs.assign(outputs, outputs + info.num_outputs);
      model->hasRun = true;
    }
    return status;
  });
}

loom_status loom_model_rerun_on_device(loom_model *model) {
  return guarded([&] {
    if (!model)
      fail(LOOM_ERROR_INVALID_ARGUMENT, "loom_model_rerun_on_device: null model");
    const loom_model_info &info = *model->info;
    std::lock_guard<std::mutex> lock(model->runMutex);
    if (!model->hasRun)
      fail(LOOM_ERROR_INVALID_ARGUMENT,
           "loom_model_rerun_on_device: no successful loom_model_run before");
    if (!info.uses_gpu) {
      RunBuffers run(info);
      return runPipeline(*model, run, model->lastInputs.data(), model->lastOutputs.data());
    }
    return runPipeline(*model, *model->gpuRunBuffers, model->lastInputs.data(),
                       model->lastOutputs.data(), /*resident=*/true);
  });
}

void loom_model_destroy(loom_model *model) { delete model; }

const loom_model_info *loom_model_get_info(const loom_model *model) {
  return model ? model->info : nullptr;
}

} // extern "C"
