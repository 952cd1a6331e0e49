// loom-fuzz-replay: runs files through a fuzz target with the ordinary build,
// so the corpora and every crash the fuzzers found stay regression tests.
#include "fuzz/FuzzTargets.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  using namespace loom::fuzz;
  const NamedTarget *target = nullptr;
  if (argc >= 2)
    for (const NamedTarget *it = targetsBegin(); it != targetsEnd(); ++it)
      if (std::strcmp(it->name, argv[1]) == 0)
        target = it;
  if (!target) {
    std::fprintf(stderr, "usage: loom-fuzz-replay TARGET FILE...\ntargets:");
    for (const NamedTarget *it = targetsBegin(); it != targetsEnd(); ++it)
      std::fprintf(stderr, " %s", it->name);
    std::fprintf(stderr, "\n");
    return 2;
  }
  // Arguments are files or folders (every regular file below them, in a
  // fixed order); a folder may be empty.
  std::vector<std::filesystem::path> inputs;
  for (int arg = 2; arg < argc; ++arg) {
    std::error_code error;
    if (std::filesystem::is_directory(argv[arg], error)) {
      std::vector<std::filesystem::path> found;
      for (const auto &entry : std::filesystem::recursive_directory_iterator(argv[arg]))
        if (entry.is_regular_file())
          found.push_back(entry.path());
      std::sort(found.begin(), found.end());
      inputs.insert(inputs.end(), found.begin(), found.end());
    } else {
      inputs.emplace_back(argv[arg]);
    }
  }
  int replayed = 0;
  for (const auto &path : inputs) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "loom-fuzz-replay: cannot read '%s'\n", path.c_str());
      return 1;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                               std::istreambuf_iterator<char>());
    target->run(bytes.data(), bytes.size());
    ++replayed;
  }
  std::printf("%s: replayed %d inputs\n", target->name, replayed);
  return 0;
}
