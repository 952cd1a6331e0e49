// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of loom.reshape, loom.transpose, loom.concat and loom.slice.

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.reshape' op requires attribute 'shape'}}
  %y = loom.reshape %x : (tensor<2x6xf32>) -> tensor<12xf32>
  loom.output "y", %y : tensor<12xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{reshape: only one dimension may be -1, but dims 0 and 2 of the target shape [-1, 3, -1] both are}}
  %y = loom.reshape %x {shape = array<i64: -1, 3, -1>} : (tensor<2x6xf32>) -> tensor<2x3x2xf32>
  loom.output "y", %y : tensor<2x3x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{reshape: dim 1 of the target shape is 0; extents must be ≥ 1 (or -1 once)}}
  %y = loom.reshape %x {shape = array<i64: 12, 0>} : (tensor<2x6xf32>) -> tensor<12x1xf32>
  loom.output "y", %y : tensor<12x1xf32>
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
  // expected-error @+1 {{reshape: cannot infer the -1 dimension: 12 elements are not divisible by 5}}
  %y = loom.reshape %x {shape = array<i64: 5, -1>} : (tensor<2x6xf32>) -> tensor<5x2xf32>
  loom.output "y", %y : tensor<5x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{reshape: the target shape [4611686018427387904, 4, -1] has more than 2^63 elements}}
  %y = loom.reshape %x {shape = array<i64: 4611686018427387904, 4, -1>} : (tensor<2x6xf32>) -> tensor<12xf32>
  loom.output "y", %y : tensor<12xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.reshape' op result type 'tensor<4x3xf32>' does not match the inferred type 'tensor<3x4xf32>' (dim 0: 4 written, 3 inferred)}}
  %y = loom.reshape %x {shape = array<i64: 3, -1>} : (tensor<2x6xf32>) -> tensor<4x3xf32>
  loom.output "y", %y : tensor<4x3xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.transpose' op requires attribute 'perm'}}
  %y = loom.transpose %x : (tensor<2x6xf32>) -> tensor<6x2xf32>
  loom.output "y", %y : tensor<6x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{transpose: perm has 3 entries but the input has rank 2}}
  %y = loom.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x6xf32>) -> tensor<6x2xf32>
  loom.output "y", %y : tensor<6x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{transpose: perm [0, 0] is not a permutation of 0..1 (0 appears twice)}}
  %y = loom.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x6xf32>) -> tensor<2x2xf32>
  loom.output "y", %y : tensor<2x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{transpose: perm [1, -1] is not a permutation of 0..1 (-1 is out of range)}}
  %y = loom.transpose %x {perm = array<i64: 1, -1>} : (tensor<2x6xf32>) -> tensor<6x2xf32>
  loom.output "y", %y : tensor<6x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.transpose' op result type 'tensor<2x6xf32>' does not match the inferred type 'tensor<6x2xf32>' (dim 0: 2 written, 6 inferred)}}
  %y = loom.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{concat: needs at least one input}}
  %y = loom.concat {axis = 0} : () -> tensor<2x6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.concat' op requires attribute 'axis'}}
  %y = loom.concat %x, %x : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<4x6xf32>
  loom.output "y", %y : tensor<4x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{concat: axis 2 is out of range for rank 2 (valid: -2 to 1)}}
  %y = loom.concat %x, %x {axis = 2} : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<4x6xf32>
  loom.output "y", %y : tensor<4x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<2x6x1xf32>
  // expected-error @+1 {{concat: input 1 has rank 3 but input 0 has rank 2}}
  %y = loom.concat %x, %z {axis = 0} : (tensor<2x6xf32>, tensor<2x6x1xf32>) -> tensor<4x6xf32>
  loom.output "y", %y : tensor<4x6xf32>
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
  // expected-error @+1 {{'loom.concat' op result type 'tensor<4x6xf32>' does not match the inferred type 'tensor<2x12xf32>' (dim 0: 4 written, 2 inferred)}}
  %y = loom.concat %x, %x {axis = -1} : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<4x6xf32>
  loom.output "y", %y : tensor<4x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.slice' op requires attribute 'end'}}
  %y = loom.slice %x {axis = 1, start = 0} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{slice: axis 2 is out of range for rank 2 (valid: -2 to 1)}}
  %y = loom.slice %x {axis = 2, start = 0, end = 1} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{slice: step must be ≥ 1, not 0}}
  %y = loom.slice %x {axis = 1, start = 0, end = 4, step = 0} : (tensor<2x6xf32>) -> tensor<2x4xf32>
  loom.output "y", %y : tensor<2x4xf32>
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
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{slice: start = 9, end = 12 select no element of dim 1 (extent 6; negative indices count from the end, then clamp to [0, 6])}}
  %y = loom.slice %x {axis = 1, start = 9, end = 12} : (tensor<2x6xf32>) -> tensor<2x1xf32>
  loom.output "y", %y : tensor<2x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.slice' op result type 'tensor<2x2xf32>' does not match the inferred type 'tensor<2x1xf32>' (dim 1: 2 written, 1 inferred)}}
  %y = loom.slice %x {axis = 1, start = -9223372036854775808, end = 9223372036854775807, step = 9223372036854775807} : (tensor<2x6xf32>) -> tensor<2x2xf32>
  loom.output "y", %y : tensor<2x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.slice' op result type 'tensor<2x1xf32>' does not match the inferred type 'tensor<2x2xf32>' (dim 1: 1 written, 2 inferred)}}
  %y = loom.slice %x {axis = 1, start = 0, end = 6, step = 4} : (tensor<2x6xf32>) -> tensor<2x1xf32>
  loom.output "y", %y : tensor<2x1xf32>
}
