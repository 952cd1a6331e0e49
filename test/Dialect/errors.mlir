// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Each verifier error names the op and the disagreeing dimension.

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x2x3x3xf32>
  // expected-error @+1 {{conv2d: input has 3 channels (dim 1) but weight expects 2 × groups 1 = 2 (weight dim 1; weight shape [4, 2, 3, 3])}}
  %y = loom.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %w = loom.param "c.weight" : tensor<6x2x3x3xf32>
  // expected-error @+1 {{conv2d: input channels (dim 1 = 4) are not divisible by groups = 3}}
  %y = loom.conv2d %x, %w {groups = 3} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  loom.output "y", %y : tensor<1x6x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{'loom.conv2d' op result type 'tensor<1x4x8x8xf32>' does not match the inferred type 'tensor<1x4x6x6xf32>'}}
  %y = loom.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x4x4xf32>
  %w = loom.param "c.weight" : tensor<4x3x7x7xf32>
  // expected-error @+1 {{conv2d: the window (7 wide) is larger than the padded input along dim 2 (4 + 2×0)}}
  %y = loom.conv2d %x, %w : (tensor<1x3x4x4xf32>, tensor<4x3x7x7xf32>) -> tensor<1x4x1x1xf32>
  loom.output "y", %y : tensor<1x4x1x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x64xf32>
  %w = loom.param "fc.weight" : tensor<10x32xf32>
  // expected-error @+1 {{linear: input has 64 features (last dim) but weight dim 1 is 32 (weight shape [10, 32])}}
  %y = loom.linear %x, %w : (tensor<2x64xf32>, tensor<10x32xf32>) -> tensor<2x10xf32>
  loom.output "y", %y : tensor<2x10xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x64xf32>
  %w = loom.param "fc.weight" : tensor<10x64xf32>
  %b = loom.param "fc.bias" : tensor<12xf32>
  // expected-error @+1 {{linear: bias has 12 elements but the output size (weight dim 0) is 10}}
  %y = loom.linear %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<12xf32>) -> tensor<2x10xf32>
  loom.output "y", %y : tensor<2x10xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x4x8x8xf32>
  %p = loom.param "bn.running_var" : tensor<5xf32>
  // expected-error @+1 {{batch_norm: running_mean has 5 elements but the channel count (dim 1 of input) is 4}}
  %y = loom.batch_norm %x, %p, %p, %p, %p : (tensor<2x4x8x8xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
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
  %w = loom.param "n.weight" : tensor<2x6xf32>
  // expected-error @+1 {{rms_norm: weight must have rank 1 but has shape [2, 6]}}
  %y = loom.rms_norm %x, %w : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<3x6xf32>
  // expected-error @+1 {{add: shapes [2, 6] and [3, 6] do not broadcast: dim 0 of the result would be both 2 and 3}}
  %y = loom.add %x, %z : (tensor<2x6xf32>, tensor<3x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{reshape: input [2, 6] has 12 elements but target shape [5, 2] has 10}}
  %y = loom.reshape %x {shape = array<i64: 5, 2>} : (tensor<2x6xf32>) -> tensor<5x2xf32>
  loom.output "y", %y : tensor<5x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{transpose: perm [0, 0] is not a permutation of 0..1}}
  %y = loom.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x6xf32>) -> tensor<2x2xf32>
  loom.output "y", %y : tensor<2x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<3x5xf32>
  // expected-error @+1 {{concat: dim 1 of input 1 is 5 but 6 in input 0 (only dim 0 may differ)}}
  %y = loom.concat %x, %z {axis = 0} : (tensor<2x6xf32>, tensor<3x5xf32>) -> tensor<5x6xf32>
  loom.output "y", %y : tensor<5x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{softmax: axis 2 is out of range for rank 2 (valid: -2 to 1)}}
  %y = loom.softmax %x {axis = 2} : tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{slice: start = 4, end = 2 select no element of dim 1 (extent 6; negative indices count from the end, then clamp to [0, 6])}}
  %y = loom.slice %x {axis = 1, start = 4, end = 2} : (tensor<2x6xf32>) -> tensor<2x1xf32>
  loom.output "y", %y : tensor<2x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{max_pool2d: padding 2 along dim 2 exceeds half the kernel (2)}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x6x6xf32>
  loom.output "y", %y : tensor<1x2x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.gelu' op approximate must be "none" or "tanh", not "fast"}}
  %y = loom.gelu %x {approximate = "fast"} : tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.param' op init must be fan_in, ones or zeros, not 'two'}}
  %w = loom.param "w" {init = "two"} : tensor<6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  // expected-note @+1 {{first defined here}}
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.input' op duplicate input name 'x'}}
  %z = loom.input "x" : tensor<2x6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

// expected-error @+1 {{'loom.model' op model 'empty' has no output}}
loom.model @empty {
  %x = loom.input "x" : tensor<2x6xf32>
}
