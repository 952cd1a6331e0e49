// Error type, formatting, file mapping, atomic writes and the deterministic generator.
#include "RuntimeSupport.h"

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace loom::runtime {

void fail(loom_status status, const std::string &message) { throw Error(status, message); }

std::string formatString(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  va_list argumentsCopy;
  va_copy(argumentsCopy, arguments);
  int length = std::vsnprintf(nullptr, 0, format, arguments);
  va_end(arguments);
  std::string result(length > 0 ? size_t(length) : 0, '\0');
  if (length > 0)
    std::vsnprintf(result.data(), result.size() + 1, format, argumentsCopy);
  va_end(argumentsCopy);
  return result;
}

std::string formatShape(const int64_t *shape, int rank) {
  std::string text = "[";
  for (int i = 0; i < rank; ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string formatShape(const std::vector<int64_t> &shape) {
  return formatShape(shape.data(), int(shape.size()));
}

const char *dtypeName(loom_dtype dtype) {
  switch (dtype) {
  case LOOM_F32:
    return "f32";
  case LOOM_I32:
    return "i32";
  }
  return "unknown";
}

bool checkedByteCount(const std::vector<int64_t> &shape, uint64_t elementSize,
                      uint64_t &byteCount) {
  const uint64_t limit = uint64_t(INT64_MAX);
  uint64_t count = elementSize;
  for (int64_t extent : shape) {
    if (extent < 0)
      return false;
    if (extent != 0 && count > limit / uint64_t(extent))
      return false;
    count *= uint64_t(extent);
  }
  byteCount = count;
  return true;
}

MappedFile::MappedFile(const std::string &path) {
  int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0)
    fail(LOOM_ERROR_IO, formatString("cannot open '%s': %s", path.c_str(), std::strerror(errno)));
  struct stat status;
  if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(descriptor);
    fail(LOOM_ERROR_IO, formatString("cannot read '%s': not a regular file", path.c_str()));
  }
  size_ = size_t(status.st_size);
  // mmap rejects empty mappings; an empty file is reported by the format readers.
  if (size_ > 0) {
    void *mapping = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, descriptor, 0);
    if (mapping == MAP_FAILED) {
      int mapError = errno;
      ::close(descriptor);
      fail(LOOM_ERROR_IO, formatString("cannot map '%s': %s", path.c_str(), std::strerror(mapError)));
    }
    data_ = static_cast<uint8_t *>(mapping);
  }
  ::close(descriptor);
}

MappedFile::~MappedFile() {
  if (data_)
    ::munmap(data_, size_);
}

void writeFileAtomically(const std::string &path, const void *data, size_t size) {
  static std::atomic<unsigned> counter{0};
  std::string temporaryPath =
      formatString("%s.tmp.%d.%u", path.c_str(), int(::getpid()), counter.fetch_add(1));
  int descriptor = ::open(temporaryPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0)
    fail(LOOM_ERROR_IO, formatString("cannot create '%s': %s", temporaryPath.c_str(),
                                     std::strerror(errno)));
  const uint8_t *bytes = static_cast<const uint8_t *>(data);
  size_t written = 0;
  while (written < size) {
    ssize_t result = ::write(descriptor, bytes + written, size - written);
    if (result < 0 && errno == EINTR)
      continue;
    if (result <= 0) {
      int writeError = errno;
      ::close(descriptor);
      ::unlink(temporaryPath.c_str());
      fail(LOOM_ERROR_IO, formatString("cannot write '%s': %s", temporaryPath.c_str(),
                                       std::strerror(writeError)));
    }
    written += size_t(result);
  }
  if (::close(descriptor) != 0 || ::rename(temporaryPath.c_str(), path.c_str()) != 0) {
    int renameError = errno;
    ::unlink(temporaryPath.c_str());
    fail(LOOM_ERROR_IO,
         formatString("cannot write '%s': %s", path.c_str(), std::strerror(renameError)));
  }
}

static uint64_t splitMix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

UniformStream::UniformStream(uint64_t seed, std::string_view streamName) {
  uint64_t nameHash = 0xCBF29CE484222325ull; // FNV-1a 64 offset basis
  for (char c : streamName)
    nameHash = (nameHash ^ uint8_t(c)) * 0x100000001B3ull;
  uint64_t seedState = seed ^ nameHash;
  state_ = splitMix64(seedState);
}

float UniformStream::next(float bound) {
  // 24 random bits are exactly representable in a float, so unitInterval is in [0, 1).
  float unitInterval = float(splitMix64(state_) >> 40) * (1.0f / 16777216.0f);
  return bound * (2.0f * unitInterval - 1.0f);
}

std::string granularityName(int index, int count) {
  static const char *names[] = {"xl", "l", "m", "s"};
  int fromTop = count - 1 - index;
  if (fromTop < 4)
    return names[fromTop];
  return std::string(size_t(fromTop - 3), 'x') + "s"; // xs, xxs, ...
}

} // namespace loom::runtime
