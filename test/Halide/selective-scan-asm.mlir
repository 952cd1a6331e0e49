// RUN: %loomc %s --emit=asm --target=x86-64-avx512 | FileCheck %s

// The step loop of the selective scan is straight-line AVX-512 code: the 16
// unrolled state updates (each a polynomial exp and FMAs on zmm registers)
// and the readout, with no call into libm.

loom.model @scan {
  %u = loom.input "u" : tensor<1x32x200xf32>
  %b = loom.input "B" : tensor<1x16x200xf32>
  %a = loom.param "A_log" : tensor<32x16xf32>
  %y = loom.selective_scan %u, %u, %a, %b, %b {delta_softplus = true, a_is_log = true} : (tensor<1x32x200xf32>, tensor<1x32x200xf32>, tensor<32x16xf32>, tensor<1x16x200xf32>, tensor<1x16x200xf32>) -> tensor<1x32x200xf32>
  loom.output "y", %y : tensor<1x32x200xf32>
}

// CHECK:      # %"for y_scan.s1.y_step$y.in_chunk"
// CHECK-NOT:  call{{.*}}exp
// CHECK-COUNT-16: vfmadd{{[0-9]+}}ps {{.*}}%zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// CHECK-NOT:  call{{.*}}exp
// CHECK:      # %"end for y_scan.s1.y_step$y.in_chunk"
