// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s

// The selective scan for CUDA: staging (transposed u, softplus'd Δ) and the
// readout are pointwise kernels; the recurrence is one kernel whose blocks
// cover (channel blocks of `threads` = 32, batch) and whose threads each run
// one channel's scan over L. The PTX reads %ctaid and %tid.

loom.model @scan {
  %u = loom.input "u" : tensor<2x64x50xf32>
  %dt = loom.input "delta" : tensor<2x64x50xf32>
  %b = loom.input "B" : tensor<2x16x50xf32>
  %c = loom.input "C" : tensor<2x16x50xf32>
  %a = loom.param "A_log" : tensor<64x16xf32>
  %y = loom.selective_scan %u, %dt, %a, %b, %c {delta_softplus = true, a_is_log = true} : (tensor<2x64x50xf32>, tensor<2x64x50xf32>, tensor<64x16xf32>, tensor<2x16x50xf32>, tensor<2x16x50xf32>) -> tensor<2x64x50xf32>
  loom.output "y", %y : tensor<2x64x50xf32>
}

// CHECK:      .visible .entry _kernel_y_staged_delta_s0_{{.*}}__block_id_{{[xyz]}}(
// CHECK:      .visible .entry _kernel_y_scan_s1_b___block_id_y(
// CHECK:      mov.u32 {{.*}}%ctaid.y
// CHECK:      mov.u32 {{.*}}%tid.x
// CHECK:      fma.rn.f32
// CHECK:      .visible .entry _kernel_y_s0_{{.*}}__block_id_{{[xyz]}}(
// CHECK:      halide_cuda_initialize_kernels
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_staged_delta_s0_{{.*}}"
// Grid: 2 channel blocks × 2 batches; 32 threads per block.
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_scan_s1_b___block_id_y", 2, 2, 1, 32, 1, 1,
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_s0_{{.*}}"
