// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s

// For CUDA, the site list is built on the host; the gather of the input at
// the active sites, the convolution and the dense copy are kernels over
// gpu blocks × threads (channels × active sites) in PTX.

loom.model @sparse {
  %x = loom.input "x" : tensor<1x8x16x16xf32>
  %m = loom.input "m" : tensor<1x1x16x16xf32>
  %w = loom.param "conv.weight" : tensor<8x8x3x3xf32>
  %c = loom.sparse_conv2d %x, %m, %w {padding = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<1x1x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32>
  loom.output "y", %c : tensor<1x8x16x16xf32>
}

// CHECK:      .visible .entry _kernel_y_input_s1_{{.*}}__block_id_y(
// CHECK:      mov.u32 {{.*}}%ctaid.y
// CHECK:      mov.u32 {{.*}}%tid.x
// CHECK:      .visible .entry _kernel_y_compact_s1_{{.*}}site_block___block_id_y(
// CHECK:      fma.rn.f32
// CHECK:      .visible .entry _kernel_y_s0_{{.*}}__block_id_{{[xyz]}}(
// CHECK:      produce mask_active_sites {
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_input_s1_
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_compact_s1_
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_s0_
