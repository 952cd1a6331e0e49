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

// -----

loom.model @m {
  %x = loom.input "x" : tensor<5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: input must have rank 3 ([B, L, d_model]) but has shape [5, 8]}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<5x8xf32>
  loom.output "y", %y : tensor<5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<31x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: in_proj.weight must be [2·d_inner, d_model] but has shape [31, 8]}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<31x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x6xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: in_proj.weight dim 1 is 6 but d_model (input dim 2) is 8 (in_proj.weight shape [32, 6], expected [2·d_inner, d_model])}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x6xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: conv1d.weight must have rank 3 ([d_inner, 1, d_conv]) but has shape [16, 1]}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<15xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: conv1d.bias dim 0 is 15 but d_inner (in_proj.weight dim 0 / 2) is 16 (conv1d.bias shape [15], expected [d_inner])}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<15xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<12x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: A_log dim 0 is 12 but d_inner (in_proj.weight dim 0 / 2) is 16 (A_log shape [12, 4], expected [d_inner, d_state])}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<12x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<8x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: dt_proj.weight dim 0 is 8 but d_inner (in_proj.weight dim 0 / 2) is 16 (dt_proj.weight shape [8, 1], expected [d_inner, dt_rank])}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<8x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<17xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: dt_proj.bias dim 0 is 17 but d_inner (in_proj.weight dim 0 / 2) is 16 (dt_proj.bias shape [17], expected [d_inner])}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<17xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<4x4xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{mamba: D must have rank 1 ([d_inner]) but has shape [4, 4]}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<4x4xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x12xf32>
  // expected-error @+1 {{mamba: out_proj.weight dim 1 is 12 but d_inner (in_proj.weight dim 0 / 2) is 16 (out_proj.weight shape [8, 12], expected [d_model, d_inner])}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x12xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xf32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{'loom.mamba' op result type 'tensor<1x5x16xf32>' does not match the inferred type 'tensor<1x5x8xf32>'}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xf32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x16xf32>
  loom.output "y", %y : tensor<1x5x16xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x5x8xi32>
  %in = loom.param "in_proj.weight" : tensor<32x8xf32>
  %cw = loom.param "conv1d.weight" : tensor<16x1x4xf32>
  %cb = loom.param "conv1d.bias" : tensor<16xf32>
  %xp = loom.param "x_proj.weight" : tensor<9x16xf32>
  %dw = loom.param "dt_proj.weight" : tensor<16x1xf32>
  %db = loom.param "dt_proj.bias" : tensor<16xf32>
  %al = loom.param "A_log" : tensor<16x4xf32>
  %d = loom.param "D" : tensor<16xf32>
  %out = loom.param "out_proj.weight" : tensor<8x16xf32>
  // expected-error @+1 {{'loom.mamba' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<1x5x8xi32>'}}
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<1x5x8xi32>, tensor<32x8xf32>, tensor<16x1x4xf32>, tensor<16xf32>, tensor<9x16xf32>, tensor<16x1xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<8x16xf32>) -> tensor<1x5x8xf32>
  loom.output "y", %y : tensor<1x5x8xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %dt = loom.input "delta" : tensor<2x8xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.param "B" : tensor<2x4x10xf32>
  %c = loom.param "C" : tensor<2x4x10xf32>
  // expected-error @+1 {{selective_scan: delta must have rank 3 ([B, D, L]) but has shape [2, 8]}}
  %y = loom.selective_scan %u, %dt, %a, %b, %c : (tensor<2x8x10xf32>, tensor<2x8xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %dt = loom.input "delta" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.param "B" : tensor<1x4x10xf32>
  %c = loom.param "C" : tensor<2x4x10xf32>
  // expected-error @+1 {{selective_scan: B dim 0 is 1 but the batch (u dim 0) is 2 (B shape [1, 4, 10], expected [B, N, L])}}
  %y = loom.selective_scan %u, %dt, %a, %b, %c : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<8x4xf32>, tensor<1x4x10xf32>, tensor<2x4x10xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %dt = loom.input "delta" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.param "B" : tensor<2x4x10xf32>
  %c = loom.param "C" : tensor<2x4x10xf32>
  %db = loom.param "delta_bias" : tensor<6xf32>
  // expected-error @+1 {{selective_scan: delta_bias dim 0 is 6 but the channel count (u dim 1) is 8 (delta_bias shape [6], expected [D])}}
  %y = loom.selective_scan %u, %dt, %a, %b, %c delta_bias %db : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>, tensor<6xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %dt = loom.input "delta" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.param "B" : tensor<2x4x10xf32>
  %c = loom.param "C" : tensor<2x4x10xf32>
  // expected-error @+1 {{'loom.selective_scan' op result type 'tensor<2x8x9xf32>' does not match the inferred type 'tensor<2x8x10xf32>'}}
  %y = loom.selective_scan %u, %dt, %a, %b, %c : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>) -> tensor<2x8x9xf32>
  loom.output "y", %y : tensor<2x8x9xf32>
}

// -----

loom.model @m {
  %u = loom.input "u" : tensor<2x8x10xf32>
  %dt = loom.input "delta" : tensor<2x8x10xf32>
  %a = loom.param "A" : tensor<8x4xf32>
  %b = loom.param "B" : tensor<2x4x10xf32>
  %c = loom.param "C" : tensor<2x4x10xf32>
  // expected-error @+1 {{'loom.selective_scan' op attribute 'delta_softplus' failed to satisfy constraint: bool attribute}}
  %y = loom.selective_scan %u, %dt, %a, %b, %c {delta_softplus = 1 : i64} : (tensor<2x8x10xf32>, tensor<2x8x10xf32>, tensor<8x4xf32>, tensor<2x4x10xf32>, tensor<2x4x10xf32>) -> tensor<2x8x10xf32>
  loom.output "y", %y : tensor<2x8x10xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  // expected-error @+1 {{ssd_scan: x must have rank 4 ([B, L, H, P]) but has shape [6, 4, 8]}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c : (tensor<6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>) -> tensor<6x4x8xf32>
  loom.output "y", %y : tensor<6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<3xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  // expected-error @+1 {{ssd_scan: A dim 0 is 3 but the head count (x dim 2) is 4 (A shape [3], expected [H])}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<3xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x5x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  // expected-error @+1 {{ssd_scan: B dim 1 is 5 but the sequence length (x dim 1) is 6 (B shape [1, 5, 2, 16], expected [B, L, G, N])}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x5x2x16xf32>, tensor<1x6x2x16xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x8xf32>
  // expected-error @+1 {{ssd_scan: C dim 3 is 8 but the state size (B dim 3) is 16 (C shape [1, 6, 2, 8], expected [B, L, G, N])}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x8xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  %d = loom.param "D" : tensor<2xf32>
  // expected-error @+1 {{ssd_scan: D dim 0 is 2 but the head count (x dim 2) is 4 (D shape [2], expected [H])}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c D %d : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>, tensor<2xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  %z = loom.param "z" : tensor<1x6x4x7xf32>
  // expected-error @+1 {{ssd_scan: z dim 3 is 7 but the head dimension (x dim 3) is 8 (z shape [1, 6, 4, 7], expected [B, L, H, P])}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c z %z : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>, tensor<1x6x4x7xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  %dtb = loom.param "dt_bias" : tensor<1x4xf32>
  // expected-error @+1 {{ssd_scan: dt_bias must have rank 1 ([H]) but has shape [1, 4]}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c dt_bias %dtb : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>, tensor<1x4xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  // expected-error @+1 {{'loom.ssd_scan' op result type 'tensor<1x6x4x16xf32>' does not match the inferred type 'tensor<1x6x4x8xf32>'}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>) -> tensor<1x6x4x16xf32>
  loom.output "y", %y : tensor<1x6x4x16xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x6x4x8xf32>
  %dt = loom.input "dt" : tensor<1x6x4xf32>
  %a = loom.param "A" : tensor<4xf32>
  %b = loom.param "B" : tensor<1x6x2x16xf32>
  %c = loom.param "C" : tensor<1x6x2x16xf32>
  // expected-error @+1 {{'loom.ssd_scan' op attribute 'reverse' failed to satisfy constraint: bool attribute}}
  %y = loom.ssd_scan %x, %dt, %a, %b, %c {reverse = "yes"} : (tensor<1x6x4x8xf32>, tensor<1x6x4xf32>, tensor<4xf32>, tensor<1x6x2x16xf32>, tensor<1x6x2x16xf32>) -> tensor<1x6x4x8xf32>
  loom.output "y", %y : tensor<1x6x4x8xf32>
}
