#!/bin/bash
# Builds the PTX of the block-scan experiment and the harness into DIR (default out/scan-kernel):
# three small shapes checked against a double-precision reference, and the issue's four benchmark
# shapes (D = 1536, N = 16) with T = 128 threads of K = 8 steps. Needs mlir-opt-19 (Debian's
# mlir-19-tools) and, for the harness, the CUDA toolkit's cuda.h and libcuda stub.
# usage: bash experiments/scan-kernel/build.sh [DIR]   then on the GPU machine: bash DIR/run.sh
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-out/scan-kernel}
mkdir -p "$DIR"
MLIR_OPT=${MLIR_OPT:-/usr/lib/llvm-19/bin/mlir-opt}
CUDA=${CUDA:-/usr/local/cuda}
ptx() { # NAME B D L N T K
  python3 "$HERE/gen_block_scan.py" "${@:2}" > "$DIR/$1.mlir"
  "$MLIR_OPT" "$DIR/$1.mlir" --pass-pipeline='builtin.module(gpu.module(convert-scf-to-cf,convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1},canonicalize,cse,reconcile-unrealized-casts),gpu-module-to-binary{format=isa})' -o "$DIR/$1.out.mlir"
  python3 "$HERE/extract_ptx.py" "$DIR/$1.out.mlir" "$DIR/$1.ptx"
  rm "$DIR/$1.mlir" "$DIR/$1.out.mlir"
}
ptx check_a 2 64 256 16 32 4
ptx check_b 1 32 2048 16 64 8
ptx check_c 2 16 1024 16 128 8
for B in 1 8; do for L in 1024 4096; do ptx scan_${B}x${L} $B 1536 $L 16 128 8; done; done
g++ -O2 -std=c++17 -I"$CUDA/include" "$HERE/harness.cpp" -L"$CUDA/lib64/stubs" -lcuda -o "$DIR/harness"
cp "$HERE/run.sh" "$DIR/"
echo "built into $DIR"
