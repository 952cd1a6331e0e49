#!/usr/bin/env bash
# Usage: bash test/bench/gpu_hyper.sh build DIR [--sweep]   (here: loomc --target=cuda, CPU references)
#        bash test/bench/gpu_hyper.sh run DIR                (GPU machine: PyTorch + CUDA driver, no Halide)
#
# Hyperkernel GPU check and benchmark: depthwise conv2d k = 7, 13, 31 on 128x56x56
# (batch 1 and 8) and the global hyper_zzw on 64x32x32, CUDA outputs checked against
# the CPU build and PyTorch, device times against PyTorch eager and torch.compile.
# The work is in gpu_hyper.py next to this script (its header says what it does).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:?build or run}
dir=${2:?directory}
shift 2
case $mode in
  build) exec "${PYTHON:-python3}" "$here/gpu_hyper.py" build "$dir" "$@" ;;
  run) exec "${PYTHON:-python3}" "$here/gpu_hyper.py" run "$dir" "$@" ;;
  *) echo "unknown mode $mode (build or run)" >&2; exit 2 ;;
esac
