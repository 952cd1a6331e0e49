// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of the hyperkernel ops name the parameter or dimension.

loom.model @m {
  %f0w = loom.param "k.filters.0.weight" : tensor<6x3xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{hyper_kernel: parameter filters.0.weight has shape [6, 3] but mfn with hidden = 6, channels = 4 expects [6, 2]}}
  %k = loom.hyper_kernel params(%f0w, %f0b, %ow, %ob) {kernel = 7 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<6x3xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<4x7x7xf32>
  loom.output "k", %k : tensor<4x7x7xf32>
}

// -----

loom.model @m {
  %f0w = loom.param "k.filters.0.weight" : tensor<6x2xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  // expected-error @+1 {{hyper_kernel: mfn with 1 layers takes 4 parameters but has 2}}
  %k = loom.hyper_kernel params(%f0w, %f0b) {kernel = 7 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<6x2xf32>, tensor<6xf32>) -> tensor<4x7x7xf32>
  loom.output "k", %k : tensor<4x7x7xf32>
}

// -----

loom.model @m {
  %ctx = loom.input "ctx" : tensor<2x3x5x5xf32>
  %w = loom.param "k.linears.0.weight" : tensor<6x2xf32>
  %b = loom.param "k.linears.0.bias" : tensor<6xf32>
  %gw = loom.param "k.gates.0.weight" : tensor<6x3xf32>
  %gb = loom.param "k.gates.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{hyper_kernel: context dims 2 and 3 (5×5) must equal the kernel size 7}}
  %k = loom.hyper_kernel context %ctx params(%w, %b, %gw, %gb, %ow, %ob) {net = "siren", kernel = 7 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<2x3x5x5xf32>, tensor<6x2xf32>, tensor<6xf32>, tensor<6x3xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<2x4x7x7xf32>
  loom.output "k", %k : tensor<2x4x7x7xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<2x4x8x8xf32>
  %k = loom.input "k" : tensor<3x5x5xf32>
  // expected-error @+1 {{hyper_zzw: the kernel has 3 channels (dim 0) but the input has 4 (dim 1)}}
  %y = loom.hyper_zzw %z, %k : (tensor<2x4x8x8xf32>, tensor<3x5x5xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<2x4x8x8xf32>
  %k = loom.input "k" : tensor<3x4x5x5xf32>
  // expected-error @+1 {{hyper_zzw: the per-sample kernel has 3 samples (dim 0) but the input has 2}}
  %y = loom.hyper_zzw %z, %k : (tensor<2x4x8x8xf32>, tensor<3x4x5x5xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<2x4x8x8xf32>
  %k = loom.input "k" : tensor<4x6x6xf32>
  // expected-error @+1 {{hyper_zzw: a local kernel must be square, odd and no larger than the input (8×8) but it is 6×6}}
  %y = loom.hyper_zzw %z, %k : (tensor<2x4x8x8xf32>, tensor<4x6x6xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<2x4x8x8xf32>
  %k = loom.input "k" : tensor<4x5x5xf32>
  // expected-error @+1 {{hyper_zzw: elementwise mode needs a kernel as large as the input (8×8) but it is 5×5}}
  %y = loom.hyper_zzw %z, %k {mode = "elementwise"} : (tensor<2x4x8x8xf32>, tensor<4x5x5xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<2x4x8x8xf32>
  %k = loom.input "k" : tensor<4x8x8xf32>
  // expected-error @+1 {{hyper_zzw: mode must be "conv" or "elementwise", not "fft"}}
  %y = loom.hyper_zzw %z, %k {mode = "fft"} : (tensor<2x4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %w = loom.param "c.weight" : tensor<4x1x5x5xf32>
  // expected-error @+1 {{embed_kernel: a 5×5 kernel with dilation 2 (span 9) cannot be centered in 8×8}}
  %e = loom.embed_kernel %w {size = 8 : i64, dilation = 2 : i64} : (tensor<4x1x5x5xf32>) -> tensor<4x1x8x8xf32>
  loom.output "e", %e : tensor<4x1x8x8xf32>
}

// -----

loom.model @m {
  %w = loom.param "c.weight" : tensor<4x1x5x5xf32>
  %m = loom.param "bn.running_mean" : tensor<3xf32>
  %v = loom.param "bn.running_var" : tensor<4xf32>
  %g = loom.param "bn.weight" : tensor<4xf32>
  %b = loom.param "bn.bias" : tensor<4xf32>
  // expected-error @+1 {{fold_batch_norm_weight: running_mean has shape [3] but the convolution has 4 output channels}}
  %f = loom.fold_batch_norm_weight %w, %m, %v, %g, %b : (tensor<4x1x5x5xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4x1x5x5xf32>
  loom.output "f", %f : tensor<4x1x5x5xf32>
}
