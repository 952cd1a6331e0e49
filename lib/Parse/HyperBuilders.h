// Language builders of the hyperkernel ops (hyper_kernel, hyper_zzw).
#ifndef LOOM_PARSE_HYPERBUILDERS_H
#define LOOM_PARSE_HYPERBUILDERS_H

#include "lib/Parse/Catalogue.h"

namespace loom::parse {

/// `hyper_kernel([context,] channels=, kernel=, hidden=, layers=, net=,
/// omega0=, beta=)`: makes the coordinate network's parameters.
mlir::FailureOr<mlir::Value> buildHyperKernel(LayerBuilder &b, mlir::ValueRange tensors,
                                              const Arguments &args);
/// `hyper_zzw(z, kernel, mode=)`.
mlir::FailureOr<mlir::Value> buildHyperZZW(LayerBuilder &b, mlir::ValueRange tensors,
                                           const Arguments &args);

} // namespace loom::parse

#endif // LOOM_PARSE_HYPERBUILDERS_H
