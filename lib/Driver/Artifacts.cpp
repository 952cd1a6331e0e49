// Generated glue, headers and embedded weights of loomc's artifacts.
#include "lib/Driver/Artifacts.h"

#include "dialect/LoomNested.h"

#include <fmt/format.h>

using namespace loom;

ModelInterface loom::describeModel(ModelOp model) {
  ModelInterface interface;
  interface.name = model.getSymName().str();
  auto describe = [](llvm::StringRef name, mlir::Type type) {
    auto tensor = mlir::cast<mlir::RankedTensorType>(type);
    TensorInfo info;
    info.name = name.str();
    info.isInt32 = tensor.getElementType().isInteger(32);
    info.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    return info;
  };
  for (mlir::Operation &op : model.getBody().front()) {
    if (auto input = mlir::dyn_cast<InputOp>(op)) {
      interface.inputs.push_back(describe(input.getName(), input.getType()));
    } else if (auto param = mlir::dyn_cast<ParamOp>(op)) {
      TensorInfo info = describe(param.getName(), param.getType());
      info.init = param.getInit().str();
      info.fanIn = param.getFanIn();
      interface.params.push_back(std::move(info));
    } else if (auto output = mlir::dyn_cast<OutputOp>(op)) {
      interface.outputs.push_back(describe(output.getName(), output.getValue().getType()));
    }
  }
  for (const GranularityLayer &layer : granularityLayers(model))
    interface.granularities.push_back({layer.name, layer.granularities});
  return interface;
}

namespace {

std::string cString(const std::string &text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string shapeList(const std::vector<int64_t> &shape) {
  return fmt::format("{}", fmt::join(shape, ", "));
}

std::string shapeText(const TensorInfo &tensor) {
  return fmt::format("{}[{}]", tensor.isInt32 ? "i32" : "f32", shapeList(tensor.shape));
}

/// Emits `static const int64_t <prefix>_shape_<i>[]` arrays and returns the
/// descriptor initializers for `tensors`.
std::vector<std::string> tensorDescriptors(std::string &out, const char *prefix,
                                           const std::vector<TensorInfo> &tensors) {
  std::vector<std::string> descriptors;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorInfo &tensor = tensors[i];
    // A scalar still needs a non-empty array.
    out += fmt::format("static const int64_t {}_shape_{}[] = {{{}}};\n", prefix, i,
                       tensor.shape.empty() ? "1" : shapeList(tensor.shape));
    descriptors.push_back(fmt::format("{{{}, {}, {}, {}_shape_{}}}", cString(tensor.name),
                                      tensor.isInt32 ? "LOOM_I32" : "LOOM_F32",
                                      tensor.shape.size(), prefix, i));
  }
  return descriptors;
}

const char *initKind(const std::string &init) {
  if (init == "ones")
    return "LOOM_INIT_ONES";
  if (init == "zeros")
    return "LOOM_INIT_ZEROS";
  return "LOOM_INIT_UNIFORM_FAN_IN";
}

std::string arrayOrNull(std::string &out, const char *type, const char *name,
                        const std::vector<std::string> &items) {
  if (items.empty())
    return "nullptr";
  out += fmt::format("static const {} {}[] = {{\n  {}}};\n", type, name,
                     fmt::join(items, ",\n  "));
  return name;
}

/// The extern stages of loomc's own CUDA kernels: the PTX, the launch shape
/// and buffer extents, and the stage's function (loomrt_cuda::launch).
std::string generateKernelStages(const std::vector<ExternKernel> &kernels) {
  std::string out = "#include \"loomrt_cuda_kernels.h\"\n";
  for (size_t i = 0; i < kernels.size(); ++i) {
    const ExternKernel &kernel = kernels[i];
    std::vector<std::string> ranks, extents, parameters, names;
    for (size_t b = 0; b < kernel.bufferExtents.size(); ++b) {
      ranks.push_back(std::to_string(kernel.bufferExtents[b].size()));
      extents.push_back("{" + shapeList(kernel.bufferExtents[b]) + "}");
      parameters.push_back(fmt::format("halide_buffer_t *b{}", b));
      names.push_back(fmt::format("b{}", b));
    }
    out += fmt::format(
        "static const char kernel_ptx_{0}[] = R\"LOOMPTX({1})LOOMPTX\";\n"
        "static loomrt_cuda::Kernel kernel_{0} = {{\n"
        "  {2}, {3}, kernel_ptx_{0}, {{{4}, {5}}}, {6}, {7},\n"
        "  {{{8}}},\n"
        "  {{{9}}},\n"
        "  nullptr, nullptr}};\n"
        "extern \"C\" int {10}({11}) {{\n"
        "  halide_buffer_t *buffers[] = {{{12}}};\n"
        "  return loomrt_cuda::launch(kernel_{0}, buffers);\n"
        "}}\n",
        i, kernel.ptx, cString(kernel.symbol), cString(kernel.kernel), kernel.grid[0],
        kernel.grid[1], kernel.block, kernel.bufferExtents.size(), fmt::join(ranks, ", "),
        fmt::join(extents, ", "), kernel.symbol, fmt::join(parameters, ", "),
        fmt::join(names, ", "));
  }
  return out;
}

} // namespace

std::string loom::generateGlue(const ModelInterface &model, const GlueOptions &options) {
  const std::string &name = model.name;
  std::string out = fmt::format("// Generated by loomc: runtime glue of model '{}'.\n"
                                "#include \"loomrt.h\"\n\n"
                                "extern \"C\" int {}_halide_argv(void **args);\n",
                                name, name);
  if (options.usesGpu && options.kernels.empty()) // in the model's Halide runtime
    out += "extern \"C\" const struct halide_device_interface_t *halide_cuda_device_interface();\n";
  if (!options.kernels.empty())
    out += generateKernelStages(options.kernels);
  if (options.embedWeights)
    out += fmt::format("extern \"C\" const unsigned char {0}_embedded_weights[];\n"
                       "extern \"C\" const unsigned long long {0}_embedded_weights_size;\n",
                       name);
  out += "\nnamespace {\n";
  auto inputs = tensorDescriptors(out, "input", model.inputs);
  auto outputs = tensorDescriptors(out, "output", model.outputs);
  auto paramTensors = tensorDescriptors(out, "param", model.params);
  std::vector<std::string> params;
  for (size_t i = 0; i < model.params.size(); ++i)
    params.push_back(fmt::format("{{{}, {}, {}}}", paramTensors[i],
                                 initKind(model.params[i].init), model.params[i].fanIn));
  std::string inputArray = arrayOrNull(out, "loom_tensor_desc", "inputs", inputs);
  std::string paramArray = arrayOrNull(out, "loom_param_desc", "params", params);
  std::string outputArray = arrayOrNull(out, "loom_tensor_desc", "outputs", outputs);
  std::vector<std::string> granularities;
  for (size_t i = 0; i < model.granularities.size(); ++i) {
    const GranularityInfo &layer = model.granularities[i];
    out += fmt::format("static const int64_t granularity_values_{}[] = {{{}}};\n", i,
                       shapeList(layer.values));
    granularities.push_back(fmt::format("{{{}, {}, granularity_values_{}}}", cString(layer.layer),
                                        layer.values.size(), i));
  }
  std::string granularityArray =
      arrayOrNull(out, "loom_granularity_desc", "granularity_layers", granularities);
  out += "} // namespace\n\n";

  out += fmt::format(
      "extern \"C\" const loom_model_info {0}_model_info = {{\n"
      "  {1}, {2}, {3}, {4}, {5}, {6}, {7},\n"
      "  &{0}_halide_argv,\n"
      "  {8}, {9},\n"
      "  {10}, {11},\n"
      "  {12},\n"
      "  {13}, {14},\n"
      "  {15}}};\n\n",
      name, cString(name), model.inputs.size(), inputArray, model.params.size(),
      paramArray, model.outputs.size(), outputArray,
      options.embedWeights ? name + "_embedded_weights" : "nullptr",
      options.embedWeights ? "(size_t)" + name + "_embedded_weights_size" : "0",
      options.randomSeed, options.usesGpu ? 1 : 0,
      options.defaultWeightsPath ? cString(*options.defaultWeightsPath) : "nullptr",
      model.granularities.size(), granularityArray,
      options.usesGpu ? "&halide_cuda_device_interface" : "nullptr");

  out += fmt::format(
      "extern \"C\" {{\n"
      "typedef struct {0} {0};\n"
      "loom_status {0}_create(const char *weights_path, {0} **out) {{\n"
      "  return loom_model_create(&{0}_model_info, weights_path,\n"
      "                           reinterpret_cast<loom_model **>(out));\n"
      "}}\n"
      "loom_status {0}_run({0} *model, const void *const *inputs, void *const *outputs) {{\n"
      "  return loom_model_run(reinterpret_cast<loom_model *>(model), inputs, outputs);\n"
      "}}\n"
      "void {0}_destroy({0} *model) {{\n"
      "  loom_model_destroy(reinterpret_cast<loom_model *>(model));\n"
      "}}\n"
      "const char *{0}_last_error(void) {{ return loom_last_error(); }}\n"
      "const loom_model_info *{0}_info(void) {{ return &{0}_model_info; }}\n"
      "loom_status {0}_set_granularity({0} *model, int layer, int64_t width) {{\n"
      "  return loom_model_set_granularity(reinterpret_cast<loom_model *>(model), layer, width);\n"
      "}}\n"
      "loom_status {0}_set_granularity_by_name({0} *model, int layer, const char *name) {{\n"
      "  return loom_model_set_granularity_by_name(reinterpret_cast<loom_model *>(model), layer,\n"
      "                                            name);\n"
      "}}\n"
      "}}\n",
      name);
  if (options.withMain)
    out += fmt::format("\nint main(int argc, char **argv) {{\n"
                       "  return loom_main(&{}_model_info, argc, argv);\n}}\n",
                       name);
  return out;
}

std::string loom::generateHeader(const ModelInterface &model) {
  const std::string &name = model.name;
  std::string guard = "LOOM_MODEL_" + name + "_H";
  std::string out = fmt::format(
      "/* Generated by loomc: C API of model '{0}'.\n"
      " *\n"
      " *   {0} *model;\n"
      " *   if ({0}_create(\"weights.safetensors\", &model) != LOOM_OK) {{\n"
      " *     fprintf(stderr, \"%s\\n\", {0}_last_error()); ...\n"
      " *   }}\n"
      " *   {0}_run(model, inputs, outputs);   // contiguous row-major buffers\n"
      " *   {0}_destroy(model);\n"
      " *\n",
      name);
  out += " * Inputs (in order):\n";
  for (const auto &tensor : model.inputs)
    out += fmt::format(" *   {} {}\n", tensor.name, shapeText(tensor));
  out += " * Outputs (in order):\n";
  for (const auto &tensor : model.outputs)
    out += fmt::format(" *   {} {}\n", tensor.name, shapeText(tensor));
  if (!model.granularities.empty()) {
    out += fmt::format(" * Nested layers ({}_set_granularity: index, name, widths):\n", name);
    for (size_t i = 0; i < model.granularities.size(); ++i)
      out += fmt::format(" *   {} {} [{}]\n", i, model.granularities[i].layer,
                         shapeList(model.granularities[i].values));
  }
  out += fmt::format(
      " */\n#ifndef {0}\n#define {0}\n\n#include \"loomrt.h\"\n\n"
      "#ifdef __cplusplus\nextern \"C\" {{\n#endif\n\n"
      "enum {{ {1}_NUM_INPUTS = {2}, {1}_NUM_PARAMS = {3}, {1}_NUM_OUTPUTS = {4} }};\n\n"
      "typedef struct {1} {1};\n\n"
      "/* weights_path may be NULL: then the weights given to loomc (embedded, a\n"
      " * default path or random) are used. On failure *out is NULL. */\n"
      "loom_status {1}_create(const char *weights_path, {1} **out);\n"
      "loom_status {1}_run({1} *model, const void *const *inputs, void *const *outputs);\n"
      "void {1}_destroy({1} *model);\n"
      "/* Message of the last failed call on this thread. */\n"
      "const char *{1}_last_error(void);\n"
      "/* Names, dtypes and shapes of inputs, parameters and outputs. */\n"
      "const loom_model_info *{1}_info(void);\n"
      "/* Width of nested layers (MatFormer granularity; see loomrt.h): `layer`\n"
      " * indexes {1}_info()->granularity_layers, -1 sets all; `name` is s, m, l,\n"
      " * xl (the declared widths in order) or a width in decimal. */\n"
      "loom_status {1}_set_granularity({1} *model, int layer, int64_t width);\n"
      "loom_status {1}_set_granularity_by_name({1} *model, int layer, const char *name);\n\n"
      "/* The Halide entry point, for zero-copy use: halide_buffer_t* for every\n"
      " * input, then every parameter, then every output. */\n"
      "struct halide_buffer_t;\nint {1}_halide_argv(void **args);\n\n"
      "#ifdef __cplusplus\n}}\n#endif\n\n#endif\n",
      guard, name, model.inputs.size(), model.params.size(), model.outputs.size());
  return out;
}

std::string loom::generateEmbeddedWeightsAsm(const ModelInterface &model,
                                             const std::string &weightsPath) {
  // .incbin keeps weights of any size out of the C++ compiler.
  return fmt::format("  .section .rodata\n"
                     "  .global {0}_embedded_weights\n"
                     "  .balign 64\n"
                     "{0}_embedded_weights:\n"
                     "  .incbin {1}\n"
                     "{0}_embedded_weights_end:\n"
                     "  .global {0}_embedded_weights_size\n"
                     "  .balign 8\n"
                     "{0}_embedded_weights_size:\n"
                     "  .quad {0}_embedded_weights_end - {0}_embedded_weights\n"
                     "  .section .note.GNU-stack,\"\",@progbits\n",
                     model.name, cString(weightsPath));
}
