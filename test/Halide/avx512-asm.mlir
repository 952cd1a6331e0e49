// RUN: %loomc %s --emit=asm --target=x86-64-avx512 | FileCheck %s

// The linear's inner loop is AVX-512 FMAs on zmm registers: one per
// (output feature, row) of the 4 × 4 register tile.

loom.model @mlp {
  %x = loom.input "x" : tensor<8x256xf32>
  %w = loom.param "fc.weight" : tensor<64x256xf32>
  %y = loom.linear %x, %w : (tensor<8x256xf32>, tensor<64x256xf32>) -> tensor<8x64xf32>
  loom.output "y", %y : tensor<8x64xf32>
}

// CHECK-COUNT-16: vfmadd{{[0-9]+}}ps {{.*}}%zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
