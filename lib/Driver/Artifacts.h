// Generation of the C++ glue, C header and link steps around a compiled pipeline.
#ifndef LOOM_DRIVER_ARTIFACTS_H
#define LOOM_DRIVER_ARTIFACTS_H

#include "lib/Halide/ScanKernel.h"
#include "dialect/LoomDialect.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loom {

struct TensorInfo {
  std::string name;
  bool isInt32 = false;
  std::vector<int64_t> shape;
  std::string init = "fan_in"; // parameters only
  int64_t fanIn = 1;           // parameters only
};

/// The interface of a compiled model, in the pipeline's argument order.
/// A nested layer whose width is picked at run time.
struct GranularityInfo {
  std::string layer;
  std::vector<int64_t> values;
};

struct ModelInterface {
  std::string name;
  std::vector<TensorInfo> inputs, params, outputs;
  std::vector<GranularityInfo> granularities;
};

ModelInterface describeModel(ModelOp model);

/// Options that shape the generated glue.
struct GlueOptions {
  bool withMain = false;        // executable: main() calls loom_main
  bool embedWeights = false;    // refers to NAME_embedded_weights{,_size}
  int64_t randomSeed = -1;      // -1: random weights not allowed
  std::optional<std::string> defaultWeightsPath;
  bool usesGpu = false;
  /// The extern stages that launch loomc's own CUDA kernels: the glue
  /// defines their functions (lib/Runtime/loomrt_cuda_kernels.h).
  std::vector<ExternKernel> kernels;
};

/// C++ source defining `NAME_model_info` and the C API (`NAME_create`, ...).
std::string generateGlue(const ModelInterface &model, const GlueOptions &options);

/// The public C header `NAME.h` of a library artifact.
std::string generateHeader(const ModelInterface &model);

/// Assembly that embeds a safetensors file as `NAME_embedded_weights`.
std::string generateEmbeddedWeightsAsm(const ModelInterface &model,
                                       const std::string &weightsPath);

} // namespace loom

#endif // LOOM_DRIVER_ARTIFACTS_H
