// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 --knob conv2d.depthwise_task_rows=8 | FileCheck %s --check-prefix=TASKS
// RUN: %loomc %s --emit=asm --target=x86-64-avx512 | FileCheck %s --check-prefix=ASM
// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 --knob conv2d.depthwise_unroll_ky=0 | FileCheck %s --check-prefix=ROLLED

// Depthwise 13×13 conv2d (groups == channels) takes the large-kernel
// schedule: one parallel task per channel zero-pads its slab, then register
// tiles of 6 rows × 4 full 16-lane vectors (the 56-wide row rounded up to 64
// lanes, not 14-lane vectors) accumulate over the 13×13 taps with one
// broadcast weight per tap.

loom.model @dw {
  %x = loom.input "x" : tensor<1x32x40x56xf32>
  %w = loom.param "dw.weight" : tensor<32x1x13x13xf32>
  %c = loom.conv2d %x, %w {padding = array<i64: 6, 6>, groups = 32 : i64} : (tensor<1x32x40x56xf32>, tensor<32x1x13x13xf32>) -> tensor<1x32x40x56xf32>
  loom.output "y", %c : tensor<1x32x40x56xf32>
}

// CHECK-LABEL: external func y_par_for_{{.*}}task
// CHECK:       allocate y_padded
// CHECK:       produce y_padded {
// CHECK:       allocate y_accumulate[float32 * 64 * 6 * 1 * 1]
// CHECK-NOT:   for (y_accumulate.s1.y_r$y
// CHECK:       for (y_accumulate.s1.y_r$x, 0, 13)
// CHECK-NOT:   for (
// CHECK:       y_accumulate[ramp(0, 1, 16)] = y_accumulate[ramp(0, 1, 16)] + (y_padded[ramp({{.*}}, 1, 16)]*x16(dw_weight[
// CHECK:       y_accumulate[ramp(368, 1, 16)] = y_accumulate[ramp(368, 1, 16)] + (y_padded[ramp({{.*}}, 1, 16)]*x16(dw_weight[
// CHECK:       halide_do_par_for((void *)::y_par_for_{{.*}}task{{[_0-9]*}}, 0, 32,

// ROLLED:      for (y_accumulate.s1.y_r$y, 0, 13)
// ROLLED-NEXT: let
// ROLLED-NEXT: let
// ROLLED-NEXT: for (y_accumulate.s1.y_r$x, 0, 13)

// Tasks of 8 rows (two 6-row tiles, rounded up): 32 channels × 4 row blocks.
// TASKS:       halide_do_par_for((void *)::y_par_for_{{.*}}task{{[_0-9]*}}, 0, 128,

// The unaligned slab loads fold into the FMAs.
// ASM:         vfmadd231ps {{-?[0-9]+}}(%{{[a-z0-9]+}},%{{[a-z0-9]+}},4), %zmm{{[0-9]+}}, %zmm
