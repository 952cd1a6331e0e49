// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of the pooling ops, loom.softmax and loom.embedding.

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x8x8xf32>
  // expected-error @+1 {{max_pool2d: input must have rank 4 ([N, C, H, W]) but has shape [2, 8, 8]}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<2x8x8xf32>) -> tensor<2x4x4xf32>
  loom.output "y", %y : tensor<2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{'loom.max_pool2d' op requires attribute 'kernel'}}
  %y = loom.max_pool2d %x : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{max_pool2d: kernel, stride and padding need 2 values each ([H, W]) but have 1, 1 and 2}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{max_pool2d: kernel, stride and padding need 2 values each ([H, W]) but have 2, 3 and 2}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{max_pool2d: padding 2 along dim 3 exceeds half the kernel (2)}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x6xf32>
  loom.output "y", %y : tensor<1x2x4x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{max_pool2d: the kernel extent along dim 3 must be ≥ 1, got 0}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 0>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{max_pool2d: stride along dim 2 must be ≥ 1, got 0}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 0, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{max_pool2d: padding along dim 2 must be ≥ 0, got -1}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: -1, 0>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x3xf32>
  // expected-error @+1 {{max_pool2d: the window (4 wide) is larger than the padded input along dim 3 (3 + 2×0)}}
  %y = loom.max_pool2d %x {kernel = array<i64: 4, 4>} : (tensor<1x2x8x3xf32>) -> tensor<1x2x2x1xf32>
  loom.output "y", %y : tensor<1x2x2x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{'loom.max_pool2d' op result type 'tensor<1x2x8x8xf32>' does not match the inferred type 'tensor<1x2x4x4xf32>' (dim 2: 8 written, 4 inferred)}}
  %y = loom.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  loom.output "y", %y : tensor<1x2x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{'loom.max_pool2d' op attribute 'kernel' failed to satisfy constraint: i64 dense array attribute}}
  %y = loom.max_pool2d %x {kernel = 2} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x8x8xf32>
  // expected-error @+1 {{avg_pool2d: input must have rank 4 ([N, C, H, W]) but has shape [2, 8, 8]}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<2x8x8xf32>) -> tensor<2x4x4xf32>
  loom.output "y", %y : tensor<2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{'loom.avg_pool2d' op requires attribute 'kernel'}}
  %y = loom.avg_pool2d %x : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{avg_pool2d: kernel, stride and padding need 2 values each ([H, W]) but have 1, 1 and 2}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{avg_pool2d: kernel, stride and padding need 2 values each ([H, W]) but have 2, 3 and 2}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{avg_pool2d: padding 2 along dim 3 exceeds half the kernel (2)}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x6xf32>
  loom.output "y", %y : tensor<1x2x4x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{avg_pool2d: the kernel extent along dim 3 must be ≥ 1, got 0}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2, 0>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{avg_pool2d: stride along dim 2 must be ≥ 1, got 0}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 0, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{avg_pool2d: padding along dim 2 must be ≥ 0, got -1}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: -1, 0>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x3xf32>
  // expected-error @+1 {{avg_pool2d: the window (4 wide) is larger than the padded input along dim 3 (3 + 2×0)}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 4, 4>} : (tensor<1x2x8x3xf32>) -> tensor<1x2x2x1xf32>
  loom.output "y", %y : tensor<1x2x2x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{'loom.avg_pool2d' op result type 'tensor<1x2x8x8xf32>' does not match the inferred type 'tensor<1x2x4x4xf32>' (dim 2: 8 written, 4 inferred)}}
  %y = loom.avg_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  loom.output "y", %y : tensor<1x2x8x8xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{'loom.avg_pool2d' op attribute 'kernel' failed to satisfy constraint: i64 dense array attribute}}
  %y = loom.avg_pool2d %x {kernel = 2} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  loom.output "y", %y : tensor<1x2x4x4xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x8x8xf32>
  // expected-error @+1 {{global_avg_pool2d: input must have rank 4 ([N, C, H, W]) but has shape [2, 8, 8]}}
  %y = loom.global_avg_pool2d %x : (tensor<2x8x8xf32>) -> tensor<2x1x1xf32>
  loom.output "y", %y : tensor<2x1x1xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xf32>
  // expected-error @+1 {{'loom.global_avg_pool2d' op result type 'tensor<1x2xf32>' does not match the inferred type 'tensor<1x2x1x1xf32>' (rank 2 written, 4 inferred)}}
  %y = loom.global_avg_pool2d %x : (tensor<1x2x8x8xf32>) -> tensor<1x2xf32>
  loom.output "y", %y : tensor<1x2xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<1x2x8x8xi32>
  // expected-error @+1 {{'loom.global_avg_pool2d' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<1x2x8x8xi32>'}}
  %y = loom.global_avg_pool2d %x : (tensor<1x2x8x8xi32>) -> tensor<1x2x1x1xf32>
  loom.output "y", %y : tensor<1x2x1x1xf32>
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
  // expected-error @+1 {{softmax: axis -3 is out of range for rank 2 (valid: -2 to 1)}}
  %y = loom.softmax %x {axis = -3} : tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.softmax' op attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute}}
  %y = loom.softmax %x {axis = 1.5} : tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.softmax' op requires the same type for all operands and results}}
  %y = "loom.softmax"(%x) : (tensor<2x6xf32>) -> tensor<2x5xf32>
  loom.output "y", %y : tensor<2x5xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.softmax' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.softmax %x : tensor<2x6xi32>
  loom.output "y", %y : tensor<2x6xi32>
}

// -----

loom.model @m {
  %ids = loom.input "ids" : tensor<2x5xf32>
  %t = loom.param "emb.weight" : tensor<100x16xf32>
  // expected-error @+1 {{'loom.embedding' op operand #0 must be ranked tensor of 32-bit signless integer values, but got 'tensor<2x5xf32>'}}
  %y = loom.embedding %ids, %t : (tensor<2x5xf32>, tensor<100x16xf32>) -> tensor<2x5x16xf32>
  loom.output "y", %y : tensor<2x5x16xf32>
}

// -----

loom.model @m {
  %ids = loom.input "ids" : tensor<2x5xi32>
  %t = loom.param "emb.weight" : tensor<100x16xi32>
  // expected-error @+1 {{'loom.embedding' op operand #1 must be ranked tensor of 32-bit float values, but got 'tensor<100x16xi32>'}}
  %y = loom.embedding %ids, %t : (tensor<2x5xi32>, tensor<100x16xi32>) -> tensor<2x5x16xf32>
  loom.output "y", %y : tensor<2x5x16xf32>
}

// -----

loom.model @m {
  %ids = loom.input "ids" : tensor<2x5xi32>
  %t = loom.param "emb.weight" : tensor<1600xf32>
  // expected-error @+1 {{embedding: table must have rank 2 ([num_embeddings, dim]) but has shape [1600]}}
  %y = loom.embedding %ids, %t : (tensor<2x5xi32>, tensor<1600xf32>) -> tensor<2x5x16xf32>
  loom.output "y", %y : tensor<2x5x16xf32>
}

// -----

loom.model @m {
  %ids = loom.input "ids" : tensor<2x5xi32>
  %t = loom.param "emb.weight" : tensor<100x16xf32>
  // expected-error @+1 {{'loom.embedding' op result type 'tensor<2x5x100xf32>' does not match the inferred type 'tensor<2x5x16xf32>' (dim 2: 100 written, 16 inferred)}}
  %y = loom.embedding %ids, %t : (tensor<2x5xi32>, tensor<100x16xf32>) -> tensor<2x5x100xf32>
  loom.output "y", %y : tensor<2x5x100xf32>
}
