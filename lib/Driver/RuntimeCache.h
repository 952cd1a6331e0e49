// A cache of Halide's runtime object, compiled once per target instead of once per artifact.
#ifndef LOOM_DRIVER_RUNTIMECACHE_H
#define LOOM_DRIVER_RUNTIMECACHE_H

#include <Halide.h>

#include <optional>
#include <string>

namespace loom {

/// Where the cache lives: $LOOM_CACHE_DIR, else $XDG_CACHE_HOME/loom, else
/// $HOME/.cache/loom; nullopt when none of them is set.
std::optional<std::string> cacheDirectory();

/// The cache entry of Halide's runtime for `target`: its file name holds the
/// target and a hash of what the object depends on (the target string, the
/// Halide library loomc runs with, the loomc executable itself and the cache
/// format), so a new Halide or a rebuilt loomc never reuses an old object.
std::string runtimeCacheEntry(const std::string &directory, const Halide::Target &target);

/// How an artifact got its runtime object.
enum class RuntimeSource {
  Cache,       // a valid cache entry, copied out
  Compiled,    // compiled now and stored in the cache
  Uncached,    // compiled now; the cache is off (--no-runtime-cache) or unusable
};

struct RuntimeLookup {
  /// The object bytes of a valid entry (source Cache), else empty.
  std::string object;
  /// Why an existing entry was rejected (truncated, checksum mismatch...);
  /// empty when there was no entry or it was valid.
  std::string damage;
};

/// Reads and checks the entry at `path`: an entry is the object followed by
/// a trailer (magic, size, checksum), so a truncated or overwritten file is
/// detected instead of reaching the linker.
RuntimeLookup readRuntimeEntry(const std::string &path);

/// Stores `objectPath`'s bytes as the entry at `path`: written to a unique
/// temporary file in the same directory and renamed into place, so
/// concurrent loomc runs (lit runs many) never see a half-written entry.
/// Returns an error message, empty on success.
std::string writeRuntimeEntry(const std::string &path, const std::string &objectPath);

} // namespace loom

#endif // LOOM_DRIVER_RUNTIMECACHE_H
