// Halide algorithms of the state-space ops (LoomSSM.td): the selective scans
// and the gated RMSNorm of the Mamba-2 and Hydra blocks.
#ifndef LOOM_HALIDE_EMITSSM_H
#define LOOM_HALIDE_EMITSSM_H

#include "lib/Halide/EmitCore.h"

namespace loom {

/// The selective scan of LAYERS.md §3. `d`, `z` and `deltaBias` may be null.
/// With `aIsLog`, `a` holds A_log (A = −exp(A_log)). `chunk` = 0 emits the
/// sequential form (CPU); `chunk` > 0 the chunked three-pass form (GPU) with
/// chunks of that many steps (see SelectiveScanFuncs); `gpu` says whether
/// it may use PTX-only intrinsics (the CPU runs it only to test it).
/// `fastMath` (knob fast_math) selects cheaper exp/softplus/silu forms: a
/// polynomial 2^x for the decays on the CPU, special-function-unit
/// softplus and silu on the GPU (see ScanMath in EmitSSM.cpp).
SelectiveScanFuncs emitSelectiveScan(const Tensor &u, const Tensor &delta, const Tensor &a,
                                     const Tensor &b, const Tensor &c, const Tensor *d,
                                     const Tensor *z, const Tensor *deltaBias,
                                     bool deltaSoftplus, bool aIsLog, int64_t chunk, bool gpu,
                                     bool fastMath, const std::string &name);

/// Mamba-2's scan (scalar decay per head, B and C per group). `d`, `z` and
/// `dtBias` may be null. With `aIsLog`, `a` holds A_log. `reverse` scans
/// from the end; `shift` reads out the previous step's value (Hydra).
/// `chunk` = 0 emits the sequential recurrence; `chunk` > 0 the chunked SSD
/// algorithm with chunks of min(chunk, L) steps (see SSDScanFuncs).
SSDScanFuncs emitSSDScan(const Tensor &x, const Tensor &dt, const Tensor &a,
                         const Tensor &b, const Tensor &c, const Tensor *d, const Tensor *z,
                         const Tensor *dtBias, bool dtSoftplus, bool aIsLog, bool reverse,
                         bool shift, int64_t chunk, const std::string &name);

/// mamba_ssm's gated RMSNorm over the last dimension in groups of
/// `groupSize` channels (0: one group): the norm of x·silu(z), or with
/// `normBeforeGate` the norm of x times silu(z). `sums` holds one Func, the
/// sum of squares per (group, row...) in Halide order.
NormFuncs emitGatedRMSNorm(const Tensor &input, const Tensor &gate, const Tensor &weight,
                           int64_t groupSize, bool normBeforeGate, double eps,
                           const std::string &name);

} // namespace loom

#endif // LOOM_HALIDE_EMITSSM_H
