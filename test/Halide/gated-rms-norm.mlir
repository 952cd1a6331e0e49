// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s --check-prefix=CPU
// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s --check-prefix=CUDA

// The gated RMSNorm of Mamba2 (norm after the gate, 2 groups of 32 channels).
// On the CPU, rows run as parallel tasks; per row, the two groups' sums of squares
// of x·silu(z) are 16-lane partial sums (rfactor), then the row is
// normalized with 16-lane vectors, each reading its group's sum.
// For CUDA, one kernel for the (group, row) sums, a warp each (lane u sums
// elements u, u + 32, ...; the lanes' partials are combined through warp
// shuffles), then the pointwise kernel.

loom.model @norm {
  %x = loom.input "x" : tensor<8x100x64xf32>
  %z = loom.input "z" : tensor<8x100x64xf32>
  %w = loom.param "norm.weight" : tensor<64xf32>
  %y = loom.gated_rms_norm %x, %z, %w {group_size = 32 : i64} : (tensor<8x100x64xf32>, tensor<8x100x64xf32>, tensor<64xf32>) -> tensor<8x100x64xf32>
  loom.output "y", %y : tensor<8x100x64xf32>
}

// CPU:      external func y_par_for_y_s0_{{.*}}_task (
// CPU:      produce y_sum_squares_intm {
// CPU:        for (y_sum_squares_intm.s1.g, 0, 2) {
// CPU:          let [[Z:t[0-9]+]] = z[ramp({{.*}}, 1, 16) aligned(16, 0)]
// CPU:          x[ramp({{.*}}, 1, 16) aligned(16, 0)]*([[Z]]/((float32x16)exp_f32(
// CPU:          y_sum_squares_intm[ramp(y_sum_squares_intm.s1.g, 2, 16)] = y_sum_squares_intm[ramp(y_sum_squares_intm.s1.g, 2, 16)] +
// CPU:      consume y_sum_squares {
// CPU:        y[ramp({{.*}}, 1, 16) aligned(16, 0)] = norm_weight[ramp({{.*}}, 1, 16) aligned(16, 0)]*{{.*}}sqrt_f32(x16((y_sum_squares[{{.*}}/2]*0.031250f) + 0.000010f)))
// CPU:      halide_do_par_for((void *)::y_par_for_y_s0_{{.*}}_task, 0, 4,

// CUDA:     .visible .entry _kernel_y_sum_squares_global_wrapper__0_s0_d0___block_id_z(
// CUDA:     mov.u32 {{.*}}%tid.x
// CUDA:     shfl.sync.idx.b32
// CUDA:     .visible .entry _kernel_y_s0_i_block___block_id_y(
// Grid: 1 × 100 rows × 8 batches; threads: 32 lanes × 2 groups (warps).
// CUDA:     halide_cuda_run({{.*}}"_kernel_y_sum_squares_global_wrapper__0_s0_d0___block_id_z", 1, 100, 8, 32, 2, 1,
// CUDA:     halide_cuda_run({{.*}}"_kernel_y_s0_i_block___block_id_y", 200, 1, 1, 64, 4, 1,
