// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=cuda --knob sparse_conv2d.shared_weights=1 | FileCheck %s --check-prefix=SHARED

// For CUDA everything is a kernel, the site list included: the row counts,
// the row starts and the per-pixel prefixes (each its own sum, computed in
// parallel; the mask test and the count stay inline), the scatter of the
// site list and the neighbour map; no buffer goes back to the host (the
// compact stages read the count on the device and their empty blocks exit),
// and each compact stage writes its zero row itself (no kernel of its own).
// The convolution is a register tile: each thread of a (channels × sites)
// block accumulates 4 output channels × 4 sites; per 8 input channels it
// loads 8 weight vectors and an 8-channel vector (2 × v4) of each site's
// input row (gathered through the neighbour map), for 128 FMAs. With
// shared_weights the block first stages its weights in shared memory.

loom.model @sparse {
  %x = loom.input "x" : tensor<1x8x16x16xf32>
  %m = loom.input "m" : tensor<1x1x16x16xf32>
  %w = loom.param "conv.weight" : tensor<8x8x3x3xf32>
  %c = loom.sparse_conv2d %x, %m, %w {padding = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<1x1x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32>
  loom.output "y", %c : tensor<1x8x16x16xf32>
}

// CHECK:      .visible .entry _kernel_mask_active_row_count_s0_{{.*}}__block_id_x(
// CHECK:      .visible .entry _kernel_mask_active_row_start_s0_{{.*}}__block_id_x(
// CHECK:      .visible .entry _kernel_mask_active_index_s0_{{.*}}__block_id_y(
// CHECK:      mov.u32 {{.*}}%ctaid.x
// CHECK:      mov.u32 {{.*}}%tid.y
// CHECK:      mov.u32 {{.*}}%tid.x
// CHECK:      .visible .entry _kernel_mask_active_sites_s1_{{.*}}__block_id_x(
// CHECK:      .visible .entry _kernel_neighbours_s1_{{.*}}__block_id_x(
// CHECK:      .visible .entry _kernel_y_input_s1_{{.*}}__block_id_y(
// The tile loop: per tap, each site's neighbour row; per 8 input channels,
// 16 vector loads and 128 FMAs.
// CHECK:      .visible .entry _kernel_y_compact_s1_c_c_block___block_id_y(
// CHECK-COUNT-4: ld.global.nc.u32
// CHECK:      ld.global{{(.nc)?}}.v4.f32
// CHECK-COUNT-128: fma.rn.f32
// CHECK:      .visible .entry _kernel_y_s0_{{.*}}__block_id_{{[xyz]}}(
// CHECK-NOT:  halide_copy_to_host
// CHECK:      halide_cuda_run({{.*}}"_kernel_mask_active_row_count_s0_
// CHECK:      halide_cuda_run({{.*}}"_kernel_mask_active_row_start_s0_
// CHECK:      halide_cuda_run({{.*}}"_kernel_mask_active_index_s0_
// CHECK:      halide_cuda_run({{.*}}"_kernel_mask_active_sites_s1_
// CHECK:      halide_cuda_run({{.*}}"_kernel_neighbours_s1_
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_input_s1_
// 8 channels: 2 channel threads × 8 site threads, blocks over all 256 sites
// / 32 and one more for the zero row.
// CHECK-NOT:  halide_cuda_run({{.*}}zero
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_compact_s1_c_c_block___block_id_y", 9, 1, 1, 2, 8, 1, 0,
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_s0_
// CHECK-NOT:  halide_copy_to_host

// SHARED:      .visible .entry _kernel_y_compact_s1_c_c_block___block_id_y(
// SHARED:      st.shared.f32
// SHARED:      bar.sync 0;
// SHARED:      ld.shared.v4.f32
// SHARED:      fma.rn.f32
