/* libloomrt: the C ABI between loomc's generated glue and the Loom runtime. */
#ifndef LOOM_RUNTIME_LOOMRT_H
#define LOOM_RUNTIME_LOOMRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum loom_dtype {
  LOOM_F32 = 0,
  LOOM_I32 = 1,
} loom_dtype;

/* Error codes returned by every runtime entry point (0 is success). */
typedef enum loom_status {
  LOOM_OK = 0,
  LOOM_ERROR_INVALID_ARGUMENT = 1, /* null pointer, bad shape, unknown name */
  LOOM_ERROR_IO = 2,               /* file missing, unreadable, truncated */
  LOOM_ERROR_WEIGHTS = 3,          /* missing / misshaped / mistyped tensor */
  LOOM_ERROR_PIPELINE = 4,         /* the compiled pipeline reported an error */
  LOOM_ERROR_NO_DEVICE = 5,        /* GPU artifact but no usable CUDA driver */
} loom_status;

/* A tensor in PyTorch order: shape[0] is the outermost dimension, the last
 * dimension is contiguous. */
typedef struct loom_tensor_desc {
  const char *name;
  loom_dtype dtype;
  int rank;
  const int64_t *shape;
} loom_tensor_desc;

/* Kind of deterministic initialization for a parameter when no weights file
 * is given (random weights, for demos and benchmarks). */
typedef enum loom_init_kind {
  LOOM_INIT_UNIFORM_FAN_IN = 0, /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default */
  LOOM_INIT_ONES = 1,           /* norm scales, running variances */
  LOOM_INIT_ZEROS = 2,          /* norm shifts, running means */
} loom_init_kind;

typedef struct loom_param_desc {
  loom_tensor_desc tensor;
  loom_init_kind init;
  int64_t fan_in;
} loom_param_desc;

/* A nested layer (loom.nested_ffn, loom.nested_embedding) whose width the
 * caller picks at run time: MatFormer's granularities, per layer
 * (Mix'n'Match) or for all layers at once. */
typedef struct loom_granularity_desc {
  const char *layer;     /* the layer's name in the spec, e.g. "blocks.0.ffn" */
  int num_values;
  const int64_t *values; /* the declared widths, increasing; the last is the
                            full width. Any width in [1, full] runs; the
                            declared ones run on specialized code. */
} loom_granularity_desc;

/* Halide's `NAME_argv` entry point: args[i] is a halide_buffer_t* in the
 * order inputs, params, then one int32_t* per nested layer (its width), then
 * outputs. Returns 0 on success. */
typedef int (*loom_pipeline_argv_fn)(void **args);

/* Everything the runtime needs to know about one compiled model; loomc
 * emits one of these per artifact. */
typedef struct loom_model_info {
  const char *model_name;
  int num_inputs;
  const loom_tensor_desc *inputs;
  int num_params;
  const loom_param_desc *params;
  int num_outputs;
  const loom_tensor_desc *outputs;
  loom_pipeline_argv_fn run_argv;
  /* Optional safetensors image embedded in the artifact (--embed-weights);
   * NULL when absent. */
  const unsigned char *embedded_weights;
  size_t embedded_weights_size;
  /* Seed for random weights when neither a weights file nor embedded
   * weights are given; -1 means random weights are not allowed. */
  int64_t random_seed;
  /* Non-zero when the pipeline was compiled for CUDA. */
  int uses_gpu;
  /* Weights file used when loom_model_create gets no path and nothing is
   * embedded (the file given to loomc --weights); NULL when none. */
  const char *default_weights_path;
  /* Nested layers, in the pipeline's argument order (0 and NULL if none).
   * Added last so that the fields above keep their offsets. */
  int num_granularity_layers;
  const loom_granularity_desc *granularity_layers;
  /* GPU builds: the Halide device interface the weights are uploaded with at
   * create (halide_cuda_device_interface); NULL for CPU builds. Added last. */
  const struct halide_device_interface_t *(*device_interface)(void);
} loom_model_info;

typedef struct loom_model loom_model;

/* Message of the last failed call on this thread ("" when none). */
const char *loom_last_error(void);

/* Loads the weights (file, else embedded, else random when allowed) and
 * checks every parameter's presence, dtype and shape. weights_path may be
 * NULL. On failure *out is NULL and the status says why. */
loom_status loom_model_create(const loom_model_info *info,
                              const char *weights_path, loom_model **out);

/* inputs[i] / outputs[i] point at contiguous row-major data matching the
 * descriptors (a null pointer is LOOM_ERROR_INVALID_ARGUMENT).
 * NaN policy: values are not checked. NaN and infinity in inputs or weights
 * flow through the arithmetic as IEEE-754 defines (so relu(NaN) may give 0 or
 * NaN depending on the schedule's max), and the executable's summary counts
 * the NaNs of each output. Check finiteness before the call if it matters. */
loom_status loom_model_run(loom_model *model, const void *const *inputs,
                           void *const *outputs);

/* Runs the model again on the inputs of the previous loom_model_run, for
 * timing the device work alone. On a GPU build the inputs are not uploaded
 * again (they must be unchanged since that run), the outputs stay on the
 * device (their host arrays are not written), and the call returns once the
 * device has finished. On a CPU build it repeats the previous run.
 * LOOM_ERROR_INVALID_ARGUMENT if loom_model_run has not succeeded before. */
loom_status loom_model_rerun_on_device(loom_model *model);

void loom_model_destroy(loom_model *model);

const loom_model_info *loom_model_get_info(const loom_model *model);

/* Granularity (width) of nested layers. `layer` indexes
 * info->granularity_layers, or is -1 for every nested layer. A model starts
 * at full width. Widths take effect at the next run; do not set them while
 * another thread runs the model. On an invalid layer or value, nothing
 * changes and the status is LOOM_ERROR_INVALID_ARGUMENT with a message that
 * lists the valid values.
 *
 * `width`: a hidden width in [1, full width of the layer]. */
loom_status loom_model_set_granularity(loom_model *model, int layer, int64_t width);
/* `name`: a declared granularity by its size name, or a width in decimal.
 * Size names count down from the full width: "xl" is the last (full)
 * granularity, then "l", "m", "s", "xs", "xxs", ...; with MatFormer's four
 * granularities they are s, m, l, xl in order, with two they are l, xl. For
 * layer -1 a size name picks each layer's own granularity of that name. */
loom_status loom_model_set_granularity_by_name(loom_model *model, int layer,
                                               const char *name);
/* The current width of nested layer `layer`, or -1 for a bad argument. */
int64_t loom_model_get_granularity(const loom_model *model, int layer);

/* The generated executable's main(): --weights, --input name=file.npy,
 * --output-dir, --bench N, --seed, --granularity VALUE,
 * --granularity-per-layer LAYER:VALUE,..., --help. */
int loom_main(const loom_model_info *info, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* LOOM_RUNTIME_LOOMRT_H */
