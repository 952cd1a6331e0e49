// Language builders of the state-space ops (selective_scan, ssd_scan, mamba,
// mamba2, hydra, gated_rms_norm).
#ifndef LOOM_PARSE_CATALOGUESSM_H
#define LOOM_PARSE_CATALOGUESSM_H

#include "lib/Parse/Catalogue.h"

namespace loom::parse {

/// `selective_scan(u, delta, B, C[, z], D=true, delta_bias=true,
/// delta_softplus=true)`: parameters A_log [D, N], D [D], delta_bias [D].
mlir::FailureOr<mlir::Value> buildSelectiveScan(LayerBuilder &b, mlir::ValueRange x,
                                                const Arguments &args);
/// `ssd_scan(x, dt, B, C[, z], D=true, dt_bias=true, dt_softplus=true)`
/// (Mamba-2): parameters A_log, D and dt_bias, each [H], as Mamba2 names them.
mlir::FailureOr<mlir::Value> buildSSDScan(LayerBuilder &b, mlir::ValueRange x,
                                          const Arguments &args);
/// `hydra_scan(x, dt_fwd, dt_bwd, B, C)`: Hydra's bidirectional mixer
/// shift(SS(x)) + flip(shift(SS(flip(x)))) + D·x on the Mamba-2 scan, B and C
/// shared by both directions, one Δ each; parameters A_log, D, dt_bias [H]
/// shared by both directions.
mlir::FailureOr<mlir::Value> buildHydraScan(LayerBuilder &b, mlir::ValueRange x,
                                            const Arguments &args);
/// `mamba(x, d_state=16, d_conv=4, expand=2[, dt_rank])`: the parameters of
/// mamba_ssm's `Mamba` module, under the same names.
mlir::FailureOr<mlir::Value> buildMamba(LayerBuilder &b, mlir::ValueRange x,
                                        const Arguments &args);
/// `mamba2(x, d_state=128, d_conv=4, expand=2, headdim=64, ngroups=1)`: the
/// parameters of mamba_ssm's `Mamba2` module (rmsnorm, D per head, no biases
/// in the projections), under the same names.
mlir::FailureOr<mlir::Value> buildMamba2(LayerBuilder &b, mlir::ValueRange x,
                                         const Arguments &args);
/// `hydra(x, d_state=64, d_conv=7, expand=2, headdim=64, ngroups=1)`: the
/// parameters of goombalab/hydra's `Hydra` module, under the same names.
mlir::FailureOr<mlir::Value> buildHydra(LayerBuilder &b, mlir::ValueRange x,
                                        const Arguments &args);
/// `gated_rms_norm(x, z, group_size=0, norm_before_gate=false, eps=1e-5)`:
/// mamba_ssm's RMSNormGated; parameter `weight` [C].
mlir::FailureOr<mlir::Value> buildGatedRMSNorm(LayerBuilder &b, mlir::ValueRange x,
                                               const Arguments &args);

/// `tied_linear(x, weight="embedding.weight")`: x · Wᵀ with the weight of an
/// earlier layer (a language model's head tied to its embedding); owns no
/// parameter, so it needs no layer name.
mlir::FailureOr<mlir::Value> buildTiedLinear(LayerBuilder &b, mlir::ValueRange x,
                                             const Arguments &args);

} // namespace loom::parse

#endif // LOOM_PARSE_CATALOGUESSM_H
