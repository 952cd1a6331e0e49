// loomrt-tool: prints what libloomrt's safetensors and .npy readers see (or their error), and
// runs the demo model through loom_main; used by test/Runtime and by fuzzers.
#include "DemoModel.h"
#include "Npy.h"
#include "Safetensors.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>

using namespace loom::runtime;

namespace {

int listSafetensors(const std::string &path) {
  auto file = SafetensorsFile::open(path);
  for (const auto &[key, value] : file->metadata())
    std::printf("metadata %s=%s\n", key.c_str(), value.c_str());
  for (const SafetensorsTensor &tensor : file->tensors())
    std::printf("%s %s %s [%llu, %llu]\n", tensor.name.c_str(), tensor.dtype.c_str(),
                formatShape(tensor.shape).c_str(), (unsigned long long)tensor.dataBegin,
                (unsigned long long)tensor.dataEnd);
  return 0;
}

// Reads and writes back every tensor with the runtime's writer: a round trip for tests.
int rewriteSafetensors(const std::string &inputPath, const std::string &outputPath) {
  auto file = SafetensorsFile::open(inputPath);
  std::vector<SafetensorsTensorData> tensors;
  for (const SafetensorsTensor &tensor : file->tensors())
    tensors.push_back({tensor.name, tensor.dtype, tensor.shape, tensor.data});
  writeSafetensors(outputPath, tensors, file->metadata());
  return 0;
}

int describeNpy(const std::string &path) {
  NpyArray array = readNpy(path);
  double minimum = INFINITY, maximum = -INFINITY, sum = 0;
  for (int64_t i = 0; i < array.elementCount(); ++i) {
    double value = array.dtype == LOOM_F32 ? double(array.floats()[i]) : double(array.ints()[i]);
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
    sum += value;
  }
  std::printf("dtype %s (read as %s) shape %s", array.fileDtype.c_str(), dtypeName(array.dtype),
              formatShape(array.shape).c_str());
  // Integers print exactly (up to 2^31); floats with the summary precision of loom_main.
  const char *format = array.dtype == LOOM_I32 ? " min=%.10g max=%.10g mean=%.6g"
                                               : " min=%.6g max=%.6g mean=%.6g";
  if (array.elementCount() > 0)
    std::printf(format, minimum, maximum, sum / double(array.elementCount()));
  std::printf("\n");
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  // The demo model parses its own command line (that is what it tests).
  if (argc >= 2 && std::string(argv[1]).rfind("demo-model", 0) == 0)
    return runDemoModel(argv[1], argc - 1, argv + 1);

  CLI::App app{"Inspects files with libloomrt's readers."};
  app.require_subcommand(1);
  std::string path, outputPath;
  CLI::App *safetensors = app.add_subcommand("safetensors", "list the tensors of a safetensors file");
  safetensors->add_option("FILE", path)->required();
  CLI::App *npy = app.add_subcommand("npy", "print the dtype, shape and statistics of a .npy file");
  npy->add_option("FILE", path)->required();
  CLI::App *rewrite = app.add_subcommand("rewrite-safetensors",
                                         "read a safetensors file and write it back with the "
                                         "runtime's writer");
  rewrite->add_option("INPUT", path)->required();
  rewrite->add_option("OUTPUT", outputPath)->required();
  CLI::App *selfTest = app.add_subcommand("api-selftest", "exercise the C API's error paths");
  app.footer("Also: demo-model, demo-model-random, demo-model-embedded [loom_main options]: run "
             "a built-in two-layer demo model.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &error) {
    if (error.get_exit_code() == 0)
      return app.exit(error);
    std::fprintf(stderr, "error: %s\n", error.what());
    return 2;
  }
  try {
    if (*safetensors)
      return listSafetensors(path);
    if (*npy)
      return describeNpy(path);
    if (*rewrite)
      return rewriteSafetensors(path, outputPath);
    if (*selfTest)
      return runApiSelfTest();
  } catch (const std::exception &error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 2;
}
