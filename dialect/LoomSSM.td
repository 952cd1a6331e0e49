// State-space mixers of the loom dialect: the selective scan (S6) and the
// Mamba block built on it.
#ifndef LOOM_SSM_TD
#define LOOM_SSM_TD

include "LoomDialect.td"

def Loom_SelectiveScanOp : Loom_LayerOp<"selective_scan", [AttrSizedOperandSegments]> {
  let summary = "Mamba's selective scan (S6): a diagonal linear recurrence over L";
  let description = [{
    Per batch b, channel d and state n, with h starting at 0:

    ```
    Δ[b,d,l] = delta[b,d,l] + delta_bias[d]        (softplus'd if delta_softplus)
    h[b,d,n] = exp(Δ·A[d,n])·h[b,d,n] + Δ·B[b,n,l]·u[b,d,l]
    y[b,d,l] = Σ_n h[b,d,n]·C[b,n,l] + D[d]·u[b,d,l]
    y       *= silu(z[b,d,l])                      (when z is given)
    ```

    u, delta, z: [B, D, L]; A: [D, N]; B, C: [B, N, L]; D, delta_bias: [D]
    → y [B, D, L]. With `a_is_log`, the A operand holds A_log and
    A = −exp(A_log) (how Mamba stores it).

    ```mlir
    %y = loom.selective_scan %u, %dt, %a, %b, %c D %d z %z delta_bias %db
           {delta_softplus = true} : (...) -> tensor<2x32x64xf32>
    ```
  }];
  let arguments = (ins Loom_F32Tensor:$u, Loom_F32Tensor:$delta, Loom_F32Tensor:$A,
                       Loom_F32Tensor:$B, Loom_F32Tensor:$C,
                       Optional<Loom_F32Tensor>:$D, Optional<Loom_F32Tensor>:$z,
                       Optional<Loom_F32Tensor>:$delta_bias,
                       DefaultValuedAttr<BoolAttr, "false">:$delta_softplus,
                       DefaultValuedAttr<BoolAttr, "false">:$a_is_log);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $u `,` $delta `,` $A `,` $B `,` $C (`D` $D^)? (`z` $z^)?
    (`delta_bias` $delta_bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_SSDScanOp : Loom_LayerOp<"ssd_scan", [AttrSizedOperandSegments]> {
  let summary = "Mamba-2's selective scan: a scalar decay per head (the SSD form)";
  let description = [{
    Heads h of head dimension P share one scalar decay; groups g of heads
    share B and C (head h uses group h / (H/G)). Per batch b, head h, with
    the state h[p, n] starting at 0:

    ```
    Δ[b,l,h]   = dt[b,l,h] + dt_bias[h]             (softplus'd if dt_softplus)
    S[p,n]     = exp(Δ·A[h])·S[p,n] + Δ·x[b,l,h,p]·B[b,l,g,n]
    y[b,l,h,p] = Σ_n S[p,n]·C[b,l,g,n] + D[h]·x[b,l,h,p]
    y         *= silu(z[b,l,h,p])                   (when z is given)
    ```

    x, z: [B, L, H, P]; dt: [B, L, H]; A, D, dt_bias: [H]; B, C:
    [B, L, G, N] → y [B, L, H, P] (mamba_ssm's `mamba_chunk_scan_combined`
    layout). With `a_is_log`, A holds A_log (A = −exp(A_log)). The decay is
    one exp per (b, l, h), shared by the P·N state entries of the head.

    `reverse` runs the recurrence from l = L−1 down to 0 (flip, scan, flip);
    `shift` makes each output strictly causal in scan order: the readout at
    l is the one of the previous step (l − 1, or l + 1 when reversed), 0 at
    the first step; D·x is not shifted. Hydra's mixer is
    ssd_scan{shift}(x, Δ_fwd) + ssd_scan{reverse, shift}(x, Δ_bwd) + D·x.
  }];
  let arguments = (ins Loom_F32Tensor:$x, Loom_F32Tensor:$dt, Loom_F32Tensor:$A,
                       Loom_F32Tensor:$B, Loom_F32Tensor:$C,
                       Optional<Loom_F32Tensor>:$D, Optional<Loom_F32Tensor>:$z,
                       Optional<Loom_F32Tensor>:$dt_bias,
                       DefaultValuedAttr<BoolAttr, "false">:$dt_softplus,
                       DefaultValuedAttr<BoolAttr, "false">:$a_is_log,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse,
                       DefaultValuedAttr<BoolAttr, "false">:$shift);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $x `,` $dt `,` $A `,` $B `,` $C (`D` $D^)? (`z` $z^)?
    (`dt_bias` $dt_bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_MambaOp : Loom_LayerOp<"mamba"> {
  let summary = "The Mamba (v1) block; loom-decompose expands it";
  let description = [{
    x [B, L, d_model] → [B, L, d_model], with d_inner = expand·d_model:

    ```
    x', z  = split(in_proj(x))                 in_proj.weight [2·d_inner, d_model]
    x'     = silu(causal depthwise conv1d(x')) conv1d.weight [d_inner, 1, d_conv], conv1d.bias
    dt, B, C = split(x_proj(x'))               x_proj.weight [dt_rank + 2·d_state, d_inner]
    dt     = dt_proj.weight · dt               dt_proj.weight [d_inner, dt_rank]
    y      = selective_scan(x', dt, −exp(A_log), B, C, D, z,
                            delta_bias = dt_proj.bias, delta_softplus)
    out    = out_proj(y)                       out_proj.weight [d_model, d_inner]
    ```

    Operands in the order of mamba_ssm's `Mamba.state_dict()`; every size
    (d_inner, d_state, d_conv, dt_rank) is read from the weight shapes.
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$in_proj_weight,
                       Loom_F32Tensor:$conv1d_weight, Loom_F32Tensor:$conv1d_bias,
                       Loom_F32Tensor:$x_proj_weight, Loom_F32Tensor:$dt_proj_weight,
                       Loom_F32Tensor:$dt_proj_bias, Loom_F32Tensor:$A_log,
                       Loom_F32Tensor:$D, Loom_F32Tensor:$out_proj_weight);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $in_proj_weight `,` $conv1d_weight `,` $conv1d_bias `,` $x_proj_weight
    `,` $dt_proj_weight `,` $dt_proj_bias `,` $A_log `,` $D `,` $out_proj_weight
    attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_GatedRMSNormOp : Loom_LayerOp<"gated_rms_norm"> {
  let summary = "RMS normalization gated by silu(z), per group of channels";
  let description = [{
    mamba_ssm's `RMSNormGated` (layernorm_gated.py) over the last dimension C,
    split into groups of `group_size` channels (0: one group of C), each
    normalized on its own:

    ```
    norm_before_gate = false:  g = x·silu(z);  y = g / sqrt(mean_group(g²) + eps) · weight
    norm_before_gate = true:   y = x / sqrt(mean_group(x²) + eps) · weight · silu(z)
    ```

    x, z: [..., C]; weight: [C] → y [..., C]. Mamba2 uses it with
    norm_before_gate = false and C/ngroups per group, Hydra with
    norm_before_gate = true and one group.
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$gate,
                       Loom_F32Tensor:$weight,
                       DefaultValuedAttr<I64Attr, "0">:$group_size,
                       DefaultValuedAttr<BoolAttr, "false">:$norm_before_gate,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $gate `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_Mamba2Op : Loom_LayerOp<"mamba2"> {
  let summary = "The Mamba-2 block; loom-decompose expands it";
  let description = [{
    x [B, L, d_model] → [B, L, d_model], as mamba_ssm's `Mamba2.forward`
    (rmsnorm, no d_mlp part, D per head), with d_inner = expand·d_model,
    H = d_inner / headdim heads, G = `ngroups`, N = d_state:

    ```
    z, xBC, dt = split(in_proj(x))       in_proj.weight [2·d_inner + 2·G·N + H, d_model]
    xBC  = silu(causal depthwise conv1d(xBC))
                                         conv1d.weight [d_inner + 2·G·N, 1, d_conv], .bias
    x, B, C = split(xBC)                 [d_inner], [G·N], [G·N]
    y    = ssd_scan(x, dt, −exp(A_log), B, C, D, dt_bias, dt_softplus)
                                         A_log, D, dt_bias [H]
    y    = gated_rms_norm(y, z, norm.weight, group d_inner/G)   norm.weight [d_inner]
    out  = out_proj(y)                   out_proj.weight [d_model, d_inner]
    ```

    Operands in data-flow order; the sizes are read from the weight shapes
    except G, which the attribute gives (G·N alone is in the shapes).
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$in_proj_weight,
                       Loom_F32Tensor:$conv1d_weight, Loom_F32Tensor:$conv1d_bias,
                       Loom_F32Tensor:$dt_bias, Loom_F32Tensor:$A_log, Loom_F32Tensor:$D,
                       Loom_F32Tensor:$norm_weight, Loom_F32Tensor:$out_proj_weight,
                       DefaultValuedAttr<I64Attr, "1">:$ngroups);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $in_proj_weight `,` $conv1d_weight `,` $conv1d_bias `,` $dt_bias `,` $A_log
    `,` $D `,` $norm_weight `,` $out_proj_weight attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_HydraOp : Loom_LayerOp<"hydra"> {
  let summary = "The Hydra bidirectional block; loom-decompose expands it";
  let description = [{
    x [B, L, d_model] → [B, L, d_model], as goombalab/hydra's `Hydra.forward`
    (no learnable initial states), d_inner = expand·d_model, H heads of
    d_inner / H, G = `ngroups`, N = d_state:

    ```
    z, xBC, dt = split(in_proj(x))   in_proj.weight [2·d_inner + 4·G·N + 2·H, d_model]
    xBC  = silu(depthwise conv1d(xBC, padding d_conv/2))   (centred, d_conv odd)
                                     conv1d.weight [d_inner + 4·G·N, 1, d_conv], .bias
    x, B_f, C_f, B_b, C_b = split(xBC)          dt_f, dt_b = split(dt)
    y    = ssd_scan{shift}(x, dt_f, B_f, C_f)
         + ssd_scan{reverse, shift}(x, dt_b, B_b, C_b)
         + x · (fc_D(x) + D)        (per head, broadcast over the head dim)
                                     dt_bias, A_log, D [H] (both directions),
                                     fc_D.weight [H, d_inner]
    y    = rms_norm(y) · norm.weight · silu(z)     norm.weight [d_inner]
    out  = out_proj(y)               out_proj.weight [d_model, d_inner]
    ```

    The repository's module gives each direction its own B and C (LAYERS.md
    describes them as shared; this op follows the module, whose state_dict
    it loads).
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$in_proj_weight,
                       Loom_F32Tensor:$conv1d_weight, Loom_F32Tensor:$conv1d_bias,
                       Loom_F32Tensor:$dt_bias, Loom_F32Tensor:$A_log, Loom_F32Tensor:$D,
                       Loom_F32Tensor:$fc_D_weight, Loom_F32Tensor:$norm_weight,
                       Loom_F32Tensor:$out_proj_weight,
                       DefaultValuedAttr<I64Attr, "1">:$ngroups);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $in_proj_weight `,` $conv1d_weight `,` $conv1d_bias `,` $dt_bias `,` $A_log
    `,` $D `,` $fc_D_weight `,` $norm_weight `,` $out_proj_weight attr-dict
    `:` functional-type(operands, results)
  }];
}

#endif // LOOM_SSM_TD
