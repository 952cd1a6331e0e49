// RUN: %loom-opt %s | %loom-opt | FileCheck %s
// The hyperkernel ops parse, verify and print back to something that parses.

// CHECK-LABEL: loom.model @hyper
loom.model @hyper {
  %z = loom.input "z" : tensor<2x4x8x8xf32>
  %ctx = loom.input "ctx" : tensor<2x3x5x5xf32>
  %f0w = loom.param "k.filters.0.weight" : tensor<6x2xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  %f1w = loom.param "k.filters.1.weight" : tensor<6x2xf32>
  %f1b = loom.param "k.filters.1.bias" : tensor<6xf32>
  %l0w = loom.param "k.linears.0.weight" : tensor<6x6xf32>
  %l0b = loom.param "k.linears.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // CHECK: %[[K:.*]] = loom.hyper_kernel params(%{{.*}}) {channels = 4 : i64, hidden = 6 : i64, kernel = 8 : i64, layers = 2 : i64} : ({{.*}}) -> tensor<4x8x8xf32>
  %k = loom.hyper_kernel params(%f0w, %f0b, %f1w, %f1b, %l0w, %l0b, %ow, %ob) {net = "mfn", kernel = 8 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 2 : i64} : (tensor<6x2xf32>, tensor<6xf32>, tensor<6x2xf32>, tensor<6xf32>, tensor<6x6xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<4x8x8xf32>
  // CHECK: loom.hyper_zzw %{{.*}}, %[[K]] : (tensor<2x4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %g = loom.hyper_zzw %z, %k : (tensor<2x4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<2x4x8x8xf32>
  // CHECK: loom.hyper_zzw %{{.*}}, %[[K]] {mode = "elementwise"}
  %e = loom.hyper_zzw %z, %k {mode = "elementwise"} : (tensor<2x4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<2x4x8x8xf32>

  %s0w = loom.param "s.linears.0.weight" : tensor<6x2xf32>
  %s0b = loom.param "s.linears.0.bias" : tensor<6xf32>
  %g0w = loom.param "s.gates.0.weight" : tensor<6x3xf32>
  %g0b = loom.param "s.gates.0.bias" : tensor<6xf32>
  %sow = loom.param "s.output_linear.weight" : tensor<4x6xf32>
  %sob = loom.param "s.output_linear.bias" : tensor<4xf32>
  // CHECK: %[[S:.*]] = loom.hyper_kernel context %{{.*}} params(%{{.*}}) {{{.*}}net = "siren"{{.*}}} : ({{.*}}) -> tensor<2x4x5x5xf32>
  %s = loom.hyper_kernel context %ctx params(%s0w, %s0b, %g0w, %g0b, %sow, %sob) {net = "siren", kernel = 5 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64, omega0 = 10.0} : (tensor<2x3x5x5xf32>, tensor<6x2xf32>, tensor<6xf32>, tensor<6x3xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<2x4x5x5xf32>
  // CHECK: loom.hyper_zzw %{{.*}}, %[[S]] : (tensor<2x4x8x8xf32>, tensor<2x4x5x5xf32>) -> tensor<2x4x8x8xf32>
  %l = loom.hyper_zzw %g, %s : (tensor<2x4x8x8xf32>, tensor<2x4x5x5xf32>) -> tensor<2x4x8x8xf32>
  loom.output "l", %l : tensor<2x4x8x8xf32>
  loom.output "e", %e : tensor<2x4x8x8xf32>
}
