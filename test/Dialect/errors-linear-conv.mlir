// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of loom.linear, loom.conv1d and loom.conv2d.

loom.model @m {
  %x = loom.input "x" : tensor<2x64xi32>
  %w = loom.param "fc.weight" : tensor<10x64xf32>
  // expected-error @+1 {{'loom.linear' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x64xi32>'}}
  %y = loom.linear %x, %w : (tensor<2x64xi32>, tensor<10x64xf32>) -> tensor<2x10xf32>
  loom.output "y", %y : tensor<2x10xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<f32>
  %w = loom.param "fc.weight" : tensor<10x64xf32>
  // expected-error @+1 {{linear: input must have rank ≥ 1 ([..., in]) but has shape []}}
  %y = loom.linear %x, %w : (tensor<f32>, tensor<10x64xf32>) -> tensor<10xf32>
  loom.output "y", %y : tensor<10xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x64xf32>
  %w = loom.param "fc.weight" : tensor<64xf32>
  // expected-error @+1 {{linear: weight must have rank 2 ([out, in]) but has shape [64]}}
  %y = loom.linear %x, %w : (tensor<2x64xf32>, tensor<64xf32>) -> tensor<2x10xf32>
  loom.output "y", %y : tensor<2x10xf32>
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
  %b = loom.param "fc.bias" : tensor<1x10xf32>
  // expected-error @+1 {{linear: bias must have rank 1 but has shape [1, 10]}}
  %y = loom.linear %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<1x10xf32>) -> tensor<2x10xf32>
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
  %x = loom.input "x" : tensor<2x64xf32>
  %w = loom.param "fc.weight" : tensor<10x64xf32>
  // expected-error @+1 {{'loom.linear' op result type 'tensor<2x12xf32>' does not match the inferred type 'tensor<2x10xf32>' (dim 1: 12 written, 10 inferred)}}
  %y = loom.linear %x, %w : (tensor<2x64xf32>, tensor<10x64xf32>) -> tensor<2x12xf32>
  loom.output "y", %y : tensor<2x12xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x64xf32>
  // expected-error @+1 {{'loom.linear' op expected 2 or more operands, but found 1}}
  %y = "loom.linear"(%x) : (tensor<2x64xf32>) -> tensor<2x10xf32>
  loom.output "y", %y : tensor<2x10xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{'loom.conv1d' op result type 'tensor<1x4x16xf32>' does not match the inferred type 'tensor<1x4x14xf32>' (dim 2: 16 written, 14 inferred)}}
  %y = loom.conv1d %x, %w : (tensor<1x3x16xf32>, tensor<4x3x3xf32>) -> tensor<1x4x16xf32>
  loom.output "y", %y : tensor<1x4x16xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{conv1d: input must have rank 3 ([N, C, L]) but has shape [3, 16]}}
  %y = loom.conv1d %x, %w : (tensor<3x16xf32>, tensor<4x3x3xf32>) -> tensor<4x14xf32>
  loom.output "y", %y : tensor<4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv1d: weight must have rank 3 ([C_out, C_in/groups, K]) but has shape [4, 3, 3, 3]}}
  %y = loom.conv1d %x, %w : (tensor<1x3x16xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x14xf32>
  loom.output "y", %y : tensor<1x4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x2x3xf32>
  // expected-error @+1 {{conv1d: input has 3 channels (dim 1) but weight expects 2 × groups 1 = 2 (weight dim 1; weight shape [4, 2, 3])}}
  %y = loom.conv1d %x, %w : (tensor<1x3x16xf32>, tensor<4x2x3xf32>) -> tensor<1x4x14xf32>
  loom.output "y", %y : tensor<1x4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{conv1d: groups must be ≥ 1, not 0}}
  %y = loom.conv1d %x, %w {groups = 0} : (tensor<1x3x16xf32>, tensor<4x3x3xf32>) -> tensor<1x4x14xf32>
  loom.output "y", %y : tensor<1x4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x4x16xf32>
  %w = loom.param "c.weight" : tensor<6x2x3xf32>
  // expected-error @+1 {{conv1d: input channels (dim 1 = 4) are not divisible by groups = 3}}
  %y = loom.conv1d %x, %w {groups = 3} : (tensor<1x4x16xf32>, tensor<6x2x3xf32>) -> tensor<1x6x14xf32>
  loom.output "y", %y : tensor<1x6x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x4x16xf32>
  %w = loom.param "c.weight" : tensor<3x2x3xf32>
  // expected-error @+1 {{conv1d: output channels (weight dim 0 = 3) are not divisible by groups = 2}}
  %y = loom.conv1d %x, %w {groups = 2} : (tensor<1x4x16xf32>, tensor<3x2x3xf32>) -> tensor<1x3x14xf32>
  loom.output "y", %y : tensor<1x3x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  %b = loom.param "c.bias" : tensor<5xf32>
  // expected-error @+1 {{conv1d: bias has 5 elements but the output channel count (weight dim 0) is 4}}
  %y = loom.conv1d %x, %w, %b : (tensor<1x3x16xf32>, tensor<4x3x3xf32>, tensor<5xf32>) -> tensor<1x4x14xf32>
  loom.output "y", %y : tensor<1x4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{conv1d: stride along dim 2 must be ≥ 1, got 0}}
  %y = loom.conv1d %x, %w {stride = 0} : (tensor<1x3x16xf32>, tensor<4x3x3xf32>) -> tensor<1x4x14xf32>
  loom.output "y", %y : tensor<1x4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{conv1d: dilation along dim 2 must be ≥ 1, got 0}}
  %y = loom.conv1d %x, %w {dilation = 0} : (tensor<1x3x16xf32>, tensor<4x3x3xf32>) -> tensor<1x4x14xf32>
  loom.output "y", %y : tensor<1x4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{conv1d: padding along dim 2 must be ≥ 0, got -1}}
  %y = loom.conv1d %x, %w {padding = -1} : (tensor<1x3x16xf32>, tensor<4x3x3xf32>) -> tensor<1x4x14xf32>
  loom.output "y", %y : tensor<1x4x14xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x4xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{conv1d: the window (5 wide with dilation 2) is larger than the padded input along dim 2 (4 + 2×0)}}
  %y = loom.conv1d %x, %w {dilation = 2} : (tensor<1x3x4xf32>, tensor<4x3x3xf32>) -> tensor<1x4x1xf32>
  loom.output "y", %y : tensor<1x4x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x16xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{'loom.conv1d' op attribute 'stride' failed to satisfy constraint: 64-bit signless integer attribute}}
  %y = loom.conv1d %x, %w {stride = array<i64: 2>} : (tensor<1x3x16xf32>, tensor<4x3x3xf32>) -> tensor<1x4x7xf32>
  loom.output "y", %y : tensor<1x4x7xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3xf32>
  // expected-error @+1 {{conv2d: weight must have rank 4 ([C_out, C_in/groups, KH, KW]) but has shape [4, 3, 3]}}
  %y = loom.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: input must have rank 4 ([N, C, H, W]) but has shape [3, 8, 8]}}
  %y = loom.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<4x6x6xf32>
  loom.output "y", %y : tensor<4x6x6xf32>
}

// -----

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
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %w = loom.param "c.weight" : tensor<3x2x3x3xf32>
  // expected-error @+1 {{conv2d: output channels (weight dim 0 = 3) are not divisible by groups = 2}}
  %y = loom.conv2d %x, %w {groups = 2} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  loom.output "y", %y : tensor<1x3x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: groups must be ≥ 1, not -1}}
  %y = loom.conv2d %x, %w {groups = -1} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  %b = loom.param "c.bias" : tensor<4x1xf32>
  // expected-error @+1 {{conv2d: bias must have rank 1 but has shape [4, 1]}}
  %y = loom.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4x1xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: stride, padding and dilation need 2 values each (one per spatial dim) but have 3, 2 and 2}}
  %y = loom.conv2d %x, %w {stride = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: stride, padding and dilation need 2 values each (one per spatial dim) but have 2, 1 and 2}}
  %y = loom.conv2d %x, %w {padding = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: stride along dim 3 must be ≥ 1, got 0}}
  %y = loom.conv2d %x, %w {stride = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: dilation along dim 2 must be ≥ 1, got 0}}
  %y = loom.conv2d %x, %w {dilation = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: padding along dim 3 must be ≥ 0, got -2}}
  %y = loom.conv2d %x, %w {padding = array<i64: 0, -2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{conv2d: kernel, stride, dilation and padding along dim 2 must be below 2^31 (got 3, 1, 4611686018427387904, 0)}}
  %y = loom.conv2d %x, %w {dilation = array<i64: 4611686018427387904, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x4x4xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x7xf32>
  // expected-error @+1 {{conv2d: the window (7 wide) is larger than the padded input along dim 3 (4 + 2×0)}}
  %y = loom.conv2d %x, %w : (tensor<1x3x4x4xf32>, tensor<4x3x3x7xf32>) -> tensor<1x4x2x1xf32>
  loom.output "y", %y : tensor<1x4x2x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{'loom.conv2d' op result type 'tensor<1x4x8x8xf32>' does not match the inferred type 'tensor<1x4x6x6xf32>' (dim 2: 8 written, 6 inferred)}}
  %y = loom.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  // expected-error @+1 {{'loom.conv2d' op attribute 'groups' failed to satisfy constraint: 64-bit signless integer attribute}}
  %y = loom.conv2d %x, %w {groups = 1.0} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  loom.output "y", %y : tensor<1x4x6x6xf32>
}
