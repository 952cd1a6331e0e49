// libFuzzer's entry point for one target, chosen at build time with
// -DLOOM_FUZZ_TARGET=<function in FuzzTargets.h>.
#include "fuzz/FuzzTargets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return loom::fuzz::LOOM_FUZZ_TARGET(data, size);
}
