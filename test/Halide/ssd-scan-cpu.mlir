// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s --check-prefix=CUDA

// Mamba-2's scan on AVX-512: tasks of (16 head-dim lanes, head, batch) in
// parallel; in each, a sequential loop over L updates the head's 8 state
// columns as 16-lane vectors, the decay exp(Δ·A) read once per step (it is
// computed per (head, step) beforehand, not per state entry).

loom.model @ssd {
  %x = loom.input "x" : tensor<2x50x4x32xf32>
  %dt = loom.input "dt" : tensor<2x50x4xf32>
  %b = loom.input "B" : tensor<2x50x1x8xf32>
  %c = loom.input "C" : tensor<2x50x1x8xf32>
  %a = loom.param "A_log" : tensor<4xf32>
  %y = loom.ssd_scan %x, %dt, %a, %b, %c {dt_softplus = true, a_is_log = true} : (tensor<2x50x4x32xf32>, tensor<2x50x4xf32>, tensor<4xf32>, tensor<2x50x1x8xf32>, tensor<2x50x1x8xf32>) -> tensor<2x50x4x32xf32>
  loom.output "y", %y : tensor<2x50x4x32xf32>
}

// CHECK-LABEL: external func {{.*}}_par_for_y_s0_p_p_block_p_block_h_task
// CHECK:       produce y_scan {
// CHECK:       for (y_scan.s1.y_step$y, 0, 50) {
// CHECK-NOT:   exp_f32
// CHECK:       y_scan[ramp(800, 1, 16)] = (y_scan[ramp(800, 1, 16)]*x16(y_step_decay[
// CHECK:       y_scan[ramp(y_scan.s1.y_step$y*16, 1, 16) aligned(16, 0)] =
// CHECK:       produce y_step_decay {
// CHECK:       exp_f32
// CHECK:       produce y {
// CHECK:       halide_do_par_for((void *)::{{.*}}_par_for_y_s0_p_p_block_p_block_h_task, 0, 16,

// CUDA:       .visible .entry _kernel_y_scan_s1_{{.*}}__block_id_{{[xyz]}}(
// CUDA:       mov.u32 {{.*}}%tid.x
// CUDA:       halide_cuda_run({{.*}}"_kernel_y_scan_s1_{{.*}}", 1, 4, 2, 32, 1, 1,
