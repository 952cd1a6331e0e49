// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s

// Row-wise ops on AVX-512: rows run in parallel, and each row's statistics
// are vector partial sums (rfactor into 16 lanes) computed while the row is
// in cache, then the row itself is written with 16-lane vectors.

loom.model @block {
  %x = loom.input "x" : tensor<256x256xf32>
  %w = loom.param "norm.weight" : tensor<256xf32>
  %b = loom.param "norm.bias" : tensor<256xf32>
  %n = loom.layer_norm %x weight %w bias %b : (tensor<256x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<256x256xf32>
  %s = loom.softmax %n : tensor<256x256xf32>
  loom.output "y", %s : tensor<256x256xf32>
}

// CHECK-LABEL: external func {{.*}}_par_for_layer_norm_0_s0_
// CHECK:       produce layer_norm_0_sum_intm {
// CHECK:       layer_norm_0_sum_intm[ramp(0, 1, 16)] = layer_norm_0_sum_intm[ramp(0, 1, 16)] + x[ramp(
// CHECK:       produce layer_norm_0_squared_deviation_intm {
// CHECK:       layer_norm_0[ramp({{.*}}, 1, 16){{.*}}] =

// CHECK-LABEL: external func {{.*}}_par_for_y_s0_
// CHECK:       produce y_max_intm {
// CHECK:       y_max_intm[ramp(0, 1, 16)] = max(y_max_intm[ramp(0, 1, 16)], layer_norm_0[ramp(
// CHECK:       produce y_exp {
// CHECK:       produce y_sum_intm {
// CHECK:       y[ramp({{.*}}, 1, 16){{.*}}] = y_exp[ramp(

// CHECK:       produce layer_norm_0 {
// CHECK:       halide_do_par_for((void *)::{{.*}}_par_for_layer_norm_0_s0_
// CHECK:       produce y {
// CHECK:       halide_do_par_for((void *)::{{.*}}_par_for_y_s0_
