// RUN: %loomc %s --emit=stmt --target=cuda | FileCheck %s --check-prefix=STMT
// RUN: %loomc %s --emit=stmt --target=cuda --knob selective_scan.kernel=1 | FileCheck %s --check-prefix=STMT
// RUN: %loomc %s --emit=asm --target=cuda | FileCheck %s --check-prefix=PTX --implicit-check-not=ld.local --implicit-check-not=st.local
// RUN: %loomc %s --emit=stmt --target=cuda --knob selective_scan.kernel=0 | FileCheck %s --check-prefix=HALIDE
// RUN: %loomc %s --target=cuda --random-weights -o %t.exe
// RUN: nm %t.exe | FileCheck %s --check-prefix=LINKED
// RUN: %loomc %s --emit=stmt | FileCheck %s --check-prefix=CPU

// By default (knob kernel=1), the selective scan on CUDA runs as loomc's own
// block-scan kernel (lib/Halide/ScanKernel.h) when a chunk of 128 to 1024 steps divides L:
// here L = 512, chunks of 64 threads × 8 steps. The kernel is MLIR GPU code
// lowered to PTX by MLIR's NVVM target, and the Halide pipeline calls it as
// an extern stage: first to ask which region of each input it reads, then
// to run it on the buffers (no Halide kernel of its own). One block per
// (channel, batch): a 64×2 grid. Each thread loads its 8 steps of u, Δ, z
// and of B, C with 4-wide loads and writes y with 4-wide stores; per state
// a warp scan (shfl.sync.up) and the prefix across warps through shared
// memory (bar.sync); decays, softplus and the silu gate on the
// special-function unit (ex2/lg2/div.approx). Every value stays in
// registers: no local memory.

loom.model @scan {
  %u = loom.input "u" : tensor<2x64x512xf32>
  %dt = loom.input "delta" : tensor<2x64x512xf32>
  %b = loom.input "B" : tensor<2x16x512xf32>
  %c = loom.input "C" : tensor<2x16x512xf32>
  %z = loom.input "z" : tensor<2x64x512xf32>
  %a = loom.param "A_log" : tensor<64x16xf32>
  %d = loom.param "D" : tensor<64xf32>
  %y = loom.selective_scan %u, %dt, %a, %b, %c D %d z %z {delta_softplus = true, a_is_log = true} : (tensor<2x64x512xf32>, tensor<2x64x512xf32>, tensor<64x16xf32>, tensor<2x16x512xf32>, tensor<2x16x512xf32>, tensor<64xf32>, tensor<2x64x512xf32>) -> tensor<2x64x512xf32>
  loom.output "y", %y : tensor<2x64x512xf32>
}

// STMT:     loom_kernel_y(u.bounds_query.{{.*}}, delta.bounds_query.{{.*}}, A_log.bounds_query.{{.*}}, B.bounds_query.{{.*}}, C.bounds_query.{{.*}}, D.bounds_query.{{.*}}, z.bounds_query.{{.*}}, y.o0.bounds_query
// STMT:     produce y {
// STMT-NEXT:  loom_kernel_y((halide_buffer_t *)u.buffer, (halide_buffer_t *)delta.buffer, (halide_buffer_t *)A_log.buffer, (halide_buffer_t *)B.buffer, (halide_buffer_t *)C.buffer, (halide_buffer_t *)D.buffer, (halide_buffer_t *)z.buffer, (halide_buffer_t *)y.buffer)
// STMT-NOT: halide_cuda_run

// PTX:      // loomc kernel y_block_scan (extern stage loom_kernel_y), grid 64x2, 64 threads
// PTX:      .visible .entry y_block_scan(
// PTX:      .param .u64 y_block_scan_param_7
// PTX-NOT:  y_block_scan_param_8
// PTX:      ld.global.v4.f32
// PTX:      ex2.approx.ftz.f32
// PTX:      lg2.approx.ftz.f32
// PTX:      shfl.sync.up.b32
// PTX:      bar.sync
// PTX:      div.approx.ftz.f32
// PTX:      st.global.v4.f32

// With kernel=0: the chunked Halide schedule (selective-scan-cuda.mlir),
// which also runs every scan whose L no chunk divides.
// HALIDE-NOT: loom_kernel
// HALIDE:     halide_cuda_run({{.*}}"_kernel_y_chunk_end_s0
// HALIDE:     halide_cuda_run({{.*}}"_kernel_y_carried_s1
// HALIDE:     halide_cuda_run({{.*}}"_kernel_y_s0

// The executable's glue defines the extern stage (and embeds the PTX).
// LINKED: T loom_kernel_y

// The CPU keeps its Halide schedule (it has no knob kernel).
// CPU-NOT: loom_kernel
