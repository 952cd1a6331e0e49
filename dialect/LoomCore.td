// Core ops of the loom dialect: model structure and the ordinary layers.
#ifndef LOOM_CORE_TD
#define LOOM_CORE_TD

include "LoomDialect.td"

//===----------------------------------------------------------------------===//
// Model structure
//===----------------------------------------------------------------------===//

def Loom_ModelOp : Loom_Op<"model", [Symbol, SingleBlock, NoTerminator,
                                     IsolatedFromAbove]> {
  let summary = "A whole model: its inputs, parameters, layers and outputs";
  let description = [{
    The body is a graph of `loom.input`, `loom.param`, layer ops and
    `loom.output`. Input, parameter and output names are unique; the model
    name becomes the prefix of the generated C API (`NAME_create`, ...).

    ```mlir
    loom.model @mlp {
      %x = loom.input "x" : tensor<1x64xf32>
      %w = loom.param "fc.weight" : tensor<10x64xf32>
      %y = loom.linear %x, %w : (tensor<1x64xf32>, tensor<10x64xf32>) -> tensor<1x10xf32>
      loom.output "y", %y : tensor<1x10xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name)>];
}

def Loom_InputOp : Loom_Op<"input", [HasParent<"ModelOp">]> {
  let summary = "A named model input";
  let description = [{
    `%x = loom.input "x" : tensor<1x3x32x32xf32>` — a tensor the caller
    supplies at run time (f32 or i32).
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs AnyLoomTensor:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
}

def Loom_ParamOp : Loom_Op<"param", [HasParent<"ModelOp">, Pure]> {
  let summary = "A named model parameter (weight), loaded at create time";
  let description = [{
    `%w = loom.param "conv1.weight" : tensor<16x3x3x3xf32>`. The name is the
    PyTorch `state_dict` key. `init` chooses the random initialization used
    when no weights are given (`fan_in` uniform, `ones` or `zeros`).
  }];
  let arguments = (ins StrAttr:$name,
                       DefaultValuedAttr<StrAttr, "\"fan_in\"">:$init,
                       DefaultValuedAttr<I64Attr, "1">:$fan_in);
  let results = (outs AnyLoomTensor:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Loom_OutputOp : Loom_Op<"output", [HasParent<"ModelOp">]> {
  let summary = "A named model output";
  let description = [{
    `loom.output "logits", %7 : tensor<1x10xf32>` — a tensor the caller gets back
    under `name` (f32 or i32). Output names are unique within the model; their
    order is the order of the generated C API's output arrays.
  }];
  let arguments = (ins StrAttr:$name, AnyLoomTensor:$value);
  let assemblyFormat = "$name `,` $value attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Loom_LinearOp : Loom_LayerOp<"linear"> {
  let summary = "y = x · Wᵀ + b over the last dimension";
  let description = [{
    x [..., in], weight [out, in], optional bias [out] → y [..., out]
    (PyTorch `nn.Linear`).
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$weight,
                       Optional<Loom_F32Tensor>:$bias);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_Conv1DOp : Loom_LayerOp<"conv1d"> {
  let summary = "1-D convolution (grouped, strided, padded, dilated)";
  let description = [{
    x [N, C_in, L], weight [C_out, C_in/groups, K], optional bias [C_out]
    → y [N, C_out, (L + 2p - d(K-1) - 1)/s + 1]. `padding` is added on both
    sides (a causal convolution pads K−1 and slices the first L outputs).
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$weight,
                       Optional<Loom_F32Tensor>:$bias,
                       DefaultValuedAttr<I64Attr, "1">:$stride,
                       DefaultValuedAttr<I64Attr, "0">:$padding,
                       DefaultValuedAttr<I64Attr, "1">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_Conv2DOp : Loom_LayerOp<"conv2d"> {
  let summary = "2-D convolution (grouped, strided, padded, dilated)";
  let description = [{
    x [N, C_in, H, W], weight [C_out, C_in/groups, KH, KW], optional bias
    [C_out] → y [N, C_out, OH, OW] with OH = (H + 2·ph − dh·(KH−1) − 1)/sh + 1.
    Zero padding. `groups = C_in = C_out` is a depthwise convolution.
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$weight,
                       Optional<Loom_F32Tensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Loom_LayerNormOp : Loom_LayerOp<"layer_norm", [AttrSizedOperandSegments]> {
  let summary = "Layer normalization over the last dimension";
  let description = [{
    y = (x − mean) / sqrt(var + eps) · weight + bias, statistics over the last
    dimension (biased variance), weight and bias [last dim] optional.
  }];
  let arguments = (ins Loom_F32Tensor:$input, Optional<Loom_F32Tensor>:$weight,
                       Optional<Loom_F32Tensor>:$bias,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input (`weight` $weight^)? (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_RMSNormOp : Loom_LayerOp<"rms_norm"> {
  let summary = "RMS normalization over the last dimension";
  let description = [{ y = x / sqrt(mean(x²) + eps) · weight, weight [last dim]. }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$weight,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_BatchNormOp : Loom_LayerOp<"batch_norm"> {
  let summary = "Batch normalization (inference) over dimension 1";
  let description = [{
    y = (x − running_mean) / sqrt(running_var + eps) · weight + bias, with
    all four parameters of size C = x.shape[1] (x of rank ≥ 2).
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$running_mean,
                       Loom_F32Tensor:$running_var, Loom_F32Tensor:$weight,
                       Loom_F32Tensor:$bias,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $running_mean `,` $running_var `,` $weight `,` $bias attr-dict
    `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Loom_UnaryOp<string mnemonic, string math>
    : Loom_LayerOp<mnemonic, [SameOperandsAndResultType]> {
  // SameOperandsAndResultType already provides inferReturnTypes.
  let extraClassDeclaration = "";
  let summary = "Elementwise " # mnemonic;
  let description = "y = " # math # ", elementwise.";
  let arguments = (ins Loom_F32Tensor:$input);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Loom_ReluOp : Loom_UnaryOp<"relu", "max(x, 0)">;
def Loom_SiluOp : Loom_UnaryOp<"silu", "x · sigmoid(x)">;
def Loom_SigmoidOp : Loom_UnaryOp<"sigmoid", "1 / (1 + exp(−x))">;
def Loom_TanhOp : Loom_UnaryOp<"tanh", "tanh(x)">;
def Loom_SoftplusOp : Loom_UnaryOp<"softplus", "log(1 + exp(x)) (x for x > 20, as PyTorch)">;
def Loom_GeluOp : Loom_LayerOp<"gelu", [SameOperandsAndResultType]> {
  let extraClassDeclaration = "";
  let summary = "Elementwise GELU";
  let description = [{
    `approximate = "none"`: x·Φ(x) with the exact erf; `"tanh"`: PyTorch's tanh
    approximation.
  }];
  let arguments = (ins Loom_F32Tensor:$input,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$approximate);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

class Loom_BinaryOp<string mnemonic, string math>
    : Loom_LayerOp<mnemonic> {
  let summary = "Elementwise " # mnemonic # " with broadcasting";
  let description = "y = " # math # [{, with NumPy broadcasting (shapes
    aligned at the last dimension; a dimension of 1 stretches).}];
  let arguments = (ins Loom_F32Tensor:$lhs, Loom_F32Tensor:$rhs);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_AddOp : Loom_BinaryOp<"add", "a + b">;
def Loom_MulOp : Loom_BinaryOp<"mul", "a · b">;

//===----------------------------------------------------------------------===//
// Pooling, softmax, embedding
//===----------------------------------------------------------------------===//

class Loom_Pool2DOp<string mnemonic, string math> : Loom_LayerOp<mnemonic> {
  let summary = "2-D " # mnemonic;
  let description = math # [{ over [N, C, H, W] windows of `kernel` with
    `stride` (default: the kernel) and zero `padding`; OH = (H + 2p − k)/s + 1.}];
  let arguments = (ins Loom_F32Tensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Loom_MaxPool2DOp : Loom_Pool2DOp<"max_pool2d",
    "Maximum (padding never wins)">;
def Loom_AvgPool2DOp : Loom_Pool2DOp<"avg_pool2d",
    "Mean (padding counts, as PyTorch's count_include_pad)">;

def Loom_GlobalAvgPool2DOp : Loom_LayerOp<"global_avg_pool2d"> {
  let summary = "Mean over H and W: [N, C, H, W] → [N, C, 1, 1]";
  let description = [{
    y[n, c, 0, 0] = (1 / (H·W)) · Σ_{h, w} x[n, c, h, w]: PyTorch's
    `adaptive_avg_pool2d(x, 1)`, or `x.mean(dim=(2, 3), keepdim=True)`.
  }];
  let arguments = (ins Loom_F32Tensor:$input);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Loom_SoftmaxOp : Loom_LayerOp<"softmax", [SameOperandsAndResultType]> {
  let extraClassDeclaration = "";
  let summary = "Softmax along `axis` (negative counts from the end)";
  let description = [{
    y = exp(x − max_axis(x)) / Σ_axis exp(x − max_axis(x)), the maximum and the
    sum taken over dimension `axis` (default −1, the last); same shape as x.
    Subtracting the maximum keeps exp from overflowing.
  }];
  let arguments = (ins Loom_F32Tensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Loom_EmbeddingOp : Loom_LayerOp<"embedding"> {
  let summary = "Table lookup: ids [...] (i32), table [V, D] → [..., D]";
  let description = [{ Ids outside [0, V) are clamped into range.
    y[..., d] = table[clamp(ids[...], 0, V − 1), d], for ids of any shape: PyTorch's
    `nn.Embedding` (whose table parameter is `weight` [num_embeddings, dim]).
  }];
  let arguments = (ins Loom_I32Tensor:$ids, Loom_F32Tensor:$table);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $ids `,` $table attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Loom_ReshapeOp : Loom_LayerOp<"reshape"> {
  let summary = "Row-major reshape to `shape` (one entry may be −1)";
  let description = [{
    The elements in row-major order, regrouped as `shape` (PyTorch's `reshape`
    of a contiguous tensor). The element counts must agree; one entry of `shape`
    may be −1, which takes the count left over. Every other entry is ≥ 1.
  }];
  let arguments = (ins Loom_F32Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Loom_TransposeOp : Loom_LayerOp<"transpose"> {
  let summary = "Permute dimensions: result dim i is input dim perm[i]";
  let description = [{
    y[i_0, ..., i_(r−1)] = x[j] with j[perm[k]] = i_k, result shape
    [x.shape[perm[0]], ..., x.shape[perm[r−1]]]: PyTorch's `permute(perm)`.
    `perm` holds each of 0 .. rank − 1 once.
  }];
  let arguments = (ins Loom_F32Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Loom_ConcatOp : Loom_LayerOp<"concat"> {
  let summary = "Concatenate along `axis`; every other dimension must agree";
  let description = [{
    One or more inputs of equal rank, joined in order along `axis` (negative
    counts from the end): the result's extent there is the sum of the inputs'
    (PyTorch's `torch.cat(inputs, dim=axis)`).
  }];
  let arguments = (ins Variadic<Loom_F32Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def Loom_SliceOp : Loom_LayerOp<"slice"> {
  let summary = "Elements [start, end) with `step` along `axis`";
  let description = [{
    x[..., start:end:step, ...] along `axis`, as a Python slice: negative
    `start` and `end` count from the end, then both clamp to [0, extent]; `step`
    ≥ 1. The result has ⌈(end − start) / step⌉ elements along `axis`, at least one.
  }];
  let arguments = (ins Loom_F32Tensor:$input, I64Attr:$axis, I64Attr:$start,
                       I64Attr:$end, DefaultValuedAttr<I64Attr, "1">:$step);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // LOOM_CORE_TD
