// RUN: %loom-opt %s | %loom-opt | FileCheck %s
// Every core op parses, verifies and prints back to something that parses.

// CHECK-LABEL: loom.model @all_ops
loom.model @all_ops {
  %x = loom.input "x" : tensor<2x3x8x8xf32>
  %ids = loom.input "ids" : tensor<2x5xi32>
  // CHECK: loom.param "conv.weight" {fan_in = 27 : i64} : tensor<4x3x3x3xf32>
  %cw = loom.param "conv.weight" {fan_in = 27} : tensor<4x3x3x3xf32>
  %cb = loom.param "conv.bias" : tensor<4xf32>
  // CHECK: loom.conv2d %{{.*}}, %{{.*}}, %{{.*}} {padding = array<i64: 1, 1>}
  %c = loom.conv2d %x, %cw, %cb {padding = array<i64: 1, 1>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
  // CHECK: loom.conv2d {{.*}}groups = 4 : i64, stride = array<i64: 2, 2>
  %dw = loom.param "dw.weight" : tensor<4x1x3x3xf32>
  %d = loom.conv2d %c, %dw {groups = 4, stride = array<i64: 2, 2>} : (tensor<2x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x3x3xf32>
  %m = loom.param "bn.running_mean" {init = "zeros"} : tensor<4xf32>
  %v = loom.param "bn.running_var" {init = "ones"} : tensor<4xf32>
  %g = loom.param "bn.weight" {init = "ones"} : tensor<4xf32>
  %b = loom.param "bn.bias" {init = "zeros"} : tensor<4xf32>
  // CHECK: loom.batch_norm
  %bn = loom.batch_norm %c, %m, %v, %g, %b : (tensor<2x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
  // CHECK: loom.relu %{{.*}} : tensor<2x4x8x8xf32>
  %r = loom.relu %bn : tensor<2x4x8x8xf32>
  %s1 = loom.silu %r : tensor<2x4x8x8xf32>
  %s2 = loom.sigmoid %s1 : tensor<2x4x8x8xf32>
  %s3 = loom.tanh %s2 : tensor<2x4x8x8xf32>
  %s4 = loom.softplus %s3 : tensor<2x4x8x8xf32>
  // CHECK: loom.gelu %{{.*}} {approximate = "tanh"}
  %s5 = loom.gelu %s4 {approximate = "tanh"} : tensor<2x4x8x8xf32>
  // CHECK: loom.add {{.*}} -> tensor<2x4x8x8xf32>
  %row = loom.input "row" : tensor<8xf32>
  %a = loom.add %s5, %row : (tensor<2x4x8x8xf32>, tensor<8xf32>) -> tensor<2x4x8x8xf32>
  %mu = loom.mul %a, %r : (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  // CHECK: loom.max_pool2d {{.*}} -> tensor<2x4x4x4xf32>
  %p = loom.max_pool2d %mu {kernel = array<i64: 2, 2>} : (tensor<2x4x8x8xf32>) -> tensor<2x4x4x4xf32>
  %ap = loom.avg_pool2d %mu {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x4x8x8xf32>) -> tensor<2x4x4x4xf32>
  %gp = loom.global_avg_pool2d %ap : (tensor<2x4x4x4xf32>) -> tensor<2x4x1x1xf32>
  // CHECK: loom.reshape {{.*}} -> tensor<2x4xf32>
  %f = loom.reshape %gp {shape = array<i64: 2, -1>} : (tensor<2x4x1x1xf32>) -> tensor<2x4xf32>
  %lw = loom.param "fc.weight" : tensor<6x4xf32>
  %l = loom.linear %f, %lw : (tensor<2x4xf32>, tensor<6x4xf32>) -> tensor<2x6xf32>
  // CHECK: loom.layer_norm %{{.*}} weight %{{.*}} bias %{{.*}}
  %lnw = loom.param "ln.weight" {init = "ones"} : tensor<6xf32>
  %lnb = loom.param "ln.bias" {init = "zeros"} : tensor<6xf32>
  %ln = loom.layer_norm %l weight %lnw bias %lnb {eps = 1.0e-06 : f64} : (tensor<2x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  %rn = loom.rms_norm %ln, %lnw : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  %sm = loom.softmax %rn {axis = 1} : tensor<2x6xf32>
  %t = loom.transpose %sm {perm = array<i64: 1, 0>} : (tensor<2x6xf32>) -> tensor<6x2xf32>
  // CHECK: loom.concat {{.*}} -> tensor<12x2xf32>
  %cat = loom.concat %t, %t {axis = 0} : (tensor<6x2xf32>, tensor<6x2xf32>) -> tensor<12x2xf32>
  // CHECK: loom.slice {{.*}} -> tensor<5x2xf32>
  %sl = loom.slice %cat {axis = 0, start = 1, end = 10, step = 2} : (tensor<12x2xf32>) -> tensor<5x2xf32>
  %ew = loom.param "emb.weight" : tensor<100x8xf32>
  // CHECK: loom.embedding {{.*}} -> tensor<2x5x8xf32>
  %e = loom.embedding %ids, %ew : (tensor<2x5xi32>, tensor<100x8xf32>) -> tensor<2x5x8xf32>
  %c1w = loom.param "c1.weight" : tensor<8x5x4xf32>
  // CHECK: loom.conv1d {{.*}} -> tensor<2x8x11xf32>
  %c1 = loom.conv1d %e, %c1w {padding = 3} : (tensor<2x5x8xf32>, tensor<8x5x4xf32>) -> tensor<2x8x11xf32>
  loom.output "y", %sl : tensor<5x2xf32>
  loom.output "e", %c1 : tensor<2x8x11xf32>
  loom.output "p", %p : tensor<2x4x4x4xf32>
  loom.output "d", %d : tensor<2x4x3x3xf32>
}
