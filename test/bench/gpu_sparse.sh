#!/usr/bin/env bash
# Usage: bash test/bench/gpu_sparse.sh build DIR   (here: CUDA artifacts into DIR)
#        bash DIR/gpu_sparse.sh run DIR            (GPU machine with PyTorch + CUDA, no Loom)
# Sparse convolution on the GPU: checks the CUDA builds of a 3×3 64→64
# sparse_conv2d on 224×224 and of examples/spark_encoder.loom against dense
# PyTorch (fp32, TF32 off) at mask densities 0–100%, then times both.
set -euo pipefail
mode=${1:?usage: gpu_sparse.sh build|run DIR}
dir=${2:?usage: gpu_sparse.sh build|run DIR}
here=$(cd "$(dirname "$0")" && pwd)

if [[ $mode == build ]]; then
  root=$(cd "$here/../.." && pwd)
  mkdir -p "$dir"
  cat > "$dir/layer.loom" <<'SPEC'
model sparse_layer {
  input x: f32[1, 64, 224, 224]
  input mask: f32[1, 1, 224, 224]
  conv = sparse_conv2d(x, mask, out_channels=64, kernel=3)
  output y = conv
}
SPEC
  "$root/build/bin/loomc" "$dir/layer.loom" --target=cuda --random-weights -o "$dir/layer_cuda"
  "$root/build/bin/loomc" "$root/examples/spark_encoder.loom" --target=cuda --random-weights \
    -o "$dir/encoder_cuda"
  cp "$here/gpu_sparse.sh" "$here/gpu_sparse.py" "$root/test/numeric/loomref.py" \
    "$root/test/numeric/spark_encoder_ref.py" "$dir/"
  echo "built into $dir; on the GPU machine: bash $dir/gpu_sparse.sh run $dir"
elif [[ $mode == run ]]; then
  python3 "$dir/gpu_sparse.py" "$dir"
else
  echo "usage: gpu_sparse.sh build|run DIR" >&2
  exit 2
fi
