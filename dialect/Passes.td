// Passes over the loom dialect.
#ifndef LOOM_PASSES_TD
#define LOOM_PASSES_TD

include "mlir/Pass/PassBase.td"

def LoomDecompose : Pass<"loom-decompose", "::loom::ModelOp"> {
  let summary = "Expand block ops (mamba, mamba2, hydra) into the layer ops they are made of";
  let description = [{
    `loom.mamba` becomes in_proj (linear), a causal depthwise conv1d (padding
    d_conv − 1, then the first L outputs), silu, x_proj, dt_proj,
    `loom.selective_scan` with the silu(z) gate and dt_proj.bias as its
    delta_bias, and out_proj, with the transposes between the [B, L, C]
    layout of the projections and the [B, C, L] layout of the convolution and
    the scan. `loom.mamba2` becomes in_proj, a causal depthwise conv1d + silu
    over its xBC part, `loom.ssd_scan` (D, dt_bias, softplus),
    `loom.gated_rms_norm` (norm after the gate, one group per ngroups) and
    out_proj; `loom.hydra` likewise with a centred convolution, a forward and
    a reversed shifted `loom.ssd_scan`, the skip x·(fc_D(x) + D) and
    `loom.gated_rms_norm` with the norm before the gate. Each new op is named
    `<layer>.<part>` (`blocks.0.mixer.scan`), so knobs can address it.
  }];
}

def LoomFuseElementwise : Pass<"loom-fuse-elementwise", "::loom::ModelOp"> {
  let summary = "Mark elementwise ops to be computed inside their producer's loops";
  let description = [{
    An elementwise op (activation, add, mul) whose input is produced by a
    layer op is fused into that producer: it gets `loom.fused` and is
    inlined into the producer's schedule instead of making a pass of its own
    over memory. Ops that feed a model output are fused too; the output is
    still materialized once.
  }];
  let options = [
    Option<"enable", "enable", "bool", /*default=*/"true",
           "Fuse elementwise ops (false keeps every op in its own loop nest)">,
  ];
}

def LoomAssignSchedules : Pass<"loom-assign-schedules", "::loom::ModelOp"> {
  let summary = "Attach a schedule name and its knob values to every layer op";
  let description = [{
    Sets `loom.schedule = {name = "<op>_<target>", <knob> = <value>, ...}` on
    each layer op from the schedule library's defaults for the target, then
    applies overrides given as `<layer-or-op>.<knob>=<value>`.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "Schedule class: cpu or cuda">,
    ListOption<"knobs", "knob", "std::string",
               "Knob overrides, each <layer-or-op>.<knob>=<value>">,
    ListOption<"knobOrigins", "knob-origin", "std::string",
               "Where each knob override was written (FILE:LINE:COL of a knob "
               "file, empty: the command line); problems are reported there">,
  ];
}

def LoomReparameterize : Pass<"loom-reparameterize", "::loom::ModelOp"> {
  let summary = "Fold batch norms into convolutions and merge parallel depthwise branches";
  let description = [{
    RepLKNet / UniRepLKNet re-parameterization for inference. A sum of
    branches batch_norm(conv2d(x, W_i)) over the same input (same groups,
    stride 1, "same" padding, any kernel size and dilation) becomes one
    conv2d whose kernel is the sum of the folded kernels, each embedded in
    the largest one; a lone conv2d → batch_norm becomes one conv2d.
    Weights are only known when the model is loaded, so the merged kernel
    and bias are computed from the original parameters by small stages
    (loom.fold_batch_norm_weight, loom.fold_batch_norm_bias,
    loom.embed_kernel, loom.add), once per call: the state_dict is unchanged.
  }];
  let options = [
    Option<"enable", "enable", "bool", /*default=*/"true",
           "Re-parameterize (false keeps the branches and batch norms as written)">,
  ];
}

#endif // LOOM_PASSES_TD
