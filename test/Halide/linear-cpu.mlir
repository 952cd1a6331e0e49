// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 --knob linear.tile_out=2 --knob linear.tile_rows=3 | FileCheck %s --check-prefix=KNOB

// linear on AVX-512: blocks of output features run in parallel; each
// register tile holds tile_out × tile_rows vectors of partial sums along the
// input features, reduced horizontally once at the end.

loom.model @mlp {
  %x = loom.input "x" : tensor<12x256xf32>
  %w = loom.param "fc.weight" : tensor<512x256xf32>
  %b = loom.param "fc.bias" : tensor<512xf32>
  %y = loom.linear %x, %w, %b : (tensor<12x256xf32>, tensor<512x256xf32>, tensor<512xf32>) -> tensor<12x512xf32>
  loom.output "y", %y : tensor<12x512xf32>
}

// CHECK-LABEL: external func y_par_for_y_s0_o_o_block
// CHECK:       produce y_accumulate_intm {
// CHECK:       for (y_accumulate_intm.s1.k$x.k_outer, 0, 16) {
// CHECK-COUNT-16: y_accumulate_intm[ramp({{[0-9]+}}, 1, 16)] = y_accumulate_intm[ramp({{[0-9]+}}, 1, 16)] + (x[ramp({{.*}}, 1, 16){{.*}}]*fc_weight[ramp({{.*}}, 1, 16){{.*}}])
// CHECK:       produce y_accumulate {
// CHECK:       vector_reduce(Add, (float32x16)y_accumulate_intm[ramp(0, 1, 16)])
// CHECK:       produce y {
// CHECK:       halide_do_par_for((void *)::y_par_for_y_s0_o_o_block, 0, 8,

// KNOB:            produce y_accumulate_intm {
// KNOB:            for (y_accumulate_intm.s1.k$x.k_outer, 0, 16) {
// KNOB-COUNT-6:    y_accumulate_intm[ramp({{[0-9]+}}, 1, 16)] = y_accumulate_intm
// KNOB-NOT:        y_accumulate_intm[ramp({{[0-9]+}}, 1, 16)] = y_accumulate_intm
// KNOB:            }
