#!/usr/bin/env bash
# Usage: bash test/bench/gpu_sparse.sh build DIR   (here: CUDA artifacts into DIR)
#        bash DIR/gpu_sparse.sh run DIR            (GPU machine with PyTorch + CUDA, no Loom)
# Sparse convolution on the GPU: checks the CUDA builds of a 3×3 64→64
# sparse_conv2d on 224×224, of examples/spark_encoder.loom and of the sparse
# ops test model (against dense PyTorch, fp32, TF32 off, or against this
# machine's CPU build), then times them end to end and on the device, next to
# PyTorch dense (cuDNN eager and torch.compile), our own dense CUDA conv, and
# the layer under the schedule-knob variants listed in DIR/variants.txt.
set -euo pipefail
mode=${1:?usage: gpu_sparse.sh build|run DIR}
dir=${2:?usage: gpu_sparse.sh build|run DIR}
here=$(cd "$(dirname "$0")" && pwd)

# Knob variants of the layer: name, then loomc --knob arguments (tile_x/tile_y:
# threads over channels/sites; reg_channels × reg_sites: the per-thread register
# tile; reg_inputs: input channels per vector load).
variants() {
  cat <<'LIST'
t16x8_r4x4_ci8
t16x8_r4x4_ci4 sparse_conv2d.reg_inputs=4
t16x8_r4x4_scalar sparse_conv2d.reg_inputs=1
t16x4_r4x4_ci8 sparse_conv2d.tile_y=4
t16x16_r4x2_ci8 sparse_conv2d.tile_y=16 sparse_conv2d.reg_sites=2
t8x8_r8x4_ci8 sparse_conv2d.tile_x=8 sparse_conv2d.reg_channels=8
t4x32_r4x4_shared sparse_conv2d.tile_x=4 sparse_conv2d.tile_y=32 sparse_conv2d.shared_weights=1
LIST
}

if [[ $mode == build ]]; then
  root=$(cd "$here/../.." && pwd)
  loomc=${LOOMC:-$root/build/bin/loomc}
  mkdir -p "$dir"
  cat > "$dir/layer.loom" <<'SPEC'
model sparse_layer {
  input x: f32[1, 64, 224, 224]
  input mask: f32[1, 1, 224, 224]
  conv = sparse_conv2d(x, mask, out_channels=64, kernel=3)
  output y = conv
}
SPEC
  cat > "$dir/dense.loom" <<'SPEC'
model dense_layer {
  input x: f32[1, 64, 224, 224]
  conv = conv2d(x, out_channels=64, kernel=3, padding=1)
  output y = conv
}
SPEC
  "$loomc" "$dir/layer.loom" --target=cuda --random-weights -o "$dir/layer_cuda"
  "$loomc" "$dir/dense.loom" --target=cuda --random-weights -o "$dir/dense_cuda"
  "$loomc" "$root/examples/spark_encoder.loom" --target=cuda --random-weights \
    -o "$dir/encoder_cuda"
  variants > "$dir/variants.txt"
  while read -r name knobs; do
    args=()
    for knob in $knobs; do args+=(--knob "$knob"); done
    "$loomc" "$dir/layer.loom" --target=cuda --random-weights "${args[@]}" \
      -o "$dir/layer_cuda_$name"
  done < "$dir/variants.txt"
  # The sparse ops test model (odd sizes, batch 2, every kernel and stride):
  # the CUDA build is checked against this machine's CPU build.
  ops=$root/test/numeric/Inputs/sparse_ops.loom
  "$loomc" "$ops" --target=cuda --random-weights=1 -o "$dir/ops_cuda"
  "$loomc" "$ops" --random-weights=1 -o "$dir/ops_cpu.tmp"
  /usr/bin/python3 - "$dir" <<'PY'
import sys, numpy as n
d = sys.argv[1]
r = n.random.default_rng(0)
n.save(f"{d}/ops_x.npy", r.random((2, 6, 13, 11), n.float32))
for density in (0, 40, 100):
    mask = (r.random((2, 1, 13, 11)) < density / 100).astype(n.float32)
    n.save(f"{d}/ops_mask_{density}.npy", mask)
PY
  for density in 0 40 100; do
    "$dir/ops_cpu.tmp" --input x="$dir/ops_x.npy" --input mask="$dir/ops_mask_$density.npy" \
      --output-dir "$dir/ops_ref_$density" --quiet
  done
  rm -f "$dir/ops_cpu.tmp"
  strip "$dir"/*_cuda "$dir"/layer_cuda_* 2>/dev/null || true
  cp "$here/gpu_sparse.sh" "$here/gpu_sparse.py" "$root/test/numeric/loomref.py" \
    "$root/test/numeric/spark_encoder_ref.py" "$dir/"
  echo "built into $dir; on the GPU machine: bash $dir/gpu_sparse.sh run $dir"
elif [[ $mode == run ]]; then
  python3 "$dir/gpu_sparse.py" "$dir"
else
  echo "usage: gpu_sparse.sh build|run DIR" >&2
  exit 2
fi
