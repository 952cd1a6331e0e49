#!/usr/bin/env bash
# Packages what a GPU machine needs to check Loom there (it needs no Halide or
# MLIR, only the CUDA driver and Python with numpy): every example compiled for
# CUDA and for this CPU, the CPU build's outputs as the reference, and
# scripts/gpu-run.sh. Usage: scripts/gpu-bundle.sh [OUT_DIR] (default out/gpu)
# Then, on the GPU machine: bash OUT_DIR/gpu-run.sh OUT_DIR RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/gpu}
loomc=${LOOMC:-build/bin/loomc}
rm -rf "$out" && mkdir -p "$out/bin" "$out/ref"
for spec in examples/*.loom; do
  name=$(basename "$spec" .loom)
  echo "gpu-bundle: $name"
  "$loomc" "$spec" --target=cuda --emit=exe --random-weights=1 -o "$out/bin/$name.cuda"
  "$loomc" "$spec" --target=host --emit=exe --random-weights=1 -o "$out/bin/$name.cpu"
  "$out/bin/$name.cpu" --seed 7 --output-dir "$out/ref/$name" --quiet
done
# Models cut into many segments (one Halide pipeline each, one PTX module each).
for name in small_cnn matformer mamba_lm; do
  echo "gpu-bundle: $name in segments"
  "$loomc" "examples/$name.loom" --target=cuda --segment-ops=4 --random-weights=1 -o "$out/bin/${name}_segments.cuda"
  cp -r "$out/ref/$name" "$out/ref/${name}_segments"
done
# Each family's GPU check and benchmark builds what it needs into
# OUT_DIR/<family>/ (gpu-run.sh runs them there).
echo "gpu-bundle: examples vs PyTorch"; /usr/bin/python3 test/bench/gpu_examples.py build "$out/examples"
echo "gpu-bundle: nested"; bash test/bench/gpu_nested.sh bundle "$out"
echo "gpu-bundle: hyper"; bash test/bench/gpu_hyper.sh build "$out/hyper"
echo "gpu-bundle: sparse"; bash test/bench/gpu_sparse.sh build "$out/sparse"
echo "gpu-bundle: ssm"; /usr/bin/python3 test/bench/gpu_ssm.py build "$out/ssm"
echo "gpu-bundle: mamba2"; /usr/bin/python3 test/bench/gpu_mamba2.py build "$out/mamba2"
echo "gpu-bundle: every op"; /usr/bin/python3 test/bench/gpu_ops.py build "$out/ops"
cp scripts/gpu-run.sh scripts/compare_npy.py "$out/"
du -sh "$out"
