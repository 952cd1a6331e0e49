// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s

// sparse_conv2d on AVX-512: the site list is built once (prefix counts, then
// a scatter of the active pixels); the convolution runs in parallel over
// blocks of 6 active sites, and the number of blocks comes from the count,
// so inactive sites cost nothing. Each block accumulates a register tile of
// 6 sites × 2 vectors of 16 output channels, reading neighbour rows through
// the neighbour map; the relu that follows stays compact too.

loom.model @sparse {
  %x = loom.input "x" : tensor<1x32x16x16xf32>
  %m = loom.input "m" : tensor<1x1x16x16xf32>
  %w = loom.param "conv.weight" : tensor<32x32x3x3xf32>
  %c = loom.sparse_conv2d %x, %m, %w {padding = array<i64: 1, 1>} : (tensor<1x32x16x16xf32>, tensor<1x1x16x16xf32>, tensor<32x32x3x3xf32>) -> tensor<1x32x16x16xf32>
  %r = loom.relu %c : tensor<1x32x16x16xf32>
  loom.output "y", %r : tensor<1x32x16x16xf32>
}

// CHECK-LABEL: external func y_par_for_sparse_conv2d_0_compact_s1_{{.*}}site__y
// CHECK:       produce sparse_conv2d_0_accumulate {
// CHECK:       sparse_conv2d_0_accumulate[ramp(0, 1, 16)] = sparse_conv2d_0_accumulate[ramp(0, 1, 16)] + (sparse_conv2d_0_weights[ramp({{.*}}, 1, 16){{.*}}]*x16(sparse_conv2d_0_input[(max(min(neighbours[
// CHECK:       sparse_conv2d_0_accumulate[ramp(112, 1, 16)] =
// CHECK:       produce mask_active_count {
// CHECK:       mask_active_sites[max(min(mask_active_index[
// CHECK:       produce sparse_conv2d_0_compact {
// CHECK:       sparse_conv2d_0_compact_site$y.new_max.s = mask_active_count[0]
// CHECK:       halide_do_par_for((void *)::y_par_for_sparse_conv2d_0_compact_s1_{{.*}}, 0, [[BLOCKS:t[0-9]+]],
// CHECK:       produce y_compact {
// CHECK:       max(sparse_conv2d_0_compact[ramp(
// CHECK:       produce y {
