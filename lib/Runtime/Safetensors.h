// Reader (mmap or in-memory, fully validated header) and writer for the safetensors format.
#ifndef LOOM_RUNTIME_SAFETENSORS_H
#define LOOM_RUNTIME_SAFETENSORS_H

#include "RuntimeSupport.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::runtime {

// Element size in bytes of a safetensors dtype name ("F32" -> 4), 0 when unknown.
size_t safetensorsElementSize(std::string_view dtype);

struct SafetensorsTensor {
  std::string name;
  std::string dtype; // as written in the header: "F32", "BF16", ...
  size_t elementSize = 0;
  std::vector<int64_t> shape;
  uint64_t dataBegin = 0, dataEnd = 0; // "data_offsets", relative to the data section
  const uint8_t *data = nullptr;       // points into the mapping or the caller's blob
  uint64_t byteSize() const { return dataEnd - dataBegin; }
};

// A validated safetensors image. Errors throw Error (LOOM_ERROR_IO for unreadable files,
// LOOM_ERROR_WEIGHTS for malformed contents), and every message names the file and,
// where there is one, the tensor.
class SafetensorsFile {
public:
  static std::unique_ptr<SafetensorsFile> open(const std::string &path);
  // Does not copy: `data` must outlive the returned object. `displayName` is used in
  // error messages in place of a file name.
  static std::unique_ptr<SafetensorsFile> fromMemory(const void *data, size_t size,
                                                     const std::string &displayName);

  const std::string &sourceName() const { return sourceName_; }
  // Sorted by name.
  const std::vector<SafetensorsTensor> &tensors() const { return tensors_; }
  const SafetensorsTensor *find(std::string_view name) const;
  // The optional "__metadata__" object, in file order.
  const std::vector<std::pair<std::string, std::string>> &metadata() const { return metadata_; }

private:
  SafetensorsFile() = default;
  void parse(const uint8_t *data, size_t size);

  std::unique_ptr<MappedFile> mapping_; // null for in-memory images
  std::string sourceName_;
  std::vector<SafetensorsTensor> tensors_;
  std::vector<std::pair<std::string, std::string>> metadata_;
};

// Why `weights` cannot supply the parameter `expected` (missing, another dtype or
// another shape), or "" when it can. Shared by loomc's compile-time check and
// loom_model_create, so both report a bad weights file the same way.
std::string parameterProblem(const SafetensorsFile &weights, const loom_tensor_desc &expected);

struct SafetensorsTensorData {
  std::string name;
  std::string dtype; // a name safetensorsElementSize knows
  std::vector<int64_t> shape;
  const void *data; // product(shape) * element size bytes
};

// Lays tensors out in the given order after a header padded with spaces to a multiple of
// 8 bytes, so that every tensor of an 8-byte-aligned image is naturally aligned.
std::vector<uint8_t> serializeSafetensors(
    const std::vector<SafetensorsTensorData> &tensors,
    const std::vector<std::pair<std::string, std::string>> &metadata = {});
void writeSafetensors(const std::string &path, const std::vector<SafetensorsTensorData> &tensors,
                      const std::vector<std::pair<std::string, std::string>> &metadata = {});

} // namespace loom::runtime

#endif // LOOM_RUNTIME_SAFETENSORS_H
