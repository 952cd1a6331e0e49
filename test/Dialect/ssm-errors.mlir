// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of the state-space ops name the operand and its bad dimension.

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %dt = loom.input "dt" : tensor<2x8x9xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.input "B" : tensor<2x4x10xf32>
  // expected-error @+1 {{selective_scan: delta dim 2 is 9 but the sequence length (u dim 2) is 10 (delta shape [2, 8, 9], expected [B, D, L])}}
  %y = loom.selective_scan %u, %dt, %a, %b, %b : (tensor<2x8x10xf32>, tensor<2x8x9xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<6x4xf32>
  %b = loom.input "B" : tensor<2x4x10xf32>
  // expected-error @+1 {{selective_scan: A dim 0 is 6 but the channel count (u dim 1) is 8 (A shape [6, 4], expected [D, N])}}
  %y = loom.selective_scan %u, %u, %a, %b, %b : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<6x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.input "B" : tensor<2x4x10xf32>
  %c = loom.input "C" : tensor<2x5x10xf32>
  // expected-error @+1 {{selective_scan: C dim 1 is 5 but the state size (A dim 1) is 4 (C shape [2, 5, 10], expected [B, N, L])}}
  %y = loom.selective_scan %u, %u, %a, %b, %c : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x5x10xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.input "B" : tensor<2x4x10xf32>
  %d = loom.param "D" : tensor<7xf32>
  // expected-error @+1 {{selective_scan: D dim 0 is 7 but the channel count (u dim 1) is 8 (D shape [7], expected [D])}}
  %y = loom.selective_scan %u, %u, %a, %b, %b D %d : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>, tensor<7xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.input "B" : tensor<2x4x10xf32>
  %z = loom.input "z" : tensor<1x8x10xf32>
  // expected-error @+1 {{selective_scan: z dim 0 is 1 but the batch (u dim 0) is 2 (z shape [1, 8, 10], expected [B, D, L])}}
  %y = loom.selective_scan %u, %u, %a, %b, %b z %z : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>, tensor<1x8x10xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.input "B" : tensor<2x4x10xf32>
  // expected-error @+1 {{selective_scan: u must have rank 3 ([B, D, L]) but has shape [8, 10]}}
  %y = loom.selective_scan %u, %u, %a, %b, %b : (tensor<8x10xf32>, tensor<8x10xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>) -> tensor<8x10xf32>
  loom.output "y", %y : tensor<8x10xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<10x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: x_proj.weight dim 0 is 10 but dt_rank + 2·d_state (dt_proj.weight dim 1, A_log dim 1) is 9}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<10x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x2x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: conv1d.weight dim 1 is 2 but the depthwise group size is 1}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x2x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A_log" : tensor<4xf32>
  %b = loom.input "B" : tensor<1x6x3x16xf32>
  // expected-error @+1 {{ssd_scan: the head count (x dim 2 = 4) is not divisible by the group count (B dim 2 = 3)}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %b : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x3x16xf32>, tensor<1x6x3x16xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x5x4xf32>
  %a = loom.param "A_log" : tensor<4xf32>
  %b = loom.input "B" : tensor<1x6x2x16xf32>
  // expected-error @+1 {{ssd_scan: dt dim 1 is 5 but the sequence length (x dim 1) is 6 (dt shape [1, 5, 4], expected [B, L, H])}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %b : (tensor<1x6x4x8xf32>, tensor<1x5x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}
