// RUN: %loom-opt %s --pass-pipeline='builtin.module(loom.model(loom-decompose))' | FileCheck %s

// loom.mamba2 and loom.hydra expand into the layers of mamba_ssm's
// Mamba2.forward and goombalab/hydra's Hydra.forward.
// Mamba2: d_model 16, d_inner 32, 4 heads of 8, 2 groups of 8 states, d_conv 4.
loom.model @m2 {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "mixer.in_proj.weight" : tensor<100x16xf32>
  %p2 = loom.param "mixer.conv1d.weight" : tensor<64x1x4xf32>
  %p3 = loom.param "mixer.conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "mixer.dt_bias" : tensor<4xf32>
  %p5 = loom.param "mixer.A_log" : tensor<4xf32>
  %p6 = loom.param "mixer.D" : tensor<4xf32>
  %p7 = loom.param "mixer.norm.weight" : tensor<32xf32>
  %p8 = loom.param "mixer.out_proj.weight" : tensor<16x32xf32>
  %y = loom.mamba2 %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<100x16xf32>, tensor<64x1x4xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// CHECK-LABEL: loom.model @m2
// CHECK-NOT:   loom.mamba2
// in_proj → z [0, 32) | xBC [32, 96) | dt [96, 100).
// CHECK:       %[[ZXBCDT:.*]] = loom.linear {{.*}} -> tensor<2x13x100xf32>
// CHECK:       %[[Z:.*]] = loom.slice %[[ZXBCDT]] {axis = 2 : i64, end = 32 : i64, start = 0 : i64}
// CHECK:       %[[DT:.*]] = loom.slice %[[ZXBCDT]] {axis = 2 : i64, end = 100 : i64, start = 96 : i64}
// CHECK:       %[[XBC:.*]] = loom.slice %[[ZXBCDT]] {axis = 2 : i64, end = 96 : i64, start = 32 : i64}
// Causal depthwise convolution over the 64 xBC channels: pad 3, keep the first 13.
// CHECK:       %[[XBCT:.*]] = loom.transpose %[[XBC]]
// CHECK:       %[[CONV:.*]] = loom.conv1d %[[XBCT]], %{{.*}}, %{{.*}} {groups = 64 : i64, padding = 3 : i64} : {{.*}} -> tensor<2x64x16xf32>
// CHECK:       %[[CUT:.*]] = loom.slice %[[CONV]] {axis = 2 : i64, end = 13 : i64, start = 0 : i64}
// CHECK:       %[[ACT:.*]] = loom.silu %[[CUT]]
// CHECK:       %[[ACTT:.*]] = loom.transpose %[[ACT]]
// x → [B, L, H, P]; B, C → [B, L, G, N].
// CHECK:       %[[XS:.*]] = loom.slice %[[ACTT]] {axis = 2 : i64, end = 32 : i64, start = 0 : i64}
// CHECK:       %[[X:.*]] = loom.reshape %[[XS]] {shape = array<i64: 2, 13, 4, 8>}
// CHECK:       %[[BS:.*]] = loom.slice %[[ACTT]] {axis = 2 : i64, end = 48 : i64, start = 32 : i64}
// CHECK:       %[[B:.*]] = loom.reshape %[[BS]] {shape = array<i64: 2, 13, 2, 8>}
// CHECK:       %[[CS:.*]] = loom.slice %[[ACTT]] {axis = 2 : i64, end = 64 : i64, start = 48 : i64}
// CHECK:       %[[C:.*]] = loom.reshape %[[CS]] {shape = array<i64: 2, 13, 2, 8>}
// CHECK:       %[[Y:.*]] = loom.ssd_scan %[[X]], %[[DT]], %{{.*}}, %[[B]], %[[C]] D %{{.*}} dt_bias %{{.*}} {a_is_log = true, dt_softplus = true}
// CHECK:       %[[YF:.*]] = loom.reshape %[[Y]] {shape = array<i64: 2, 13, 32>}
// The gated norm after the gate, one group per 32/2 channels.
// CHECK:       %[[N:.*]] = loom.gated_rms_norm %[[YF]], %[[Z]], %{{.*}} {group_size = 16 : i64}
// CHECK:       loom.linear %[[N]], %{{.*}} : {{.*}} -> tensor<2x13x16xf32>

// Hydra: 4 heads of 8, 2 groups of 4 states, d_conv 7;
// in_proj → z [0, 32) | xBC [32, 96) | dt [96, 104).
loom.model @hy {
  %p0 = loom.input "x" : tensor<2x13x16xf32>
  %p1 = loom.param "bi.in_proj.weight" : tensor<104x16xf32>
  %p2 = loom.param "bi.conv1d.weight" : tensor<64x1x7xf32>
  %p3 = loom.param "bi.conv1d.bias" : tensor<64xf32>
  %p4 = loom.param "bi.dt_bias" : tensor<4xf32>
  %p5 = loom.param "bi.A_log" : tensor<4xf32>
  %p6 = loom.param "bi.D" : tensor<4xf32>
  %p7 = loom.param "bi.fc_D.weight" : tensor<4x32xf32>
  %p8 = loom.param "bi.norm.weight" : tensor<32xf32>
  %p9 = loom.param "bi.out_proj.weight" : tensor<16x32xf32>
  %y = loom.hydra %p0, %p1, %p2, %p3, %p4, %p5, %p6, %p7, %p8, %p9 {ngroups = 2 : i64} : (tensor<2x13x16xf32>, tensor<104x16xf32>, tensor<64x1x7xf32>, tensor<64xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x32xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<2x13x16xf32>
  loom.output "y", %y : tensor<2x13x16xf32>
}

// CHECK-LABEL: loom.model @hy
// CHECK-NOT:   loom.hydra
// CHECK:       %[[ZXBCDT:.*]] = loom.linear {{.*}} -> tensor<2x13x104xf32>
// CHECK:       %[[Z:.*]] = loom.slice %[[ZXBCDT]] {axis = 2 : i64, end = 32 : i64, start = 0 : i64}
// CHECK:       %[[DT:.*]] = loom.slice %[[ZXBCDT]] {axis = 2 : i64, end = 104 : i64, start = 96 : i64}
// Centred convolution: padding 7/2 = 3 keeps L = 13, no slice.
// CHECK:       %[[CONV:.*]] = loom.conv1d %{{.*}}, %{{.*}}, %{{.*}} {groups = 64 : i64, padding = 3 : i64} : {{.*}} -> tensor<2x64x13xf32>
// CHECK-NEXT:  %[[ACT:.*]] = loom.silu %[[CONV]]
// CHECK-NEXT:  %[[ACTT:.*]] = loom.transpose %[[ACT]]
// CHECK:       %[[XS:.*]] = loom.slice %[[ACTT]] {axis = 2 : i64, end = 32 : i64, start = 0 : i64}
// CHECK:       %[[X:.*]] = loom.reshape %[[XS]] {shape = array<i64: 2, 13, 4, 8>}
// Forward: dt [0, 4), B [32, 40), C [40, 48).
// CHECK:       %[[DTF:.*]] = loom.slice %[[DT]] {axis = 2 : i64, end = 4 : i64, start = 0 : i64}
// CHECK:       loom.slice %[[ACTT]] {axis = 2 : i64, end = 40 : i64, start = 32 : i64}
// CHECK:       loom.slice %[[ACTT]] {axis = 2 : i64, end = 48 : i64, start = 40 : i64}
// CHECK:       %[[FWD:.*]] = loom.ssd_scan %[[X]], %[[DTF]], %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} dt_bias %{{.*}} {a_is_log = true, dt_softplus = true, shift = true}
// Backward: dt [4, 8), B [48, 56), C [56, 64), reversed.
// CHECK:       %[[DTB:.*]] = loom.slice %[[DT]] {axis = 2 : i64, end = 8 : i64, start = 4 : i64}
// CHECK:       loom.slice %[[ACTT]] {axis = 2 : i64, end = 56 : i64, start = 48 : i64}
// CHECK:       loom.slice %[[ACTT]] {axis = 2 : i64, end = 64 : i64, start = 56 : i64}
// CHECK:       %[[BWD:.*]] = loom.ssd_scan %[[X]], %[[DTB]], %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} dt_bias %{{.*}} {a_is_log = true, dt_softplus = true, reverse = true, shift = true}
// The skip: x · (fc_D(x) + D), per head.
// CHECK:       %[[FCD:.*]] = loom.linear %[[XS]], %{{.*}}, %{{.*}} : {{.*}} -> tensor<2x13x4xf32>
// CHECK:       %[[DH:.*]] = loom.reshape %[[FCD]] {shape = array<i64: 2, 13, 4, 1>}
// CHECK:       %[[MIX:.*]] = loom.add %[[FWD]], %[[BWD]]
// CHECK:       %[[SKIP:.*]] = loom.mul %[[X]], %[[DH]]
// CHECK:       %[[SUM:.*]] = loom.add %[[MIX]], %[[SKIP]]
// CHECK:       %[[YF:.*]] = loom.reshape %[[SUM]] {shape = array<i64: 2, 13, 32>}
// CHECK:       %[[N:.*]] = loom.gated_rms_norm %[[YF]], %[[Z]], %{{.*}} {norm_before_gate = true}
// CHECK:       loom.linear %[[N]], %{{.*}} : {{.*}} -> tensor<2x13x16xf32>
