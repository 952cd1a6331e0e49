// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of loom.mamba2, loom.hydra and loom.gated_rms_norm name the
// parameter (with mamba_ssm's / Hydra's names), its bad dimension and what it
// should match.

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<99x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "norm.weight" : tensor<32xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: in_proj.weight dim 0 is 99 but 2·d_inner + 2·ngroups·d_state + nheads is 100 (in_proj.weight shape [99, 16], expected [d_in_proj, d_model])}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<99x16xf32>, tensor<64x1x4xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<66x1x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<66xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "norm.weight" : tensor<32xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: conv1d.weight dim 0 is 66 but must be d_inner (32) + 2·ngroups·d_state with ngroups 2}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<66x1x4xf32>, tensor<66xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "norm.weight" : tensor<32xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: ngroups 3 must divide nheads (A_log dim 0 = 4) and d_inner (32)}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 3 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<64x1x4xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<5xf32>
  %p5 = loom.param "A_log" : tensor<5xf32>
  %p6 = loom.param "D" : tensor<5xf32>
  %p7 = loom.param "norm.weight" : tensor<32xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: d_inner (out_proj.weight dim 1 = 32) is not a multiple of nheads (A_log dim 0 = 5)}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<64x1x4xf32>, tensor<64xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "norm.weight" : tensor<16xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: norm.weight dim 0 is 16 but d_inner (out_proj.weight dim 1) is 32 (norm.weight shape [16], expected [d_inner])}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<64x1x4xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<16xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<2xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "norm.weight" : tensor<32xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: dt_bias dim 0 is 2 but nheads (A_log dim 0) is 4 (dt_bias shape [2], expected [nheads])}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<64x1x4xf32>, tensor<64xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "norm.weight" : tensor<32xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: input must have rank 3 ([B, L, d_model]) but has shape [2, 13]}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13xf32>, tensor<100x16xf32>, tensor<64x1x4xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13xf32>
  loom.output "y", %y : tensor<2x13xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x2x4xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "norm.weight" : tensor<32xf32>
  %p8 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{mamba2: conv1d.weight dim 1 is 2 but the depthwise group size is 1 (conv1d.weight shape [64, 2, 4], expected [conv_dim, 1, d_conv])}}
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<64x2x4xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<104x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x6xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "fc_D.weight" : tensor<4x32xf32>
  %p8 = loom.param "norm.weight" : tensor<32xf32>
  %p9 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{hydra: d_conv (conv1d.weight dim 2) must be odd for the centred convolution but is 6}}
  %y = loom.hydra %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8, %p9 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<104x16xf32>, tensor<64x1x6xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x32xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<104x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x7xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "fc_D.weight" : tensor<4x16xf32>
  %p8 = loom.param "norm.weight" : tensor<32xf32>
  %p9 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{hydra: fc_D.weight dim 1 is 16 but d_inner (out_proj.weight dim 1) is 32 (fc_D.weight shape [4, 16], expected [nheads, d_inner])}}
  %y = loom.hydra %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8, %p9 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<104x16xf32>, tensor<64x1x7xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x16xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "conv1d.weight" : tensor<64x1x7xf32>
  %p3 = loom.param "conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "dt_bias" : tensor<4xf32>
  %p5 = loom.param "A_log" : tensor<4xf32>
  %p6 = loom.param "D" : tensor<4xf32>
  %p7 = loom.param "fc_D.weight" : tensor<4x32xf32>
  %p8 = loom.param "norm.weight" : tensor<32xf32>
  %p9 = loom.param "out_proj.weight" : tensor<16x32xf32>
  // expected-error @+1 {{hydra: in_proj.weight dim 0 is 100 but 2·d_inner + 4·ngroups·d_state + 2·nheads is 104 (in_proj.weight shape [100, 16], expected [d_in_proj, d_model])}}
  %y = loom.hydra %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8, %p9 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<64x1x7xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x32xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x5x32xf32>
  %z = loom.input "z" : tensor<2x5x16xf32>
  %w = loom.param "w" : tensor<32xf32>
  // expected-error @+1 {{gated_rms_norm: gate dim 2 is 16 but input dim 2 is 32 (gate shape [2, 5, 16], expected the input's shape)}}
  %y = loom.gated_rms_norm %x, %z, %w : (tensor<2x5x32xf32>, tensor<2x5x16xf32>, tensor<32xf32>) -> tensor<2x5x32xf32>
  loom.output "y", %y : tensor<2x5x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x5x32xf32>
  %z = loom.input "z" : tensor<2x5x32xf32>
  %w = loom.param "w" : tensor<32xf32>
  // expected-error @+1 {{gated_rms_norm: group_size 12 must be 0 (one group) or divide the channel count 32}}
  %y = loom.gated_rms_norm %x, %z, %w {group_size = 12 : i64} : (tensor<2x5x32xf32>, tensor<2x5x32xf32>, tensor<32xf32>) -> tensor<2x5x32xf32>
  loom.output "y", %y : tensor<2x5x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x5x32xf32>
  %z = loom.input "z" : tensor<2x5x32xf32>
  %w = loom.param "w" : tensor<16xf32>
  // expected-error @+1 {{gated_rms_norm: weight dim 0 is 16 but the channel count (input's last dim) is 32 (weight shape [16], expected [C])}}
  %y = loom.gated_rms_norm %x, %z, %w : (tensor<2x5x32xf32>, tensor<2x5x32xf32>, tensor<16xf32>) -> tensor<2x5x32xf32>
  loom.output "y", %y : tensor<2x5x32xf32>
}
