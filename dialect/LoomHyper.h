// Helpers of the hyperkernel ops shared by the dialect, the language and
// the Halide emitters: the parameter list of a hyper_kernel.
#ifndef LOOM_DIALECT_LOOMHYPER_H
#define LOOM_DIALECT_LOOMHYPER_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loom {

/// One parameter of a hyper_kernel: its name under the layer (PyTorch
/// state_dict style, "filters.0.weight") and its shape.
struct HyperKernelParam {
  std::string name;
  std::vector<int64_t> shape;
};

/// The parameters of a hyper_kernel in operand order (see LoomHyper.td);
/// `contextChannels` 0 means no context.
std::vector<HyperKernelParam> hyperKernelParams(llvm::StringRef net, int64_t layers,
                                                int64_t hidden, int64_t channels,
                                                int64_t contextChannels);

} // namespace loom

#endif // LOOM_DIALECT_LOOMHYPER_H
