// The Halide runtime cache: entry names, checked reads and atomic writes.
#include "lib/Driver/RuntimeCache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <dlfcn.h>

namespace loom {
namespace {

/// Bumped whenever loomc changes how it builds or stores the runtime.
constexpr const char *kFormat = "loom-runtime-cache-1";
constexpr char kMagic[8] = {'L', 'O', 'O', 'M', 'R', 'T', '0', '1'};
/// magic, payload size, xxh3 of the payload.
constexpr size_t kTrailerSize = sizeof(kMagic) + 2 * sizeof(uint64_t);

/// Path, size and modification time of a file: enough to tell two builds of
/// a library or executable apart without hashing megabytes on every run.
std::string fileIdentity(const std::string &path) {
  llvm::sys::fs::file_status status;
  if (path.empty() || llvm::sys::fs::status(path, status))
    return path + ":?";
  return fmt::format("{}:{}:{}", path, status.getSize(),
                     status.getLastModificationTime().time_since_epoch().count());
}

/// The shared library that holds Halide (libHalide.so.14), found from one of
/// its functions.
std::string halideLibraryPath() {
  Dl_info info;
  auto function = static_cast<void (*)(const std::string &, const Halide::Target &)>(
      &Halide::compile_standalone_runtime);
  if (dladdr(reinterpret_cast<void *>(function), &info) && info.dli_fname)
    return info.dli_fname;
  return "";
}

std::string mainExecutablePath() {
  static int anchor;
  return llvm::sys::fs::getMainExecutable(nullptr, &anchor);
}

} // namespace

std::optional<std::string> cacheDirectory() {
  if (auto fromEnvironment = llvm::sys::Process::GetEnv("LOOM_CACHE_DIR"))
    if (!fromEnvironment->empty())
      return *fromEnvironment;
  llvm::SmallString<256> path;
  if (auto xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME"); xdg && !xdg->empty()) {
    path = *xdg;
  } else if (auto home = llvm::sys::Process::GetEnv("HOME"); home && !home->empty()) {
    path = *home;
    llvm::sys::path::append(path, ".cache");
  } else {
    return std::nullopt;
  }
  llvm::sys::path::append(path, "loom");
  return std::string(path);
}

std::string runtimeCacheEntry(const std::string &directory, const Halide::Target &target) {
  std::string targetName = target.to_string();
  std::string key = fmt::format("{}\n{}\n{}\n{}", kFormat, targetName,
                                fileIdentity(halideLibraryPath()),
                                fileIdentity(mainExecutablePath()));
  uint64_t hash = llvm::xxh3_64bits(llvm::StringRef(key));
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, fmt::format("halide-runtime-{}-{:016x}.o", targetName, hash));
  return std::string(path);
}

RuntimeLookup readRuntimeEntry(const std::string &path) {
  RuntimeLookup lookup;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return lookup; // no entry (or unreadable: treated as none)
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() < kTrailerSize) {
    lookup.damage = fmt::format("{} bytes, shorter than its trailer", bytes.size());
    return lookup;
  }
  llvm::StringRef trailer = bytes.take_back(kTrailerSize);
  llvm::StringRef payload = bytes.drop_back(kTrailerSize);
  uint64_t size, checksum;
  std::memcpy(&size, trailer.data() + sizeof(kMagic), sizeof(size));
  std::memcpy(&checksum, trailer.data() + sizeof(kMagic) + sizeof(size), sizeof(checksum));
  if (std::memcmp(trailer.data(), kMagic, sizeof(kMagic)) != 0)
    lookup.damage = "no trailer (truncated or overwritten)";
  else if (size != payload.size())
    lookup.damage = fmt::format("holds {} bytes, its trailer says {}", payload.size(), size);
  else if (checksum != llvm::xxh3_64bits(payload))
    lookup.damage = "checksum mismatch";
  else
    lookup.object = payload.str();
  return lookup;
}

std::string writeRuntimeEntry(const std::string &path, const std::string &objectPath) {
  auto object = llvm::MemoryBuffer::getFile(objectPath, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!object)
    return "cannot read " + objectPath + ": " + object.getError().message();
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  if (std::error_code error = llvm::sys::fs::create_directories(directory))
    return fmt::format("cannot create {}: {}", directory.str(), error.message());
  llvm::StringRef payload = (*object)->getBuffer();
  uint64_t size = payload.size();
  uint64_t checksum = llvm::xxh3_64bits(payload);
  char trailer[kTrailerSize];
  std::memcpy(trailer, kMagic, sizeof(kMagic));
  std::memcpy(trailer + sizeof(kMagic), &size, sizeof(size));
  std::memcpy(trailer + sizeof(kMagic) + sizeof(size), &checksum, sizeof(checksum));

  int fd;
  llvm::SmallString<256> temporary;
  if (std::error_code error =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, temporary))
    return fmt::format("cannot create a file in {}: {}", directory.str(), error.message());
  bool written;
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << payload << llvm::StringRef(trailer, kTrailerSize);
    out.close();
    written = !out.has_error();
    if (!written)
      out.clear_error();
  }
  if (!written) {
    llvm::sys::fs::remove(temporary);
    return "cannot write " + std::string(temporary);
  }
  if (std::error_code error = llvm::sys::fs::rename(temporary, path)) {
    llvm::sys::fs::remove(temporary);
    return fmt::format("cannot rename {} to {}: {}", std::string(temporary), path,
                       error.message());
  }
  return "";
}

} // namespace loom
