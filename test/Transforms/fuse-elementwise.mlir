// RUN: %loom-opt %s --pass-pipeline='builtin.module(loom.model(loom-fuse-elementwise))' -split-input-file | FileCheck %s
// RUN: %loom-opt %s --pass-pipeline='builtin.module(loom.model(loom-fuse-elementwise{enable=false}))' -split-input-file | FileCheck %s --check-prefix=OFF

// An activation with one consumer is fused; the conv producing it is not.
// CHECK-LABEL: loom.model @single_use
// CHECK: loom.conv2d
// CHECK-NOT: loom.fused
// CHECK: loom.relu %{{.*}} {loom.fused}
// OFF-LABEL: loom.model @single_use
// OFF-NOT: loom.fused
loom.model @single_use {
  %x = loom.input "x" : tensor<1x3x8x8xf32>
  %w = loom.param "c.weight" : tensor<4x3x3x3xf32>
  %c = loom.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  %r = loom.relu %c : tensor<1x4x6x6xf32>
  loom.output "y", %r : tensor<1x4x6x6xf32>
}

// -----

// An activation read by two consumers stays materialized; the residual add
// with one consumer is fused.
// CHECK-LABEL: loom.model @two_uses
// CHECK: %[[G:.*]] = loom.gelu %{{.*}} : tensor<2x8xf32>
// CHECK: loom.add %[[G]], %[[G]] {loom.fused}
loom.model @two_uses {
  %x = loom.input "x" : tensor<2x8xf32>
  %g = loom.gelu %x : tensor<2x8xf32>
  %a = loom.add %g, %g : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  loom.output "y", %a : tensor<2x8xf32>
}
