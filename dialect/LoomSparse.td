// Sparse convolution over masked inputs (SparK): the sparse ops and the mask
// plumbing between resolutions.
#ifndef LOOM_SPARSE_TD
#define LOOM_SPARSE_TD

include "LoomDialect.td"

def Loom_SparseConv2DOp : Loom_LayerOp<"sparse_conv2d"> {
  let summary = "Submanifold 2-D convolution at the active sites of a mask";
  let description = [{
    x [N, C_in, H, W], mask [N, 1, H, W] (binary: 0 or 1), weight
    [C_out, C_in, KH, KW], optional bias [C_out] → y [N, C_out, OH, OW] with
    OH = ⌈H / stride⌉, OW = ⌈W / stride⌉:

      y[n, :, p] = M_out[n, p] · (b + Σ_{q ∈ window(p)} W[:, :, q − p·s + pad] · (M[n, q] · x[n, :, q]))

    where M_out = `mask_downsample(mask, factor = stride)` (the mask max-pooled
    over stride × stride blocks; M_out = M for stride 1). This is SparK's
    `mask_out · conv2d(mask · x)`; inactive outputs are exactly zero. `padding`
    ([ph, pw], default KH/2, KW/2 as SparK) must give the pooled grid:
    (H + 2·ph − KH) / stride + 1 = ⌈H / stride⌉. The lowering computes only at
    active sites: its cost is proportional to the number of active sites.

    ```mlir
    %y = loom.sparse_conv2d %x, %m, %w, %b {stride = 2, padding = array<i64: 1, 1>}
        : (tensor<1x16x32x32xf32>, tensor<1x1x32x32xf32>, tensor<32x16x3x3xf32>,
           tensor<32xf32>) -> tensor<1x32x16x16xf32>
    ```
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$mask,
                       Loom_F32Tensor:$weight, Optional<Loom_F32Tensor>:$bias,
                       DefaultValuedAttr<I64Attr, "1">:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $mask `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = inferDecl # [{
    /// `padding`, or its default (half the kernel), as [ph, pw].
    ::llvm::SmallVector<int64_t, 2> getPaddingOrDefault();
  }];
}

def Loom_MaskDownsampleOp : Loom_LayerOp<"mask_downsample"> {
  let summary = "Max-pool a binary mask over factor × factor blocks";
  let description = [{
    mask [N, 1, H, W] → [N, 1, ⌈H / factor⌉, ⌈W / factor⌉]: a site is active
    when any site of its block is (the last blocks may be partial). The mask
    of a `sparse_conv2d` output with that stride.
  }];
  let arguments = (ins Loom_F32Tensor:$mask, I64Attr:$factor);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$mask attr-dict `:` functional-type(operands, results)";
}

def Loom_MaskUpsampleOp : Loom_LayerOp<"mask_upsample"> {
  let summary = "Repeat a mask factor × factor times (nearest neighbour)";
  let description = [{
    mask [N, 1, H, W] → [N, 1, H·factor, W·factor], each site repeated over a
    factor × factor block (SparK's `repeat_interleave` of the coarsest mask).
  }];
  let arguments = (ins Loom_F32Tensor:$mask, I64Attr:$factor);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = "$mask attr-dict `:` functional-type(operands, results)";
}

def Loom_SparseBatchNormOp : Loom_LayerOp<"sparse_batch_norm"> {
  let summary = "Batch normalization (inference) at the active sites only";
  let description = [{
    y = M · ((x − running_mean) / sqrt(running_var + eps) · weight + bias),
    per channel (dim 1 of x [N, C, H, W]), mask [N, 1, H, W]: inactive sites
    stay exactly zero (SparK's SparseBatchNorm2d).
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$mask,
                       Loom_F32Tensor:$running_mean, Loom_F32Tensor:$running_var,
                       Loom_F32Tensor:$weight, Loom_F32Tensor:$bias,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $mask `,` $running_mean `,` $running_var `,` $weight `,` $bias attr-dict
    `:` functional-type(operands, results)
  }];
}

def Loom_SparseLayerNormOp : Loom_LayerOp<"sparse_layer_norm"> {
  let summary = "Layer normalization over the channels at the active sites only";
  let description = [{
    At every active site p of x [N, C, H, W]: y[:, p] = (x[:, p] − mean) /
    sqrt(var + eps) · weight + bias with mean and (biased) variance over the C
    channels of that site; weight and bias [C]. Inactive sites stay exactly
    zero (SparK's SparseConvNeXtLayerNorm, channels_first).
  }];
  let arguments = (ins Loom_F32Tensor:$input, Loom_F32Tensor:$mask,
                       Loom_F32Tensor:$weight, Loom_F32Tensor:$bias,
                       DefaultValuedAttr<F64Attr, "1e-6">:$eps);
  let results = (outs Loom_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $mask `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

#endif // LOOM_SPARSE_TD
