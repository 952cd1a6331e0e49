// RUN: %loom-opt %s | %loom-opt | FileCheck %s
// The nested ops round-trip through their assembly format.

// CHECK-LABEL: loom.model @nested
// CHECK: loom.nested_ffn %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} bias %{{.*}} {activation = "silu", granularities = array<i64: 16, 32, 64>}
// CHECK: loom.nested_ffn %{{.*}}, %{{.*}}, %{{.*}} {granularities = array<i64: 64>}
// CHECK: loom.nested_embedding %{{.*}} {granularities = array<i64: 8, 32>, normalize = true}
loom.model @nested {
  %x = loom.input "x" : tensor<4x32xf32>
  %w1 = loom.param "ffn.fc1.weight" : tensor<64x32xf32>
  %b1 = loom.param "ffn.fc1.bias" : tensor<64xf32>
  %w2 = loom.param "ffn.fc2.weight" : tensor<32x64xf32>
  %b2 = loom.param "ffn.fc2.bias" : tensor<32xf32>
  %y = loom.nested_ffn %x, %w1 bias %b1, %w2 bias %b2 {granularities = array<i64: 16, 32, 64>, activation = "silu"} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  %z = loom.nested_ffn %y, %w1, %w2 {granularities = array<i64: 64>} : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<4x32xf32>
  %e = loom.nested_embedding %z {granularities = array<i64: 8, 32>, normalize = true} : (tensor<4x32xf32>) -> tensor<4x32xf32>
  loom.output "e", %e : tensor<4x32xf32>
}
