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

// -----

loom.model @m {
  %f0w = loom.param "k.filters.0.weight" : tensor<6x2xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{hyper_kernel: net must be "mfn" or "siren", not "gabor"}}
  %k = loom.hyper_kernel params(%f0w, %f0b, %ow, %ob) {net = "gabor", kernel = 7 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<6x2xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<4x7x7xf32>
  loom.output "k", %k : tensor<4x7x7xf32>
}

// -----

loom.model @m {
  %f0w = loom.param "k.filters.0.weight" : tensor<6x2xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{hyper_kernel: kernel must be ≥ 2 and channels, hidden and layers ≥ 1 (kernel = 1, channels = 4, hidden = 6, layers = 1)}}
  %k = loom.hyper_kernel params(%f0w, %f0b, %ow, %ob) {kernel = 1 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<6x2xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<4x1x1xf32>
  loom.output "k", %k : tensor<4x1x1xf32>
}

// -----

loom.model @m {
  %ctx = loom.input "ctx" : tensor<2x3x7xf32>
  %w = loom.param "k.linears.0.weight" : tensor<6x2xf32>
  %b = loom.param "k.linears.0.bias" : tensor<6xf32>
  %gw = loom.param "k.gates.0.weight" : tensor<6x3xf32>
  %gb = loom.param "k.gates.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{hyper_kernel: context must have rank 4 ([N, D, k, k]) but has shape [2, 3, 7]}}
  %k = loom.hyper_kernel context %ctx params(%w, %b, %gw, %gb, %ow, %ob) {net = "siren", kernel = 7 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<2x3x7xf32>, tensor<6x2xf32>, tensor<6xf32>, tensor<6x3xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<2x4x7x7xf32>
  loom.output "k", %k : tensor<2x4x7x7xf32>
}

// -----

loom.model @m {
  %f0w = loom.param "k.filters.0.weight" : tensor<6x2xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{'loom.hyper_kernel' op result type 'tensor<4x5x5xf32>' does not match the inferred type 'tensor<4x7x7xf32>'}}
  %k = loom.hyper_kernel params(%f0w, %f0b, %ow, %ob) {kernel = 7 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<6x2xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<4x5x5xf32>
  loom.output "k", %k : tensor<4x5x5xf32>
}

// -----

loom.model @m {
  %f0w = loom.param "k.filters.0.weight" : tensor<6x2xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{'loom.hyper_kernel' op requires attribute 'kernel'}}
  %k = loom.hyper_kernel params(%f0w, %f0b, %ow, %ob) {channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64} : (tensor<6x2xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<4x7x7xf32>
  loom.output "k", %k : tensor<4x7x7xf32>
}

// -----

loom.model @m {
  %f0w = loom.param "k.filters.0.weight" : tensor<6x2xf32>
  %f0b = loom.param "k.filters.0.bias" : tensor<6xf32>
  %ow = loom.param "k.output_linear.weight" : tensor<4x6xf32>
  %ob = loom.param "k.output_linear.bias" : tensor<4xf32>
  // expected-error @+1 {{'loom.hyper_kernel' op attribute 'omega0' failed to satisfy constraint: 64-bit float attribute}}
  %k = loom.hyper_kernel params(%f0w, %f0b, %ow, %ob) {kernel = 7 : i64, channels = 4 : i64, hidden = 6 : i64, layers = 1 : i64, omega0 = 30 : i64} : (tensor<6x2xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<4x7x7xf32>
  loom.output "k", %k : tensor<4x7x7xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<4x8x8xf32>
  %w = loom.param "k" : tensor<4x3x3xf32>
  // expected-error @+1 {{hyper_zzw: input must have rank 4 ([N, C, H, W]) but has shape [4, 8, 8]}}
  %y = loom.hyper_zzw %z, %w : (tensor<4x8x8xf32>, tensor<4x3x3xf32>) -> tensor<4x8x8xf32>
  loom.output "y", %y : tensor<4x8x8xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<2x4x8x8xf32>
  %w = loom.param "k" : tensor<4x3xf32>
  // expected-error @+1 {{hyper_zzw: kernel must be [C, k, k] or [N, C, k, k] but has shape [4, 3]}}
  %y = loom.hyper_zzw %z, %w : (tensor<2x4x8x8xf32>, tensor<4x3xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %z = loom.input "z" : tensor<2x4x8x8xi32>
  %w = loom.param "k" : tensor<4x3x3xf32>
  // expected-error @+1 {{'loom.hyper_zzw' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x4x8x8xi32>'}}
  %y = loom.hyper_zzw %z, %w : (tensor<2x4x8x8xi32>, tensor<4x3x3xf32>) -> tensor<2x4x8x8xf32>
  loom.output "y", %y : tensor<2x4x8x8xf32>
}

// -----

loom.model @m {
  %w = loom.param "c.weight" : tensor<4x1x5xf32>
  %m = loom.param "bn.running_mean" : tensor<4xf32>
  // expected-error @+1 {{fold_batch_norm_weight: weight must be [O, I, KH, KW] but has shape [4, 1, 5]}}
  %f = loom.fold_batch_norm_weight %w, %m, %m, %m, %m : (tensor<4x1x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4x1x5xf32>
  loom.output "f", %f : tensor<4x1x5xf32>
}

// -----

loom.model @m {
  %m = loom.param "bn.running_mean" : tensor<2x2xf32>
  %v = loom.param "bn.running_var" : tensor<4xf32>
  // expected-error @+1 {{fold_batch_norm_bias: running_mean must have rank 1 but has shape [2, 2]}}
  %f = loom.fold_batch_norm_bias %m, %v, %v, %v : (tensor<2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x2xf32>
  loom.output "f", %f : tensor<2x2xf32>
}

// -----

loom.model @m {
  %m = loom.param "bn.running_mean" : tensor<4xf32>
  %cb = loom.param "c.bias" : tensor<5xf32>
  // expected-error @+1 {{fold_batch_norm_bias: conv_bias has shape [5] but the convolution has 4 output channels}}
  %f = loom.fold_batch_norm_bias %m, %m, %m, %m, %cb : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<5xf32>) -> tensor<4xf32>
  loom.output "f", %f : tensor<4xf32>
}

// -----

loom.model @m {
  %w = loom.param "c.weight" : tensor<4x1x5x3xf32>
  // expected-error @+1 {{embed_kernel: weight must be [O, I, k, k] but has shape [4, 1, 5, 3]}}
  %e = loom.embed_kernel %w {size = 9 : i64} : (tensor<4x1x5x3xf32>) -> tensor<4x1x9x9xf32>
  loom.output "e", %e : tensor<4x1x9x9xf32>
}

// -----

loom.model @m {
  %w = loom.param "c.weight" : tensor<4x1x5x5xf32>
  // expected-error @+1 {{embed_kernel: a 5×5 kernel with dilation 0 (span 1) cannot be centered in 9×9}}
  %e = loom.embed_kernel %w {size = 9 : i64, dilation = 0 : i64} : (tensor<4x1x5x5xf32>) -> tensor<4x1x9x9xf32>
  loom.output "e", %e : tensor<4x1x9x9xf32>
}

// -----

loom.model @m {
  %w = loom.param "c.weight" : tensor<4x1x5x5xf32>
  // expected-error @+1 {{'loom.embed_kernel' op requires attribute 'size'}}
  %e = loom.embed_kernel %w : (tensor<4x1x5x5xf32>) -> tensor<4x1x9x9xf32>
  loom.output "e", %e : tensor<4x1x9x9xf32>
}

// -----

loom.model @m {
  %w = loom.param "c.weight" : tensor<4x1x5x5xf32>
  // expected-error @+1 {{'loom.embed_kernel' op result type 'tensor<4x1x7x7xf32>' does not match the inferred type 'tensor<4x1x9x9xf32>'}}
  %e = loom.embed_kernel %w {size = 9 : i64} : (tensor<4x1x5x5xf32>) -> tensor<4x1x7x7xf32>
  loom.output "e", %e : tensor<4x1x7x7xf32>
}
