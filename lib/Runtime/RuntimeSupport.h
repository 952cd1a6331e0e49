// Helpers shared by the runtime's readers, writers, C API and CLI: the error type, shape
// formatting, read-only file mappings, atomic file writes and the deterministic generator.
#ifndef LOOM_RUNTIME_RUNTIMESUPPORT_H
#define LOOM_RUNTIME_RUNTIMESUPPORT_H

#include "loomrt.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loom::runtime {

// The C++ side of the runtime reports failures by throwing Error; the C entry points in
// Model.cpp and Main.cpp catch it and turn it into a loom_status plus loom_last_error().
class Error : public std::runtime_error {
public:
  Error(loom_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  loom_status status() const { return status_; }

private:
  loom_status status_;
};

[[noreturn]] void fail(loom_status status, const std::string &message);

// printf-style formatting into a std::string (the runtime avoids needing libfmt at the
// link step of generated artifacts).
std::string formatString(const char *format, ...) __attribute__((format(printf, 1, 2)));

/// The size name of granularity `index` of `count` (MatFormer's s, m, l, xl),
/// counted from the full width down: xl, l, m, s, xs, xxs, ...
std::string granularityName(int index, int count);

// "[2, 3]"; "[]" for a scalar.
std::string formatShape(const int64_t *shape, int rank);
std::string formatShape(const std::vector<int64_t> &shape);

// "f32" / "i32", as printed in summaries and error messages.
const char *dtypeName(loom_dtype dtype);

// Number of elements of `shape` times `elementSize`; false when a dimension is negative
// or the product overflows 63 bits.
bool checkedByteCount(const std::vector<int64_t> &shape, uint64_t elementSize,
                      uint64_t &byteCount);

// A whole file mapped read-only; weights stay mapped for the model's lifetime so that
// parameters can point straight into the page cache.
class MappedFile {
public:
  MappedFile() = default;
  explicit MappedFile(const std::string &path); // throws Error(LOOM_ERROR_IO)
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile();
  const uint8_t *data() const { return data_; }
  size_t size() const { return size_; }

private:
  uint8_t *data_ = nullptr;
  size_t size_ = 0;
};

// Writes to a temporary file beside `path` and renames it into place, so that readers
// never see a half-written file.
void writeFileAtomically(const std::string &path, const void *data, size_t size);

// Deterministic random numbers for random weights and missing inputs. Each named stream
// is seeded with SplitMix64(seed XOR FNV-1a-64(name)) and then advanced with SplitMix64;
// value i is ((output_i >> 40) * 2^-24) scaled to [-bound, bound). Seeding by name means
// adding or removing one tensor never changes the values of another. The generator is
// part of the runtime's contract: changing it changes every random-weight benchmark.
class UniformStream {
public:
  UniformStream(uint64_t seed, std::string_view streamName);
  float next(float bound); // uniform in [-bound, bound)

private:
  uint64_t state_;
};

} // namespace loom::runtime

#endif // LOOM_RUNTIME_RUNTIMESUPPORT_H
