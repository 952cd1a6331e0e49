#!/bin/bash
# Builds the sequential-scan experiment (gen_seq_scan.py) beside the block scan (build.sh) into
# DIR (default out/scan-kernel): small shapes checked against the double reference for each G,
# and the issue's four shapes (D = 1536, N = 16) for G = 4, 8, 16 lanes per channel.
# usage: bash experiments/scan-kernel/build_seq.sh [DIR]   then on the GPU machine: bash DIR/run_seq.sh
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-out/scan-kernel}
bash "$HERE/build.sh" "$DIR" > /dev/null
MLIR_OPT=${MLIR_OPT:-/usr/lib/llvm-19/bin/mlir-opt}
ptx() { # NAME B D L N G [--threads T]
  python3 "$HERE/gen_seq_scan.py" "${@:2}" > "$DIR/$1.mlir"
  "$MLIR_OPT" "$DIR/$1.mlir" --pass-pipeline='builtin.module(gpu.module(convert-scf-to-cf,convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1},canonicalize,cse,reconcile-unrealized-casts),gpu-module-to-binary{format=isa})' -o "$DIR/$1.out.mlir"
  python3 "$HERE/extract_ptx.py" "$DIR/$1.out.mlir" "$DIR/$1.ptx"
  rm "$DIR/$1.mlir" "$DIR/$1.out.mlir"
}
for G in 4 8 16; do
  ptx seqcheck_a_$G 2 64 256 16 $G
  ptx seqcheck_b_$G 1 32 2048 16 $G
  ptx seqcheck_c_$G 3 96 1024 32 $G
  for B in 1 8; do for L in 1024 4096; do ptx seq${G}_${B}x${L} $B 1536 $L 16 $G; done; done
done
for B in 1 8; do for L in 1024 4096; do ptx seq16t64_${B}x${L} $B 1536 $L 16 16 --threads 64; done; done
cp "$HERE/run_seq.sh" "$DIR/"
echo "built into $DIR"
