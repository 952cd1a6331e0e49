// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 --knob ssd_scan.chunked=0 | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=cuda --knob ssd_scan.chunked=0 | FileCheck %s --check-prefix=CUDA
// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 --knob ssd_scan.chunk=16 | FileCheck %s --check-prefix=CHUNK
// RUN: %loomc %s --emit=stmt --target=cuda --knob ssd_scan.chunk=16 | FileCheck %s --check-prefix=GPUCHUNK --implicit-check-not=ld.local --implicit-check-not=st.local

// Mamba-2's scan. Sequential recurrence (chunked=0) on AVX-512: tasks of
// (16 head-dim lanes, head, batch) in parallel; in each, a sequential loop
// over L updates the head's 8 state columns as 16-lane vectors, the decay
// exp(Δ·A) read once per step (it is computed per (head, step) beforehand,
// not per state entry).
// Chunked SSD (the default; chunks of 16 here: L = 50 is 3 chunks and a
// ragged one of 2 steps): C·Bᵀ per chunk; the chunk end states, per
// (head, chunk) task in register tiles of 2 vectors of p × 4 states (8
// accumulators, constant indices); the carry over the 4 chunks (3 steps);
// the outputs per (head, chunk) task with the masked weights and tiles of
// 2 vectors × 4 steps, the diagonal part a triangular loop (j ≤ i).

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

// CHUNK-LABEL: external func {{.*}}_par_for_y_scores_s0_c_score_task
// CHUNK:       y_score_sum[ramp(0, 1, 16)] = y_score_sum[ramp(0, 1, 16)] + (B[
// CHUNK-LABEL: external func {{.*}}_par_for_y_chunk_state_s0_h_hc_chunk_task
// CHUNK:       for (y_chunk_state.s0.n.row_outer, 0, 2) {
// CHUNK:       produce y_chunk_local {
// CHUNK:       for (y_chunk_local.s1.y_local_step$x, 0, 16) {
// CHUNK:       y_chunk_local[ramp(0, 1, 16)] = y_chunk_local[ramp(0, 1, 16)] + ((x[ramp(
// CHUNK:       y_chunk_local[ramp(112, 1, 16)] = y_chunk_local[ramp(112, 1, 16)] + ((x[ramp(
// CHUNK-LABEL: external func {{.*}}_par_for_y_chunk_state_s1_h_carry_task
// CHUNK:       for (y_chunk_state.s1.y_carry_step$x.rebased, 0, 3) {
// CHUNK-LABEL: external func {{.*}}_par_for_y_chunk_out_s0_h_hc_chunk_task
// CHUNK:       produce y_weight {
// CHUNK:       for (y_chunk_out.s0.i.row_outer, 0, 4) {
// CHUNK:       produce y_diagonal {
// CHUNK:       for (y_diagonal.s1.y_diagonal_step$x, 0, {{.*}} + 4) {
// CHUNK:       y_diagonal[ramp(112, 1, 16)] = y_diagonal[ramp(112, 1, 16)] + (x[ramp(
// CHUNK:       produce y_off_diagonal {
// CHUNK:       for (y_off_diagonal.s1.y_off_step$x, 0, 8) {
// CHUNK:       produce y_cumulative {
// CHUNK:       for (y_cumulative.s1.y_cum_step$x.rebased, 0, 15) {
// CHUNK:       halide_do_par_for((void *)::y_par_for_y_scores_s0_c_score_task, 0, 8,
// CHUNK:       halide_do_par_for((void *)::y_par_for_y_chunk_state_s0_h_hc_chunk_task, 0, 32,
// CHUNK:       halide_do_par_for((void *)::y_par_for_y_chunk_state_s1_h_carry_task, 0, 8,
// CHUNK:       halide_do_par_for((void *)::y_par_for_y_chunk_out_s0_h_hc_chunk_task, 0, 32,

// Chunked, for the GPU (P = 32, N = 8, chunks of 16): C·Bᵀ per (group,
// chunk), the chunk's B and C rows staged in shared memory (2 × 16 rows of
// 8 + 1 states: 288 floats; 16 j × 8 i threads); the chunk states (blocks
// over (n, head·chunk·batch); x (16 × 32) and B (16 × 8) of the chunk in
// shared memory, 640 floats; 32 p lanes, each a tile of 8 states); the
// carry (a thread per state entry, its 3 chunk steps unrolled: 3 stores);
// the outputs (a block per chunk of a head: its 16 × 17 masked weights,
// C (8 states × 16 steps, stored transposed, padded to 8 × 20) and 16 × 32 x in
// shared memory, 944 floats; 32 p lanes × 2
// thread rows of 8 steps); registers only, no local memory.
// GPUCHUNK:     .visible .entry _kernel_y_scores_s0_{{.*}}(
// GPUCHUNK:     st.shared.f32
// GPUCHUNK:     bar.sync
// GPUCHUNK:     ld.shared.f32
// GPUCHUNK:     .visible .entry _kernel_y_chunk_state_s0_{{.*}}(
// GPUCHUNK:     st.shared.f32
// GPUCHUNK:     bar.sync
// GPUCHUNK:     ld.shared.f32
// GPUCHUNK:     .visible .entry _kernel_y_chunk_state_s1_{{.*}}(
// GPUCHUNK-COUNT-3: st.global.f32
// GPUCHUNK-NOT: st.global.f32
// GPUCHUNK:     .visible .entry _kernel_y_chunk_out_s0_{{.*}}(
// GPUCHUNK:     st.shared.f32
// GPUCHUNK:     bar.sync
// GPUCHUNK:     ld.shared.f32
// GPUCHUNK:     halide_cuda_run({{.*}}"_kernel_y_cumulative_s1_{{.*}}", 1, 8, 1, 4, 1, 1,
// GPUCHUNK:     halide_cuda_run({{.*}}"_kernel_y_scores_s0_{{.*}}", 1, 8, 1, 16, 8, 1, 0 + (288*4),
// GPUCHUNK:     halide_cuda_run({{.*}}"_kernel_y_chunk_state_s0_{{.*}}", 1, 16, 2, 32, 1, 1, 0 + (640*4),
// GPUCHUNK:     halide_cuda_run({{.*}}"_kernel_y_chunk_state_s1_{{.*}}", 1, 1, 8, 32, 8, 1,
// GPUCHUNK:     halide_cuda_run({{.*}}"_kernel_y_chunk_out_s0_{{.*}}", 1, 16, 2, 32, 2, 1, 0 + (944*4),
