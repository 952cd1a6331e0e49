/* A tiny C program that uses a Loom library through its generated header.
 * Built by the tests with -DMODEL=<name> -DMODEL_HEADER="<name>.h". */
#include MODEL_HEADER

#include <stdio.h>
#include <stdlib.h>

#define CONCAT_(a, b) a##b
#define CONCAT(a, b) CONCAT_(a, b)
#define API(suffix) CONCAT(MODEL, suffix)

static int64_t element_count(const loom_tensor_desc *tensor) {
  int64_t count = 1;
  for (int i = 0; i < tensor->rank; ++i)
    count *= tensor->shape[i];
  return count;
}

int main(void) {
  MODEL *model = NULL;
  /* A missing weights file is an error code and a message, not an exit. */
  loom_status status = API(_create)("/nonexistent/weights.safetensors", &model);
  printf("missing weights: status=%d model=%s message=%s\n", (int)status,
         model ? "set" : "null", API(_last_error)());
  if (status == LOOM_OK)
    return 1;

  status = API(_create)(NULL, &model);
  if (status != LOOM_OK) {
    fprintf(stderr, "create failed: %s\n", API(_last_error)());
    return 1;
  }
  const loom_model_info *info = API(_info)();
  printf("model %s: %d inputs, %d params, %d outputs\n", info->model_name,
         info->num_inputs, info->num_params, info->num_outputs);

  const void *inputs[16];
  void *outputs[16];
  for (int i = 0; i < info->num_inputs; ++i) {
    int64_t count = element_count(&info->inputs[i]);
    float *data = malloc(sizeof(float) * count);
    for (int64_t j = 0; j < count; ++j)
      data[j] = (float)((j % 17) - 8) / 8.0f;
    inputs[i] = data;
  }
  for (int i = 0; i < info->num_outputs; ++i)
    outputs[i] = malloc(sizeof(float) * element_count(&info->outputs[i]));

  status = API(_run)(model, inputs, outputs);
  if (status != LOOM_OK) {
    fprintf(stderr, "run failed: %s\n", API(_last_error)());
    return 1;
  }
  for (int i = 0; i < info->num_outputs; ++i) {
    const float *data = outputs[i];
    int64_t count = element_count(&info->outputs[i]);
    double sum = 0;
    int finite = 1;
    for (int64_t j = 0; j < count; ++j) {
      sum += data[j];
      if (!(data[j] == data[j]))
        finite = 0;
    }
    printf("output %s: %lld values, finite=%d, sum=%.6f\n", info->outputs[i].name,
           (long long)count, finite, sum);
  }
  /* Running twice gives the same numbers (weights stay loaded). */
  float first = ((const float *)outputs[0])[0];
  API(_run)(model, inputs, outputs);
  printf("repeatable=%d\n", ((const float *)outputs[0])[0] == first);
  API(_destroy)(model);
  return 0;
}
