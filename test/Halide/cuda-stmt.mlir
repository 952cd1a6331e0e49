// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s

// For CUDA, every materialized Func is a kernel over gpu_blocks ×
// gpu_threads: Halide 14's statement shows the launches (halide_cuda_run,
// named after the Func's block loops) and the PTX, where the block and
// thread loops read %ctaid and %tid.

loom.model @cnn {
  %x = loom.input "x" : tensor<1x8x16x16xf32>
  %w = loom.param "conv.weight" : tensor<8x8x3x3xf32>
  %c = loom.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32>
  %r = loom.relu %c : tensor<1x8x16x16xf32>
  %n = loom.layer_norm %r : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  loom.output "y", %n : tensor<1x8x16x16xf32>
}

// CHECK:      .visible .entry _kernel_conv2d_0_padded_s0_{{.*}}__block_id_{{[xyz]}}(
// CHECK:      mov.u32 {{.*}}%ctaid.x
// CHECK:      mov.u32 {{.*}}%tid.x
// CHECK:      .visible .entry _kernel_relu_1_s0_{{.*}}__block_id_{{[xyz]}}(
// CHECK:      mov.u32 {{.*}}%ctaid.{{[xyz]}}
// CHECK:      .visible .entry _kernel_y_s0_{{.*}}__block_id_{{[xyz]}}(
// CHECK:      halide_cuda_initialize_kernels
// CHECK:      halide_cuda_run({{.*}}"_kernel_conv2d_0_padded_s0_{{.*}}__block_id_{{[xyz]}}"
// CHECK:      halide_cuda_run({{.*}}"_kernel_relu_1_s0_{{.*}}__block_id_{{[xyz]}}"
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_s0_{{.*}}__block_id_{{[xyz]}}"
