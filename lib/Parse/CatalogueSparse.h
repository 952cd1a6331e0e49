// Builders of the sparse ops of the Loom language (SparK-style masked convolution).
#ifndef LOOM_PARSE_CATALOGUESPARSE_H
#define LOOM_PARSE_CATALOGUESPARSE_H

#include "lib/Parse/Catalogue.h"

namespace loom::parse {

/// sparse_conv2d(x, mask, out_channels=, kernel=, stride=1, padding=kernel/2, bias=true)
mlir::FailureOr<mlir::Value> buildSparseConv2D(LayerBuilder &b, mlir::ValueRange x,
                                               const Arguments &args);
/// sparse_batch_norm(x, mask, eps=1e-5)
mlir::FailureOr<mlir::Value> buildSparseBatchNorm(LayerBuilder &b, mlir::ValueRange x,
                                                  const Arguments &args);
/// sparse_layer_norm(x, mask, eps=1e-6)
mlir::FailureOr<mlir::Value> buildSparseLayerNorm(LayerBuilder &b, mlir::ValueRange x,
                                                  const Arguments &args);
/// mask_downsample(mask, factor=) and mask_upsample(mask, factor=)
mlir::FailureOr<mlir::Value> buildMaskResample(LayerBuilder &b, mlir::ValueRange x,
                                               const Arguments &args);

} // namespace loom::parse

#endif // LOOM_PARSE_CATALOGUESPARSE_H
