// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 --knob selective_scan.fast_math=0 | FileCheck %s --check-prefix=EXACT

// The selective scan on AVX-512: tasks of (batch, 16 channels) run in
// parallel; in each, u and Δ are staged transposed a chunk (the knob, 64) at
// a time (dense loads along L and an in-register transpose), and B and C
// copied for the chunk (a short contiguous row per state, so the per-step
// broadcasts do not all fall into one L1 set when L is a multiple of 1024);
// then the recurrence runs sequentially over L, each
// step updating the 16 states of a 16-channel vector (unrolled over n) and
// reading out Σ_n h·C, all on 16-lane vectors. With fast_math (default 1)
// the decays exp(Δ·A) are 2^(Δ·A·log2 e): the exponent (≤ 0 here:
// A = −exp(A_log), Δ softplus'd) clamped below at −126, rounded by adding
// and subtracting 1.5·2^23 (strict_float, so the simplifier keeps it), a
// polynomial of the fraction, and the sum's bits shifted into the exponent —
// no exp_f32 call in the step loop. softplus (staging) and silu (output) use
// the same 2^x and a polynomial log(1 + e): no exp_f32/log_f32 anywhere but
// in A = −exp(A_log), once per weight. fast_math=0 keeps Halide's exp and
// log.

loom.model @scan {
  %u = loom.input "u" : tensor<2x32x200xf32>
  %dt = loom.input "delta" : tensor<2x32x200xf32>
  %b = loom.input "B" : tensor<2x16x200xf32>
  %c = loom.input "C" : tensor<2x16x200xf32>
  %z = loom.input "z" : tensor<2x32x200xf32>
  %a = loom.param "A_log" : tensor<32x16xf32>
  %d = loom.param "D" : tensor<32xf32>
  %y = loom.selective_scan %u, %dt, %a, %b, %c D %d z %z {delta_softplus = true, a_is_log = true} : (tensor<2x32x200xf32>, tensor<2x32x200xf32>, tensor<32x16xf32>, tensor<2x16x200xf32>, tensor<2x16x200xf32>, tensor<32xf32>, tensor<2x32x200xf32>) -> tensor<2x32x200xf32>
  loom.output "y", %y : tensor<2x32x200xf32>
}

// CHECK-LABEL: external func {{.*}}_par_for_y_s0_d_d_block_task
// CHECK:       produce y_scan {
// The chunks of L, sequential; each copies its B and C rows (contiguous
// along L) and stages its u and Δ (16 channels × 64 steps); the last 8
// steps are a peeled tail.
// CHECK:       for (y_scan.s1.y_step$y.chunk, 0, 3) {
// CHECK:       produce y_staged_b {
// CHECK:       y_staged_b[ramp({{.*}}, 1, 16) aligned(16, 0)] = B[ramp({{.*}}, 1, 16)
// CHECK:       produce y_staged_c {
// CHECK:       y_staged_c[ramp({{.*}}, 1, 16) aligned(16, 0)] = C[ramp({{.*}}, 1, 16)
// u and Δ transposed: one dense vector of 16 steps per channel row (the
// softplus e = 2^(−|Δ|·log2 e), max(Δ, 0) + e·r(e) on those), and one
// interleaving store of the 16 vectors.
// CHECK:       produce y_staged_delta {
// CHECK:       delta[ramp({{.*}}, 1, 16) aligned(16, 0)]
// CHECK-NOT:   log_f32
// CHECK:       strict_float(12582912.000000f)
// CHECK:       y_staged_delta[ramp({{.*}}, 1, 256) aligned(256, 0)] = interleave_vectors(max({{.*}}, x16(0.000000f)) + {{.*}}x16(0.005233f)
// CHECK:       produce y_staged_u {
// CHECK:       y_staged_u[ramp({{.*}}, 1, 256) aligned(256, 0)] = interleave_vectors(u[ramp({{.*}}, 1, 16) aligned(16, 0)], u[ramp({{.*}} + 200, 1, 16)
// The sequential loop over the steps of a chunk; state n=0 lives at k = L + 0.
// CHECK:       for (y_scan.s1.y_step$y.in_chunk, 0, {{.*}}) {
// CHECK-NOT:   exp_f32
// CHECK:       [[SUM:t[0-9]+]] = (float32x16)strict_float((float32x16)strict_float(max({{.*}}, x16(-126.000000f))) + x16([[MAGIC:t[0-9.a-z]+]]))
// CHECK:       - (float32x16)strict_float((float32x16)strict_float([[SUM]]) - x16([[MAGIC]]))
// CHECK:       y_scan[ramp(3200, 1, 16)] = ((float32x16)reinterpret((int32x16)reinterpret({{.*}}x16(0.001333f){{.*}}shift_left((int32x16)reinterpret([[SUM]]), x16((uint32)23))){{.*}}x16(y_staged_b[
// CHECK-NOT:   exp_f32
// CHECK:       y_scan[ramp(3440, 1, 16)] = ((float32x16)reinterpret(
// The readout of the step: Σ_n h·C over the 16 states.
// CHECK:       y_scan[ramp({{.*}}, 1, 16) aligned(16, 0)] = (y_scan[ramp(3440, 1, 16)]*x16(y_staged_c[
// The readouts of 16 steps transposed the same way (16 channel vectors in,
// steps innermost out), then D·u and the silu(z) gate, vectorized along L,
// with the same 2^x.
// CHECK:       produce y_scan_in_y$0 {
// CHECK:       y_scan_in_y$0[ramp(0, 1, 256)] = interleave_vectors(y_scan[ramp({{.*}}, 1, 16) aligned(256, 0)], y_scan[ramp({{.*}} + 16, 1, 16)
// CHECK:       for (y.s0.d.d_lane, 0, 16) {
// CHECK-NOT:   exp_f32
// CHECK:       y[ramp({{.*}}, 1, 16){{.*}}] = ({{.*}}/((float32x16)reinterpret({{.*}}shift_left({{.*}}y_scan_in_y$0[ramp(y.s0.d.d_lane*16, 1, 16) aligned(16, 0)]

// CHECK:       produce y {
// CHECK:       halide_do_par_for((void *)::y_par_for_y_s0_d_d_block_task, 0, 4,

// EXACT:       produce y_staged_delta {
// EXACT:       log_f32(
// EXACT:       for (y_scan.s1.y_step$y.in_chunk, 0, {{.*}}) {
// EXACT:       y_scan[ramp(3200, 1, 16)] = ((float32x16)exp_f32(
// EXACT:       y_scan[ramp(3440, 1, 16)] = ((float32x16)exp_f32(
// EXACT:       y[ramp({{.*}}, 1, 16){{.*}}] = ({{.*}}exp_f32(
