// RUN: %loom-opt %s --pass-pipeline='builtin.module(loom.model(loom-decompose))' | FileCheck %s

// loom.mamba expands into the layers of mamba_ssm's Mamba.forward; each part
// is named after the block (mixer.in_proj, mixer.scan, ...).

loom.model @m {
  %x = loom.input "x" : tensor<2x10x16xf32>
  %in = loom.param "mixer.in_proj.weight" : tensor<64x16xf32>
  %cw = loom.param "mixer.conv1d.weight" : tensor<32x1x4xf32>
  %cb = loom.param "mixer.conv1d.bias" : tensor<32xf32>
  %xp = loom.param "mixer.x_proj.weight" : tensor<17x32xf32>
  %dw = loom.param "mixer.dt_proj.weight" : tensor<32x1xf32>
  %db = loom.param "mixer.dt_proj.bias" : tensor<32xf32>
  %al = loom.param "mixer.A_log" : tensor<32x8xf32>
  %d = loom.param "mixer.D" : tensor<32xf32>
  %out = loom.param "mixer.out_proj.weight" : tensor<16x32xf32>
  %y = loom.mamba %x, %in, %cw, %cb, %xp, %dw, %db, %al, %d, %out : (tensor<2x10x16xf32>, tensor<64x16xf32>, tensor<32x1x4xf32>, tensor<32xf32>, tensor<17x32xf32>, tensor<32x1xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x10x16xf32>
  loom.output "y", %y : tensor<2x10x16xf32>
}

// CHECK-LABEL: loom.model @m
// CHECK-NOT:   loom.mamba
// CHECK:       %[[XZ:.*]] = loom.linear %{{.*}}, %[[IN:.*]] : (tensor<2x10x16xf32>, tensor<64x16xf32>) -> tensor<2x10x64xf32>
// CHECK:       %[[XS:.*]] = loom.slice %[[XZ]] {axis = 2 : i64, end = 32 : i64, start = 0 : i64}
// CHECK:       %[[XT:.*]] = loom.transpose %[[XS]] {perm = array<i64: 0, 2, 1>} : (tensor<2x10x32xf32>) -> tensor<2x32x10xf32>
// CHECK:       %[[ZS:.*]] = loom.slice %[[XZ]] {axis = 2 : i64, end = 64 : i64, start = 32 : i64}
// CHECK:       %[[Z:.*]] = loom.transpose %[[ZS]]
// Causal depthwise convolution: pad 3 both sides, keep the first L = 10.
// CHECK:       %[[CONV:.*]] = loom.conv1d %[[XT]], %{{.*}}, %{{.*}} {groups = 32 : i64, padding = 3 : i64} : {{.*}} -> tensor<2x32x13xf32>
// CHECK:       %[[CUT:.*]] = loom.slice %[[CONV]] {axis = 2 : i64, end = 10 : i64, start = 0 : i64}
// CHECK:       %[[U:.*]] = loom.silu %[[CUT]] : tensor<2x32x10xf32>
// CHECK:       %[[PROJ:.*]] = loom.linear %{{.*}}, %{{.*}} : (tensor<2x10x32xf32>, tensor<17x32xf32>) -> tensor<2x10x17xf32>
// CHECK:       %[[DT:.*]] = loom.slice %[[PROJ]] {axis = 2 : i64, end = 1 : i64, start = 0 : i64}
// CHECK:       loom.slice %[[PROJ]] {axis = 2 : i64, end = 9 : i64, start = 1 : i64}
// CHECK:       loom.slice %[[PROJ]] {axis = 2 : i64, end = 17 : i64, start = 9 : i64}
// dt_proj without its bias: the bias is the scan's delta_bias.
// CHECK:       %[[DTP:.*]] = loom.linear %[[DT]], %{{.*}} : (tensor<2x10x1xf32>, tensor<32x1xf32>) -> tensor<2x10x32xf32>
// CHECK:       %[[DELTA:.*]] = loom.transpose %[[DTP]]
// CHECK:       %[[Y:.*]] = loom.selective_scan %[[U]], %[[DELTA]], %{{.*}}, %{{.*}}, %{{.*}} D %{{.*}} z %[[Z]] delta_bias %{{.*}} {a_is_log = true, delta_softplus = true}
// CHECK:       %[[YT:.*]] = loom.transpose %[[Y]]
// CHECK:       %[[OUT:.*]] = loom.linear %[[YT]], %{{.*}} : (tensor<2x10x32xf32>, tensor<16x32xf32>) -> tensor<2x10x16xf32>
// CHECK:       loom.output "y", %[[OUT]]
