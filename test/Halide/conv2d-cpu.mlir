// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s --implicit-check-not="produce relu"

// conv2d + relu on AVX-512: output rows run in parallel; each register tile
// accumulates 16-lane vectors along the width (weights broadcast); the relu
// is applied as the tile is stored, with no loop of its own.

loom.model @cnn {
  %x = loom.input "x" : tensor<1x16x32x32xf32>
  %w = loom.param "conv.weight" : tensor<32x16x3x3xf32>
  %b = loom.param "conv.bias" : tensor<32xf32>
  %c = loom.conv2d %x, %w, %b {padding = array<i64: 1, 1>} : (tensor<1x16x32x32xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x32x32xf32>
  %r = loom.relu %c : tensor<1x32x32x32xf32>
  loom.output "y", %r : tensor<1x32x32x32xf32>
}

// CHECK-LABEL: external func y_par_for_y_s0_{{.*}}rows
// CHECK:       produce conv2d_0_accumulate {
// CHECK:       for (conv2d_0_accumulate.s1.conv2d_0_r$z, 0, 16)
// CHECK:       conv2d_0_accumulate[ramp(0, 1, 16)] = conv2d_0_accumulate[ramp(0, 1, 16)] + (conv2d_0_padded[ramp({{.*}}, 1, 16)]*x16(conv_weight[
// CHECK:       consume conv2d_0_accumulate {
// CHECK-NEXT:  y[ramp({{.*}}, 1, 16){{.*}}] = max(conv2d_0_accumulate[ramp(0, 1, 16)], x16(0.000000f))
// CHECK:       produce y {
// CHECK:       halide_do_par_for((void *)::y_par_for_y_s0_{{.*}}rows, 0, 32,
