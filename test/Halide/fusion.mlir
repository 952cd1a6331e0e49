// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 | FileCheck %s
// RUN: %loomc %s --emit=stmt --target=x86-64-avx512 --no-fuse | FileCheck %s --check-prefix=UNFUSED

// A relu between two linears is computed as the first linear's register tile
// is stored: the first linear's own result is never a loop nest (no
// `produce linear_0 {`), and relu_1 is produced by the linear's schedule.
// Without fusion the relu makes a pass of its own over memory.

loom.model @mlp {
  %x = loom.input "x" : tensor<8x64xf32>
  %w1 = loom.param "fc1.weight" : tensor<128x64xf32>
  %w2 = loom.param "fc2.weight" : tensor<32x128xf32>
  %h = loom.linear %x, %w1 : (tensor<8x64xf32>, tensor<128x64xf32>) -> tensor<8x128xf32>
  %a = loom.relu %h : tensor<8x128xf32>
  %y = loom.linear %a, %w2 : (tensor<8x128xf32>, tensor<32x128xf32>) -> tensor<8x32xf32>
  loom.output "y", %y : tensor<8x32xf32>
}

// CHECK-NOT:   produce linear_0 {
// CHECK-LABEL: external func {{.*}}_par_for_relu_1_s0_{{.*}}o_block
// CHECK:       produce linear_0_accumulate {
// CHECK:       consume linear_0_accumulate {
// CHECK-NEXT:  relu_1[{{.*}}] = max(linear_0_accumulate[0], 0.000000f)
// CHECK-NOT:   produce linear_0 {
// CHECK:       produce relu_1 {
// CHECK:       halide_do_par_for((void *)::{{.*}}_par_for_relu_1_s0_{{.*}}o_block
// CHECK-NOT:   produce linear_0 {

// UNFUSED:       produce linear_0 {
// UNFUSED:       produce relu_1 {
// UNFUSED-NEXT:  consume linear_0 {
