// Reader and writer for NumPy .npy files (the inputs and outputs of generated executables).
#ifndef LOOM_RUNTIME_NPY_H
#define LOOM_RUNTIME_NPY_H

#include "RuntimeSupport.h"

#include <string>
#include <vector>

namespace loom::runtime {

// An array converted to one of the runtime's element types: <f4 and <f8 become f32,
// <i4 and <i8 become i32 (an <i8 value outside the int32 range is an error).
struct NpyArray {
  std::string fileDtype; // the "descr" as written in the file, e.g. "<f8"
  loom_dtype dtype = LOOM_F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes; // elementCount() * 4 bytes in C order
  int64_t elementCount() const { return int64_t(bytes.size() / 4); }
  const float *floats() const { return reinterpret_cast<const float *>(bytes.data()); }
  const int32_t *ints() const { return reinterpret_cast<const int32_t *>(bytes.data()); }
};

// Errors throw Error (LOOM_ERROR_IO) whose message starts with the file name.
NpyArray readNpy(const std::string &path);
NpyArray parseNpy(const uint8_t *data, size_t size, const std::string &displayName);

// Format version 1.0 (2.0 only if the header would not fit), dtype <f4 or <i4.
std::vector<uint8_t> serializeNpy(loom_dtype dtype, const std::vector<int64_t> &shape,
                                  const void *data);
void writeNpy(const std::string &path, loom_dtype dtype, const std::vector<int64_t> &shape,
              const void *data); // atomic: temporary file + rename

} // namespace loom::runtime

#endif // LOOM_RUNTIME_NPY_H
