// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// The sparse ops' verifiers name the disagreeing dimension.

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x6xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: mask dim 3 (width) is 6 but input dim 3 (width) is 8 (input [1, 3, 8, 8], mask [1, 1, 8, 6])}}
  %y = loom.sparse_conv2d %x, %m, %w : (tensor<1x3x8x8xf32>, tensor<1x1x8x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x2x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: mask must have 1 channel (dim 1) but has 2 (mask shape [1, 2, 8, 8])}}
  %y = loom.sparse_conv2d %x, %m, %w : (tensor<1x3x8x8xf32>, tensor<1x2x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x5x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: input has 3 channels (dim 1) but weight dim 1 is 5 (weight shape [4, 5, 3, 3])}}
  %y = loom.sparse_conv2d %x, %m, %w : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x5x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: along dim 2 (height) the convolution gives 3 outputs ((8 + 2×0 − 3) / 2 + 1) but the output mask (8 pooled by 2) has 4; use padding = kernel / 2 with an odd kernel}}
  %y = loom.sparse_conv2d %x, %m, %w {stride = 2, padding = array<i64: 0, 0>} : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  loom.output "y", %y : tensor<1x4x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  %b = loom.param "c.bias" : tensor<3xf32>
  // expected-error @+1 {{sparse_conv2d: bias has 3 elements but the output channel count (weight dim 0) is 4}}
  %y = loom.sparse_conv2d %x, %m, %w, %b : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  // expected-error @+1 {{mask_downsample: factor must be ≥ 1, not 0}}
  %y = loom.mask_downsample %m {factor = 0} : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  loom.output "y", %y : tensor<1x1x8x8xf32>
}

// -----

loom.model @m {
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  // expected-error @+1 {{'loom.mask_upsample' op result type 'tensor<1x1x8x8xf32>' does not match the inferred type 'tensor<1x1x16x16xf32>'}}
  %y = loom.mask_upsample %m {factor = 2} : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  loom.output "y", %y : tensor<1x1x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %m = loom.input "m" : tensor<2x1x8x8xf32>
  %p = loom.param "bn.p" : tensor<4xf32>
  // expected-error @+1 {{sparse_batch_norm: mask dim 0 (batch) is 2 but input dim 0 (batch) is 1 (input [1, 4, 8, 8], mask [2, 1, 8, 8])}}
  %y = loom.sparse_batch_norm %x, %m, %p, %p, %p, %p : (tensor<1x4x8x8xf32>, tensor<2x1x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "ln.weight" : tensor<5xf32>
  // expected-error @+1 {{sparse_layer_norm: weight has 5 elements but the channel count (dim 1 of input) is 4}}
  %y = loom.sparse_layer_norm %x, %m, %w, %w : (tensor<1x4x8x8xf32>, tensor<1x1x8x8xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: input must have rank 4 ([N, C, H, W]) but has shape [3, 8, 8]}}
  %y = loom.sparse_conv2d %x, %m, %w : (tensor<3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: mask must have rank 4 ([N, 1, H, W]) but has shape [1, 8, 8]}}
  %y = loom.sparse_conv2d %x, %m, %w : (tensor<1x3x8x8xf32>, tensor<1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: weight must have rank 4 ([C_out, C_in, KH, KW]) but has shape [4, 3, 3]}}
  %y = loom.sparse_conv2d %x, %m, %w : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  %b = loom.param "c.bias" : tensor<1x4xf32>
  // expected-error @+1 {{sparse_conv2d: bias must have rank 1 but has shape [1, 4]}}
  %y = loom.sparse_conv2d %x, %m, %w, %b : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: stride must be ≥ 1, not 0}}
  %y = loom.sparse_conv2d %x, %m, %w {stride = 0} : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: padding needs 2 values ([ph, pw]), not 3}}
  %y = loom.sparse_conv2d %x, %m, %w {padding = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{sparse_conv2d: padding 3 along dim 2 (height) must lie in [0, kernel) (kernel 3)}}
  %y = loom.sparse_conv2d %x, %m, %w {padding = array<i64: 3, 1>} : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xi32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{'loom.sparse_conv2d' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<1x3x8x8xi32>'}}
  %y = loom.sparse_conv2d %x, %m, %w : (tensor<1x3x8x8xi32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{'loom.sparse_conv2d' op attribute 'padding' failed to satisfy constraint: i64 dense array attribute}}
  %y = loom.sparse_conv2d %x, %m, %w {padding = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  // expected-error @+1 {{'loom.mask_downsample' op requires attribute 'factor'}}
  %y = loom.mask_downsample %m : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  loom.output "y", %y : tensor<1x1x4x4xf32>
}

// -----

loom.model @m {
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  // expected-error @+1 {{'loom.mask_downsample' op attribute 'factor' failed to satisfy constraint: 64-bit signless integer attribute}}
  %y = loom.mask_downsample %m {factor = 2.0 : f32} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  loom.output "y", %y : tensor<1x1x4x4xf32>
}

// -----

loom.model @m {
  %m = loom.input "m" : tensor<1x1x2x2xf32>
  // expected-error @+1 {{mask_upsample: dim 2 would have more than 2^31 sites}}
  %y = loom.mask_upsample %m {factor = 2147483648} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  loom.output "y", %y : tensor<1x1x2x2xf32>
}

// -----

loom.model @m {
  %m = loom.input "m" : tensor<1x1x8xf32>
  // expected-error @+1 {{mask_upsample: mask must have rank 4 ([N, 1, H, W]) but has shape [1, 1, 8]}}
  %y = loom.mask_upsample %m {factor = 2} : (tensor<1x1x8xf32>) -> tensor<1x1x16xf32>
  loom.output "y", %y : tensor<1x1x16xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %p = loom.param "bn.p" : tensor<4xf32>
  %v = loom.param "bn.v" : tensor<2x2xf32>
  // expected-error @+1 {{sparse_batch_norm: running_var must have rank 1 but has shape [2, 2]}}
  %y = loom.sparse_batch_norm %x, %m, %p, %v, %p, %p : (tensor<1x4x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %m = loom.input "m" : tensor<1x1x8x8xf32>
  %p = loom.param "bn.p" : tensor<4xf32>
  // expected-error @+1 {{'loom.sparse_batch_norm' op attribute 'eps' failed to satisfy constraint: 64-bit float attribute}}
  %y = loom.sparse_batch_norm %x, %m, %p, %p, %p, %p {eps = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x1x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}
