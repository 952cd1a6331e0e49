// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of the elementwise ops: the unary ones, gelu, add and mul.

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.relu' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.relu %x : tensor<2x6xi32>
  loom.output "y", %y : tensor<2x6xi32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.relu' op requires the same type for all operands and results}}
  %y = "loom.relu"(%x) : (tensor<2x6xf32>) -> tensor<2x7xf32>
  loom.output "y", %y : tensor<2x7xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.silu' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.silu %x : tensor<2x6xi32>
  loom.output "y", %y : tensor<2x6xi32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.silu' op requires the same type for all operands and results}}
  %y = "loom.silu"(%x) : (tensor<2x6xf32>) -> tensor<2x7xf32>
  loom.output "y", %y : tensor<2x7xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.sigmoid' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.sigmoid %x : tensor<2x6xi32>
  loom.output "y", %y : tensor<2x6xi32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.sigmoid' op requires the same type for all operands and results}}
  %y = "loom.sigmoid"(%x) : (tensor<2x6xf32>) -> tensor<2x7xf32>
  loom.output "y", %y : tensor<2x7xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.tanh' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.tanh %x : tensor<2x6xi32>
  loom.output "y", %y : tensor<2x6xi32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.tanh' op requires the same type for all operands and results}}
  %y = "loom.tanh"(%x) : (tensor<2x6xf32>) -> tensor<2x7xf32>
  loom.output "y", %y : tensor<2x7xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.softplus' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.softplus %x : tensor<2x6xi32>
  loom.output "y", %y : tensor<2x6xi32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.softplus' op requires the same type for all operands and results}}
  %y = "loom.softplus"(%x) : (tensor<2x6xf32>) -> tensor<2x7xf32>
  loom.output "y", %y : tensor<2x7xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.gelu' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.gelu %x : tensor<2x6xi32>
  loom.output "y", %y : tensor<2x6xi32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.gelu' op requires the same type for all operands and results}}
  %y = "loom.gelu"(%x) : (tensor<2x6xf32>) -> tensor<2x7xf32>
  loom.output "y", %y : tensor<2x7xf32>
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
  // expected-error @+1 {{'loom.gelu' op attribute 'approximate' failed to satisfy constraint: string attribute}}
  %y = loom.gelu %x {approximate = true} : tensor<2x6xf32>
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
  %z = loom.input "z" : tensor<4x1x5xf32>
  // expected-error @+1 {{add: shapes [2, 6] and [4, 1, 5] do not broadcast: dim 2 of the result would be both 6 and 5}}
  %y = loom.add %x, %z : (tensor<2x6xf32>, tensor<4x1x5xf32>) -> tensor<4x2x6xf32>
  loom.output "y", %y : tensor<4x2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<6xf32>
  // expected-error @+1 {{'loom.add' op result type 'tensor<6xf32>' does not match the inferred type 'tensor<2x6xf32>' (rank 1 written, 2 inferred)}}
  %y = loom.add %x, %z : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<6xf32>
  loom.output "y", %y : tensor<6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.add' op operand #1 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.add %x, %z : (tensor<2x6xf32>, tensor<2x6xi32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.add' op expected 2 operands, but found 1}}
  %y = "loom.add"(%x) : (tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<3x6xf32>
  // expected-error @+1 {{mul: shapes [2, 6] and [3, 6] do not broadcast: dim 0 of the result would be both 2 and 3}}
  %y = loom.mul %x, %z : (tensor<2x6xf32>, tensor<3x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<4x1x5xf32>
  // expected-error @+1 {{mul: shapes [2, 6] and [4, 1, 5] do not broadcast: dim 2 of the result would be both 6 and 5}}
  %y = loom.mul %x, %z : (tensor<2x6xf32>, tensor<4x1x5xf32>) -> tensor<4x2x6xf32>
  loom.output "y", %y : tensor<4x2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<6xf32>
  // expected-error @+1 {{'loom.mul' op result type 'tensor<6xf32>' does not match the inferred type 'tensor<2x6xf32>' (rank 1 written, 2 inferred)}}
  %y = loom.mul %x, %z : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<6xf32>
  loom.output "y", %y : tensor<6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  %z = loom.input "z" : tensor<2x6xi32>
  // expected-error @+1 {{'loom.mul' op operand #1 must be ranked tensor of 32-bit float values, but got 'tensor<2x6xi32>'}}
  %y = loom.mul %x, %z : (tensor<2x6xf32>, tensor<2x6xi32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.mul' op expected 2 operands, but found 1}}
  %y = "loom.mul"(%x) : (tensor<2x6xf32>) -> tensor<2x6xf32>
  loom.output "y", %y : tensor<2x6xf32>
}
