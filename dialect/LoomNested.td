// Matryoshka / nested ops of the loom dialect (MatFormer FFN, MRL embedding):
// one set of weights, the width chosen at run time.
#ifndef LOOM_NESTED_TD
#define LOOM_NESTED_TD

include "LoomDialect.td"

def Loom_NestedFFNOp : Loom_LayerOp<"nested_ffn", [AttrSizedOperandSegments]> {
  let summary = "MatFormer FFN whose hidden width m is chosen at run time";
  let description = [{
    x [..., d_model], fc1_weight W_in [h, d_model], optional fc1_bias b_in [h],
    fc2_weight W_out [d_model, h], optional fc2_bias b_out [d_model]
    → y [..., d_model]:

    ```
    y = W_out[:, :m] · act(W_in[:m, :] · x + b_in[:m]) + b_out
    ```

    `granularities` (strictly increasing, the last equal to h) are the widths
    the artifact is specialized for; the caller picks m at run time, per layer
    or for all of them (`NAME_set_granularity`, `--granularity`), and any m in
    [1, h] runs (the declared ones on a specialized, fully vectorized path).
    Only a prefix of the full weights is read: no copies. `activation` is
    relu, gelu (exact erf), gelu_tanh or silu. Parameter names follow
    MatFormer's MatViT MLP (timm's `Mlp`): `fc1.weight`, `fc1.bias`,
    `fc2.weight`, `fc2.bias`.

    ```mlir
    %y = loom.nested_ffn %x, %w1, %b1, %w2, %b2
           {granularities = array<i64: 16, 32, 64>, activation = "gelu"}
           : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<64xf32>,
              tensor<32x64xf32>, tensor<32xf32>) -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$fc1_weight,
                       Optional<Loom_F32Tensor>:$fc1_bias,
                       Loom_F32Tensor:$fc2_weight,
                       Optional<Loom_F32Tensor>:$fc2_bias,
                       DenseI64ArrayAttr:$granularities,
                       DefaultValuedAttr<StrAttr, "\"gelu\"">:$activation);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $fc1_weight (`bias` $fc1_bias^)? `,` $fc2_weight (`bias` $fc2_bias^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_NestedEmbeddingOp : Loom_LayerOp<"nested_embedding"> {
  let summary = "MRL prefix truncation of a representation, width chosen at run time";
  let description = [{
    x [..., d] → y [..., d]: the first m features of x (Matryoshka
    Representation Learning), optionally L2-normalized over those m:

    ```
    y[..., i] = x[..., i] / max(‖x[..., :m]‖₂, 1e-12)   for i < m   (normalize)
    y[..., i] = x[..., i]                                 for i < m   (otherwise)
    y[..., i] = 0                                         for i ≥ m
    ```

    The output keeps the full width d, zero past m, because tensor shapes
    (and the C API's output descriptors) are static; the caller reads the
    first m features. `granularities` are strictly increasing with the last
    equal to d; m is picked at run time like `nested_ffn`'s.
  }];
  let arguments = (ins Loom_F32Tensor:$input, DenseI64ArrayAttr:$granularities,
                       DefaultValuedAttr<BoolAttr, "false">:$normalize);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // LOOM_NESTED_TD
