// The fuzz targets of Loom: one entry point per input format that reaches user data.
#ifndef LOOM_FUZZ_FUZZTARGETS_H
#define LOOM_FUZZ_FUZZTARGETS_H

#include <cstddef>
#include <cstdint>

namespace loom::fuzz {

/// A fuzz entry point: consumes one input, returns 0. A crash, a sanitizer
/// report or an abort is the only way to fail.
using Target = int (*)(const uint8_t *data, size_t size);

/// The Loom language front end: parse, verify, run the compiler's pass
/// pipeline and build the Halide algorithm and schedule of a valid model.
int loomParser(const uint8_t *data, size_t size);
/// The dialect's textual parser and verifier (what loom-opt reads), followed
/// by the pass pipeline on modules that verify.
int dialectParser(const uint8_t *data, size_t size);
/// The safetensors reader (in-memory image; every header field validated).
int safetensorsReader(const uint8_t *data, size_t size);
/// The .npy reader.
int npyReader(const uint8_t *data, size_t size);

struct NamedTarget {
  const char *name;
  Target run;
};
/// Every target, by the name scripts/fuzz.sh and loom-fuzz-replay use.
const NamedTarget *targetsBegin();
const NamedTarget *targetsEnd();

} // namespace loom::fuzz

#endif // LOOM_FUZZ_FUZZTARGETS_H
