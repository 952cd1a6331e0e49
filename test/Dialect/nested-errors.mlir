// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// The nested ops' verifiers name the disagreeing dimension or granularity.

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x16xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: input has d_model = 32 (last dim) but fc1_weight dim 1 is 16 (fc1_weight shape [64, 16])}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x16xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x48xf32>
  // expected-error @+1 {{nested_ffn: fc2_weight dim 1 is 48 but the hidden size (fc1_weight dim 0) is 64}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x48xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<16x64xf32>
  // expected-error @+1 {{nested_ffn: fc2_weight dim 0 is 16 but d_model (last dim of input) is 32 (fc2_weight shape [16, 64])}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<16x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %b1 = loom.param "f.fc1.bias" : tensor<32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: fc1_bias has shape [32] but must be [64] (the hidden size, fc1_weight dim 0)}}
  %y = loom.nested_ffn %x, %w1 bias %b1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: granularities [16, 16, 64] must be strictly increasing (granularity 1 = 16 follows 16)}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 16, 16, 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: the last granularity (32) must equal the hidden size (fc1_weight dim 0) (64)}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 16, 32>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: granularity 0 is 0; widths must be ≥ 1}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 0, 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{'loom.nested_ffn' op activation must be relu, gelu, gelu_tanh or silu, not 'swish'}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>, activation = "swish"} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  // expected-error @+1 {{nested_embedding: the last granularity (16) must equal the feature width (last dim of input) (32)}}
  %e = loom.nested_embedding %x {granularities = array<i64: 8, 16>} : (tensor<4x32xf32>) -> tensor<4x32xf32>
  loom.output "e", %e : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<f32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: input must have rank ≥ 1 ([..., d_model])}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>} : (tensor<f32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<f32>
  loom.output "y", %y : tensor<f32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: fc1_weight must have rank 2 ([hidden, d_model]) but has shape [64]}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<2x32x64xf32>
  // expected-error @+1 {{nested_ffn: fc2_weight must have rank 2 ([d_model, hidden]) but has shape [2, 32, 64]}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<2x32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  %b2 = loom.param "f.fc2.bias" : tensor<64xf32>
  // expected-error @+1 {{nested_ffn: fc2_bias has shape [64] but must be [32] (d_model, the last dim of input)}}
  %y = loom.nested_ffn %x, %w1, %w2 bias %b2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>, tensor<64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{nested_ffn: granularities are required (at least one width)}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{'loom.nested_ffn' op result type 'tensor<4x64xf32>' does not match the inferred type 'tensor<4x32xf32>'}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x64xf32>
  loom.output "y", %y : tensor<4x64xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{'loom.nested_ffn' op requires attribute 'granularities'}}
  %y = loom.nested_ffn %x, %w1, %w2 : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "f.fc1.weight" : tensor<64x32xf32>
  %w2 = loom.param "f.fc2.weight" : tensor<32x64xf32>
  // expected-error @+1 {{'loom.nested_ffn' op attribute 'activation' failed to satisfy constraint: string attribute}}
  %y = loom.nested_ffn %x, %w1, %w2 {granularities = array<i64: 64>, activation = 3 : i64} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  loom.output "y", %y : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<f32>
  // expected-error @+1 {{nested_embedding: input must have rank ≥ 1 ([..., d])}}
  %e = loom.nested_embedding %x {granularities = array<i64: 1>} : (tensor<f32>) -> tensor<f32>
  loom.output "e", %e : tensor<f32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  // expected-error @+1 {{'loom.nested_embedding' op requires attribute 'granularities'}}
  %e = loom.nested_embedding %x : (tensor<4x32xf32>) -> tensor<4x32xf32>
  loom.output "e", %e : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xi32>
  // expected-error @+1 {{'loom.nested_embedding' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<4x32xi32>'}}
  %e = loom.nested_embedding %x {granularities = array<i64: 32>} : (tensor<4x32xi32>) -> tensor<4x32xf32>
  loom.output "e", %e : tensor<4x32xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<4x32xf32>
  // expected-error @+1 {{'loom.nested_embedding' op attribute 'normalize' failed to satisfy constraint: bool attribute}}
  %e = loom.nested_embedding %x {granularities = array<i64: 32>, normalize = 1 : i64} : (tensor<4x32xf32>) -> tensor<4x32xf32>
  loom.output "e", %e : tensor<4x32xf32>
}
