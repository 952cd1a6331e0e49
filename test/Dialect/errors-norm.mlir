// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of loom.layer_norm, loom.rms_norm and loom.batch_norm.

loom.model @m {
  %x = loom.input "x" : tensor<f32>
  // expected-error @+1 {{layer_norm: input must have rank ≥ 1 but has shape []}}
  %y = loom.layer_norm %x : (tensor<f32>) -> tensor<f32>
  loom.output "y", %y : tensor<f32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %w = loom.param "ln.weight" : tensor<5xf32>
  // expected-error @+1 {{layer_norm: weight has 5 elements but the normalized size (last dim of input) is 6}}
  %y = loom.layer_norm %x weight %w : (tensor<2x6xf32>, tensor<5xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %b = loom.param "ln.bias" : tensor<7xf32>
  // expected-error @+1 {{layer_norm: bias has 7 elements but the normalized size (last dim of input) is 6}}
  %y = loom.layer_norm %x bias %b : (tensor<2x6xf32>, tensor<7xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %w = loom.param "ln.weight" : tensor<6xf32>
  %b = loom.param "ln.bias" : tensor<1x6xf32>
  // expected-error @+1 {{layer_norm: bias must have rank 1 but has shape [1, 6]}}
  %y = loom.layer_norm %x weight %w bias %b : (tensor<2x6xf32>, tensor<6xf32>, tensor<1x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.layer_norm' op result type 'tensor<6x2xf32>' does not match the inferred type 'tensor<2x6xf32>' (dim 0: 6 written, 2 inferred)}}
  %y = loom.layer_norm %x : (tensor<2x6xf32>) -> tensor<6x2xf32>
  loom.output "y", %y : tensor<6x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.layer_norm' op attribute 'eps' failed to satisfy constraint: 64-bit float attribute}}
  %y = loom.layer_norm %x {eps = "small"} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.layer_norm' op operand count (1) does not match with the total size (2) specified in attribute 'operandSegmentSizes'}}
  %y = "loom.layer_norm"(%x) {operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<f32>
  %w = loom.param "n.weight" : tensor<6xf32>
  // expected-error @+1 {{rms_norm: input must have rank ≥ 1 but has shape []}}
  %y = loom.rms_norm %x, %w : (tensor<f32>, tensor<6xf32>) -> tensor<f32>
  loom.output "y", %y : tensor<f32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %w = loom.param "n.weight" : tensor<2x6xf32>
  // expected-error @+1 {{rms_norm: weight must have rank 1 but has shape [2, 6]}}
  %y = loom.rms_norm %x, %w : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %w = loom.param "n.weight" : tensor<4xf32>
  // expected-error @+1 {{rms_norm: weight has 4 elements but the normalized size (last dim of input) is 6}}
  %y = loom.rms_norm %x, %w : (tensor<2x6xf32>, tensor<4xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %w = loom.param "n.weight" : tensor<6xf32>
  // expected-error @+1 {{'loom.rms_norm' op result type 'tensor<2x7xf32>' does not match the inferred type 'tensor<2x6xf32>' (dim 1: 7 written, 6 inferred)}}
  %y = loom.rms_norm %x, %w : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<2x7xf32>
  loom.output "y", %y : tensor<2x7xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<8xf32>
  %p = loom.param "bn.running_mean" : tensor<8xf32>
  // expected-error @+1 {{batch_norm: input must have rank ≥ 2 ([N, C, ...]) but has shape [8]}}
  %y = loom.batch_norm %x, %p, %p, %p, %p : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  loom.output "y", %y : tensor<8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x4x8x8xf32>
  %p = loom.param "bn.running_mean" : tensor<5xf32>
  // expected-error @+1 {{batch_norm: running_mean has 5 elements but the channel count (dim 1 of input) is 4}}
  %y = loom.batch_norm %x, %p, %p, %p, %p : (tensor<2x4x8x8xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x4x8x8xf32>
  %p = loom.param "bn.running_mean" : tensor<4xf32>
  %q = loom.param "bn.running_var" : tensor<3xf32>
  // expected-error @+1 {{batch_norm: running_var has 3 elements but the channel count (dim 1 of input) is 4}}
  %y = loom.batch_norm %x, %p, %q, %p, %p : (tensor<2x4x8x8xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x4x8x8xf32>
  %p = loom.param "bn.running_mean" : tensor<4xf32>
  %q = loom.param "bn.weight" : tensor<4x1xf32>
  // expected-error @+1 {{batch_norm: weight must have rank 1 but has shape [4, 1]}}
  %y = loom.batch_norm %x, %p, %p, %q, %p : (tensor<2x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x1xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x4x8x8xf32>
  %p = loom.param "bn.running_mean" : tensor<4xf32>
  %q = loom.param "bn.bias" : tensor<8xf32>
  // expected-error @+1 {{batch_norm: bias has 8 elements but the channel count (dim 1 of input) is 4}}
  %y = loom.batch_norm %x, %p, %p, %p, %q : (tensor<2x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x4x8x8xf32>
  %p = loom.param "bn.running_mean" : tensor<4xf32>
  // expected-error @+1 {{'loom.batch_norm' op result type 'tensor<2x4x8x9xf32>' does not match the inferred type 'tensor<2x4x8x8xf32>' (dim 3: 9 written, 8 inferred)}}
  %y = loom.batch_norm %x, %p, %p, %p, %p : (tensor<2x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x8x9xf32>
  loom.output "y", %y : tensor<2x4x8x9xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x4x8x8xf32>
  %p = loom.param "bn.running_mean" : tensor<4xf32>
  // expected-error @+1 {{'loom.batch_norm' op expected 5 operands, but found 4}}
  %y = "loom.batch_norm"(%x, %p, %p, %p) : (tensor<2x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}
