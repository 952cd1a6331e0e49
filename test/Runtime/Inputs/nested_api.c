/* Sets nested-layer widths through a generated C API: valid names and widths,
 * then invalid ones, which return an error code and a message and change
 * nothing. Built by nested-api.test against test/numeric/Inputs/nested.loom. */
#include "nested.h"

#include <stdio.h>
#include <stdlib.h>

static float checksum(nested *model, const float *x, float *y, float *e) {
  const void *inputs[] = {x};
  void *outputs[] = {y, e};
  if (nested_run(model, inputs, outputs) != LOOM_OK) {
    printf("run failed: %s\n", nested_last_error());
    exit(1);
  }
  float sum = 0;
  for (int i = 0; i < 2 * 8 * 32; ++i)
    sum += y[i] * (float)(i % 7);
  return sum;
}

static void report(const char *what, loom_status status) {
  printf("%s: status %d: %s\n", what, (int)status,
         status == LOOM_OK ? "ok" : nested_last_error());
}

int main(void) {
  nested *model = NULL;
  if (nested_create(NULL, &model) != LOOM_OK) {
    printf("create failed: %s\n", nested_last_error());
    return 1;
  }
  const loom_model_info *info = nested_info();
  for (int i = 0; i < info->num_granularity_layers; ++i) {
    const loom_granularity_desc *layer = &info->granularity_layers[i];
    printf("layer %d %s:", i, layer->layer);
    for (int k = 0; k < layer->num_values; ++k)
      printf(" %lld", (long long)layer->values[k]);
    printf(" (now %lld)\n", (long long)loom_model_get_granularity((loom_model *)model, i));
  }
  static float x[2 * 8 * 32], y[2 * 8 * 32], e[2 * 8 * 32];
  for (int i = 0; i < 2 * 8 * 32; ++i)
    x[i] = (float)((i % 13) - 6) / 6.0f;

  float full = checksum(model, x, y, e);
  report("set all m", nested_set_granularity_by_name(model, -1, "m"));
  float small = checksum(model, x, y, e);
  report("set layer 0 to 20", nested_set_granularity(model, 0, 20));
  printf("widths: %lld %lld %lld\n",
         (long long)loom_model_get_granularity((loom_model *)model, 0),
         (long long)loom_model_get_granularity((loom_model *)model, 1),
         (long long)loom_model_get_granularity((loom_model *)model, 2));
  report("set all xl", nested_set_granularity_by_name(model, -1, "xl"));
  float back = checksum(model, x, y, e);
  printf("m differs from xl: %d, xl again equals xl: %d\n", small != full, back == full);

  report("set all s", nested_set_granularity_by_name(model, -1, "s"));
  report("set layer 1 to 49", nested_set_granularity(model, 1, 49));
  report("set layer 0 to 0", nested_set_granularity(model, 0, 0));
  report("set layer 3", nested_set_granularity(model, 3, 8));
  report("set layer 0 to 'huge'", nested_set_granularity_by_name(model, 0, "huge"));
  printf("widths unchanged: %lld %lld %lld\n",
         (long long)loom_model_get_granularity((loom_model *)model, 0),
         (long long)loom_model_get_granularity((loom_model *)model, 1),
         (long long)loom_model_get_granularity((loom_model *)model, 2));
  nested_destroy(model);
  return 0;
}
