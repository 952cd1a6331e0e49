// A hand-written stand-in for a compiled model, so that loom_main and the C API can be tested
// without loomc: a fake pipeline over halide_buffer_t, and the three Halide runtime
// functions libloomrt calls (an artifact gets them from its pipeline object instead).
#include "DemoModel.h"

#include "Safetensors.h"

#include <HalideRuntime.h>

#include <cstdio>
#include <cstring>

extern "C" {

static halide_error_handler_t currentErrorHandler = nullptr;

halide_error_handler_t halide_set_error_handler(halide_error_handler_t handler) {
  halide_error_handler_t previous = currentErrorHandler;
  currentErrorHandler = handler;
  return previous;
}
int halide_copy_to_host(void *, halide_buffer_t *) { return 0; }
int halide_device_sync(void *, halide_buffer_t *) { return 0; }
int halide_copy_to_device(void *, halide_buffer_t *, const halide_device_interface_t *) { return 0; }
int halide_device_free(void *, halide_buffer_t *) { return 0; }
int halide_reuse_device_allocations(void *, bool) { return 0; }

} // extern "C"

namespace {

// inputs x f32[2, 3], tokens i32[2]; parameters layer.weight f32[3], layer.bias f32[3],
// scale f32[] (a scalar); outputs y f32[2, 3] and doubled i32[2] where
//   y[i, j] = (x[i, j] * weight[j] + bias[j]) * scale + tokens[i],  doubled[i] = 2 * tokens[i].
const int64_t kShape23[] = {2, 3};
const int64_t kShape3[] = {3};
const int64_t kShape2[] = {2};
const loom_tensor_desc kInputs[] = {{"x", LOOM_F32, 2, kShape23}, {"tokens", LOOM_I32, 1, kShape2}};
const loom_param_desc kParams[] = {
    {{"layer.weight", LOOM_F32, 1, kShape3}, LOOM_INIT_UNIFORM_FAN_IN, 3},
    {{"layer.bias", LOOM_F32, 1, kShape3}, LOOM_INIT_ZEROS, 0},
    {{"scale", LOOM_F32, 0, nullptr}, LOOM_INIT_ONES, 0},
};
const loom_tensor_desc kOutputs[] = {{"y", LOOM_F32, 2, kShape23},
                                     {"doubled", LOOM_I32, 1, kShape2}};

int reportError(const char *message) {
  if (currentErrorHandler)
    currentErrorHandler(nullptr, message);
  return -1;
}

// Checks what a real Halide pipeline would: the type and the innermost-first dimensions.
bool bufferMatches(const halide_buffer_t *buffer, const loom_tensor_desc &tensor) {
  halide_type_code_t code = tensor.dtype == LOOM_F32 ? halide_type_float : halide_type_int;
  if (!buffer || buffer->type.code != code || buffer->type.bits != 32 ||
      buffer->dimensions != tensor.rank)
    return false;
  int32_t stride = 1;
  for (int k = 0; k < tensor.rank; ++k) {
    const halide_dimension_t &dim = buffer->dim[k];
    if (dim.min != 0 || dim.extent != tensor.shape[tensor.rank - 1 - k] || dim.stride != stride)
      return false;
    stride *= dim.extent;
  }
  return true;
}

int demoPipeline(void **arguments) {
  auto **buffers = reinterpret_cast<halide_buffer_t **>(arguments);
  const loom_tensor_desc *expected[] = {&kInputs[0], &kInputs[1], &kParams[0].tensor,
                                        &kParams[1].tensor, &kParams[2].tensor,
                                        &kOutputs[0], &kOutputs[1]};
  for (int i = 0; i < 7; ++i)
    if (!bufferMatches(buffers[i], *expected[i])) {
      char message[128];
      std::snprintf(message, sizeof message, "demo pipeline: buffer %s has the wrong type or shape",
                    expected[i]->name);
      return reportError(message);
    }
  auto *x = reinterpret_cast<const float *>(buffers[0]->host);
  auto *tokens = reinterpret_cast<const int32_t *>(buffers[1]->host);
  auto *weight = reinterpret_cast<const float *>(buffers[2]->host);
  auto *bias = reinterpret_cast<const float *>(buffers[3]->host);
  float scale = *reinterpret_cast<const float *>(buffers[4]->host);
  auto *y = reinterpret_cast<float *>(buffers[5]->host);
  auto *doubled = reinterpret_cast<int32_t *>(buffers[6]->host);
  // A way for tests to make the pipeline fail like a Halide assertion does.
  if (x[0] == 1234.0f)
    return reportError("demo pipeline: x[0, 0] is the poison value 1234");
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j)
      y[i * 3 + j] = (x[i * 3 + j] * weight[j] + bias[j]) * scale + float(tokens[i]);
    doubled[i] = 2 * tokens[i];
  }
  return 0;
}

loom_model_info demoModelInfo() {
  loom_model_info info = {};
  info.model_name = "demo";
  info.num_inputs = 2;
  info.inputs = kInputs;
  info.num_params = 3;
  info.params = kParams;
  info.num_outputs = 2;
  info.outputs = kOutputs;
  info.run_argv = demoPipeline;
  info.random_seed = -1;
  return info;
}

// weight = [1, 2, 3], bias = [0.5, 0.5, 0.5], scale = 2, built with the runtime's writer.
const std::vector<uint8_t> &embeddedWeights() {
  static const std::vector<uint8_t> image = [] {
    static const float weight[] = {1, 2, 3}, bias[] = {0.5f, 0.5f, 0.5f}, scale[] = {2};
    return loom::runtime::serializeSafetensors(
        {{"layer.weight", "F32", {3}, weight}, {"layer.bias", "F32", {3}, bias},
         {"scale", "F32", {}, scale}});
  }();
  return image;
}

void printStatus(const char *call, loom_status status) {
  std::printf("%s: status %d: %s\n", call, int(status), status ? loom_last_error() : "ok");
}

} // namespace

int runDemoModel(const std::string &variant, int argc, char **argv) {
  loom_model_info info = demoModelInfo();
  if (variant == "demo-model-random") {
    info.random_seed = 7;
  } else if (variant == "demo-model-embedded") {
    info.embedded_weights = embeddedWeights().data();
    info.embedded_weights_size = embeddedWeights().size();
  }
  return loom_main(&info, argc, argv);
}

int runApiSelfTest() {
  loom_model_info info = demoModelInfo();
  loom_model *model = nullptr;
  printStatus("create(null info)", loom_model_create(nullptr, nullptr, &model));
  printStatus("create(no weights)", loom_model_create(&info, nullptr, &model));
  printStatus("create(missing file)", loom_model_create(&info, "/nonexistent.safetensors", &model));
  loom_model_info broken = info;
  broken.run_argv = nullptr;
  printStatus("create(no pipeline)", loom_model_create(&broken, nullptr, &model));
  printStatus("run(null model)", loom_model_run(nullptr, nullptr, nullptr));

  info.random_seed = 0;
  printStatus("create(random)", loom_model_create(&info, nullptr, &model));
  printStatus("run(null inputs)", loom_model_run(model, nullptr, nullptr));
  float x[6] = {1234, 0, 0, 0, 0, 0}, y[6];
  int32_t tokens[2] = {1, 2}, doubled[2];
  const void *inputs[] = {x, tokens};
  void *outputs[] = {y, doubled};
  printStatus("run(poisoned)", loom_model_run(model, inputs, outputs));
  printStatus("rerun(before a run)", loom_model_rerun_on_device(model));
  x[0] = 1;
  printStatus("run", loom_model_run(model, inputs, outputs));
  std::printf("doubled = [%d, %d], info = %s\n", doubled[0], doubled[1],
              loom_model_get_info(model)->model_name);
  doubled[0] = doubled[1] = 0; // a CPU rerun writes the previous run's output arrays again
  printStatus("rerun", loom_model_rerun_on_device(model));
  std::printf("doubled = [%d, %d]\n", doubled[0], doubled[1]);
  printStatus("rerun(null model)", loom_model_rerun_on_device(nullptr));
  loom_model_destroy(model);
  loom_model_destroy(nullptr);
  return 0;
}
