// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s --implicit-check-not=ld.local --implicit-check-not=st.local
// RUN: %loomc %s --emit=stmt --target=cuda --knob selective_scan.chunk=10 | FileCheck %s --check-prefix=RAGGED --implicit-check-not=ld.local --implicit-check-not=st.local
// RUN: %loomc %s --emit=stmt --target=cuda --knob selective_scan.chunk=64 | FileCheck %s --check-prefix=ONE
// RUN: %loomc %s --emit=stmt --target=cuda --knob selective_scan.bc_steps=4 | FileCheck %s --check-prefix=BC4 --implicit-check-not=ld.local
// RUN: %loomc %s --emit=stmt --target=cuda --knob selective_scan.fast_math=0 | FileCheck %s --check-prefix=PRECISE
// RUN: %loomc %s --emit=stmt --target=cuda --knob selective_scan.kernel=0 | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s --check-prefix=NOKERNEL

// The chunked Halide schedule, which runs every scan that loomc's block-scan
// kernel (the default where it applies, selective-scan-kernel.mlir) does not:
// that kernel needs L to be a multiple of 128, so L = 64 falls back to this
// schedule with knob kernel=1 (the default) as with kernel=0. L = 64 in chunks of
// `chunk` (default 16: four chunks). Pass 1 scans each chunk from zero
// (chunk_end s0, grid: channel blocks × chunks × batch), pass 2 carries the
// states across chunks (carried s1, one thread per (channel, state): blocks
// of 32 channels × 16 states, grid: channel blocks × batch), pass 3
// rescans each chunk from its true initial state and writes y (grid as
// pass 1); 64 channels (threads) per block. The decays use the
// special-function unit (ex2.approx). Each thread loads its chunk of u and
// Δ (and z) with 4-wide vector loads; the N = 16 states, the staged chunk
// and the chunk's readouts stay in registers: no local memory anywhere.
// With fast_math (default 1) softplus takes e^x and the log from the
// special-function unit (ex2/lg2.approx); fast_math=0 keeps the precise
// libdevice-style polynomials. B and C are loaded `bc_steps` steps at a time
// into registers (default 2: scalar loads issued a pair ahead; 4: one
// 4-wide broadcast load per state and 4 steps, 256 bytes = one row of L
// apart).

loom.model @scan {
  %u = loom.input "u" : tensor<2x64x64xf32>
  %dt = loom.input "delta" : tensor<2x64x64xf32>
  %b = loom.input "B" : tensor<2x16x64xf32>
  %c = loom.input "C" : tensor<2x16x64xf32>
  %a = loom.param "A_log" : tensor<64x16xf32>
  %y = loom.selective_scan %u, %dt, %a, %b, %c {delta_softplus = true, a_is_log = true} : (tensor<2x64x64xf32>, tensor<2x64x64xf32>, tensor<64x16xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>) -> tensor<2x64x64xf32>
  loom.output "y", %y : tensor<2x64x64xf32>
}

// CHECK:      .visible .entry _kernel_y_chunk_end_s0_b___block_id_z(
// CHECK:      mov.u32 {{.*}}%ctaid.z
// CHECK:      mov.u32 {{.*}}%tid.x
// CHECK:      ld.global.nc.v4.f32
// CHECK:      ex2.approx.ftz.f32
// CHECK:      lg2.approx.ftz.f32
// CHECK:      .visible .entry _kernel_y_carried_s1_b___block_id_y(
// CHECK:      mov.u32 {{.*}}%tid.y
// CHECK:      ex2.approx.ftz.f32
// CHECK:      .visible .entry _kernel_y_s0_b___block_id_z(
// CHECK:      ld.global.nc.v4.f32
// CHECK:      ex2.approx.ftz.f32
// CHECK:      fma.rn.f32
// CHECK:      halide_cuda_initialize_kernels
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_chunk_end_s0_b___block_id_z", 1, 4, 2, 64, 1, 1,
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_carried_s1_b___block_id_y", 2, 2, 1, 32, 16, 1,
// CHECK:      halide_cuda_run({{.*}}"_kernel_y_s0_b___block_id_z", 1, 4, 2, 64, 1, 1,

// Chunks of 10: seven chunks, the last one ragged (64 = 6·10 + 4): steps
// past L leave the state alone; scalar loads, still no local memory.
// RAGGED:     halide_cuda_run({{.*}}"_kernel_y_chunk_end_s0_b___block_id_z", 1, 7, 2, 64, 1, 1,
// RAGGED:     halide_cuda_run({{.*}}"_kernel_y_carried_s1_b___block_id_y", 2, 2, 1, 32, 16, 1,
// RAGGED:     halide_cuda_run({{.*}}"_kernel_y_s0_b___block_id_z", 1, 7, 2, 64, 1, 1,

// One chunk covers L: no passes 1 and 2, one kernel.
// ONE-NOT:    {{chunk_end|carried}}
// ONE:        halide_cuda_run({{.*}}"_kernel_y_s0_b___block_id_z", 1, 1, 2, 64, 1, 1,
// ONE-NOT:    {{chunk_end|carried}}

// BC4:        .visible .entry _kernel_y_chunk_end_s0_b___block_id_z(
// BC4:        ld.global.nc.v4.f32 {{.*}}+256];
// BC4:        .visible .entry _kernel_y_s0_b___block_id_z(
// BC4:        ld.global.nc.v4.f32 {{.*}}+256];

// PRECISE:    .visible .entry _kernel_y_chunk_end_s0_b___block_id_z(
// PRECISE-NOT: lg2.approx
// PRECISE:    halide_cuda_initialize_kernels

// The default kernel=1 asks for the block-scan kernel, but no chunk of 128 to 1024
// steps divides L = 64: the Halide schedule runs the scan.
// NOKERNEL-NOT: loom_kernel
// NOKERNEL:     halide_cuda_run({{.*}}"_kernel_y_s0_b___block_id_z"
