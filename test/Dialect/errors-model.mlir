// RUN: %loom-opt %s -split-input-file -verify-diagnostics
// Verifier errors of loom.model, loom.input, loom.param and loom.output.

// expected-error @+1 {{'loom.model' op model 'empty' has no output}}
loom.model @empty {
  %x = loom.input "x" : tensor<2x6xf32>
}

// -----

loom.model @m {
  // expected-note @+1 {{first defined here}}
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.input' op duplicate input name 'x'}}
  %z = loom.input "x" : tensor<2x6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-note @+1 {{first defined here}}
  %w = loom.param "w" : tensor<6xf32>
  // expected-error @+1 {{'loom.param' op duplicate parameter name 'w'}}
  %v = loom.param "w" : tensor<6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-note @+1 {{first defined here}}
  loom.output "y", %x : tensor<2x6xf32>
  // expected-error @+1 {{'loom.output' op duplicate output name 'y'}}
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  // expected-error @+1 {{'loom.input' op result #0 has type 'tensor<?x6xf32>': dim 0 must be a static extent ≥ 1, got ?}}
  %x = loom.input "x" : tensor<?x6xf32>
  loom.output "y", %x : tensor<?x6xf32>
}

// -----

loom.model @m {
  // expected-error @+1 {{'loom.input' op result #0 has type 'tensor<2x0xf32>': dim 1 must be a static extent ≥ 1, got 0}}
  %x = loom.input "x" : tensor<2x0xf32>
  loom.output "y", %x : tensor<2x0xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.param' op result #0 has type 'tensor<0xf32>': dim 0 must be a static extent ≥ 1, got 0}}
  %w = loom.param "w" : tensor<0xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  // expected-error @+1 {{'loom.input' op result #0 must be ranked tensor of 32-bit float or 32-bit signless integer values, but got 'tensor<2x6xf64>'}}
  %x = loom.input "x" : tensor<2x6xf64>
  loom.output "y", %x : tensor<2x6xf64>
}

// -----

loom.model @m {
  // expected-error @+1 {{custom op 'loom.input' invalid kind of type specified}}
  %x = loom.input "x" : tensor<*xf32>
  loom.output "y", %x : tensor<*xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.param' op init must be fan_in, ones or zeros, not 'two'}}
  %w = loom.param "w" {init = "two"} : tensor<6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.param' op fan_in must be ≥ 1, got 0}}
  %w = loom.param "w" {fan_in = 0} : tensor<6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{'loom.param' op attribute 'init' failed to satisfy constraint: string attribute}}
  %w = loom.param "w" {init = 3} : tensor<6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

// expected-error @+1 {{'loom.input' op expects parent op 'loom.model'}}
%x = loom.input "x" : tensor<2x6xf32>

// -----

loom.model @m {
  // expected-error @+1 {{'loom.model' op symbol's parent must have the SymbolTable trait}}
  loom.model @inner {
    %x = loom.input "x" : tensor<2x6xf32>
    loom.output "y", %x : tensor<2x6xf32>
  }
  %x = loom.input "x" : tensor<2x6xf32>
  loom.output "y", %x : tensor<2x6xf32>
}

// -----

loom.model @m {
  // expected-note @+1 {{prior use here}}
  %x = loom.input "x" : tensor<2x6xf32>
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: 'tensor<3x6xf32>' vs 'tensor<2x6xf32>'}}
  loom.output "y", %x : tensor<3x6xf32>
}

// -----

// expected-error @+1 {{'loom.input' op expects parent op 'loom.model'}}
"loom.input"() : () -> tensor<2xf32>

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2x64xf32>
  %w = loom.param "fc.weight" : tensor<10x64xf32>
  // expected-error @+1 {{'loom.linear' op result #0 has type 'tensor<2x?xf32>': dim 1 must be a static extent ≥ 1, got ?}}
  %y = loom.linear %x, %w : (tensor<2x64xf32>, tensor<10x64xf32>) -> tensor<2x?xf32>
  loom.output "y", %x : tensor<2x64xf32>
}

// -----

// expected-error @+1 {{'loom.model' op region #0 ('body') failed to verify constraint: region with 1 blocks}}
"loom.model"() ({
}) {sym_name = "m"} : () -> ()

// -----

// expected-error @+1 {{'loom.model' op expects region #0 to have 0 or 1 blocks}}
"loom.model"() ({
^bb0:
  %x = "loom.input"() {name = "x"} : () -> tensor<2xf32>
  "loom.output"(%x) {name = "y"} : (tensor<2xf32>) -> ()
^bb1:
  "loom.output"(%x) {name = "z"} : (tensor<2xf32>) -> ()
}) {sym_name = "m"} : () -> ()

// -----

// expected-error @+1 {{'loom.model' op requires attribute 'sym_name'}}
"loom.model"() ({
^bb0:
  %x = "loom.input"() {name = "x"} : () -> tensor<2xf32>
  "loom.output"(%x) {name = "y"} : (tensor<2xf32>) -> ()
}) : () -> ()

// -----

loom.model @m {
  %x = loom.input "x" : tensor<2xf32>
  // expected-error @+1 {{operand #0 does not dominate this use}}
  loom.output "y", %y : tensor<2xf32>
  // expected-note @+1 {{operand defined here (op in the same block)}}
  %y = loom.relu %x : tensor<2xf32>
}
