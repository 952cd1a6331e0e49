// RUN: %loom-opt %s -split-input-file --loom-reparameterize | FileCheck %s
// RUN: %loom-opt %s -split-input-file --loom-reparameterize=enable=false | FileCheck %s --check-prefix=OFF

// A 7×7 and a parallel 3×3 depthwise branch with batch norms, summed: one
// 7×7 conv whose kernel and bias are computed from the original parameters.
// CHECK-LABEL: loom.model @branches
// CHECK-DAG:   %[[W7:.*]] = loom.param "lk.weight"
// CHECK-DAG:   %[[W3:.*]] = loom.param "sk.weight"
// CHECK:       %[[F7:.*]] = loom.fold_batch_norm_weight %[[W7]], {{.*}} {eps = 1.000000e-03 : f64} : (tensor<4x1x7x7xf32>
// CHECK:       %[[B7:.*]] = loom.fold_batch_norm_bias
// CHECK:       %[[F3:.*]] = loom.fold_batch_norm_weight %[[W3]]
// CHECK:       %[[E3:.*]] = loom.embed_kernel %[[F3]] {size = 7 : i64} : (tensor<4x1x3x3xf32>) -> tensor<4x1x7x7xf32>
// CHECK:       %[[B3:.*]] = loom.fold_batch_norm_bias {{.*}}, %{{.*}} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK:       %[[K:.*]] = loom.add %[[F7]], %[[E3]]
// CHECK:       %[[B:.*]] = loom.add %[[B7]], %[[B3]]
// CHECK:       %[[C:.*]] = loom.conv2d %{{.*}}, %[[K]], %[[B]] {groups = 4 : i64, padding = array<i64: 3, 3>}
// CHECK-NOT:   loom.batch_norm
// CHECK:       loom.output "y", %[[C]]
// OFF-LABEL:   loom.model @branches
// OFF-COUNT-2: loom.batch_norm
// OFF-NOT:     loom.fold_batch_norm_weight
loom.model @branches {
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %w7 = loom.param "lk.weight" : tensor<4x1x7x7xf32>
  %m7 = loom.param "lk_bn.running_mean" : tensor<4xf32>
  %v7 = loom.param "lk_bn.running_var" : tensor<4xf32>
  %g7 = loom.param "lk_bn.weight" : tensor<4xf32>
  %b7 = loom.param "lk_bn.bias" : tensor<4xf32>
  %w3 = loom.param "sk.weight" : tensor<4x1x3x3xf32>
  %c3 = loom.param "sk.bias" : tensor<4xf32>
  %m3 = loom.param "sk_bn.running_mean" : tensor<4xf32>
  %v3 = loom.param "sk_bn.running_var" : tensor<4xf32>
  %g3 = loom.param "sk_bn.weight" : tensor<4xf32>
  %b3 = loom.param "sk_bn.bias" : tensor<4xf32>
  %l = loom.conv2d %x, %w7 {groups = 4 : i64, padding = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>, tensor<4x1x7x7xf32>) -> tensor<1x4x8x8xf32>
  %ln = loom.batch_norm %l, %m7, %v7, %g7, %b7 {eps = 1.0e-3} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %s = loom.conv2d %x, %w3, %c3 {groups = 4 : i64, padding = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %sn = loom.batch_norm %s, %m3, %v3, %g3, %b3 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %y = loom.add %ln, %sn : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}

// -----

// Branches over different inputs, or a batch norm whose conv result is also
// used elsewhere, stay as written.
// CHECK-LABEL: loom.model @kept
// CHECK:       loom.batch_norm
// CHECK:       loom.add
loom.model @kept {
  %x = loom.input "x" : tensor<1x4x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x1x3x3xf32>
  %m = loom.param "bn.running_mean" : tensor<4xf32>
  %v = loom.param "bn.running_var" : tensor<4xf32>
  %g = loom.param "bn.weight" : tensor<4xf32>
  %b = loom.param "bn.bias" : tensor<4xf32>
  %c = loom.conv2d %x, %w {groups = 4 : i64, padding = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  %n = loom.batch_norm %c, %m, %v, %g, %b : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %y = loom.add %n, %c : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  loom.output "y", %y : tensor<1x4x8x8xf32>
}
