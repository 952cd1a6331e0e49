#!/bin/bash
# One kernel: gen_gemm.py args... → DIR/NAME.ptx.  usage: build_one.sh DIR NAME M N K BM BN BK RM RN PAD BIAS
set -e
HERE=$(cd "$(dirname "$0")" && pwd); DIR=$1; NAME=$2; shift 2
MLIR_OPT=${MLIR_OPT:-/usr/lib/llvm-19/bin/mlir-opt}
python3 "$HERE/gen_gemm.py" "${@:1:10}" gemm ${11:-0} > "$DIR/$NAME.mlir"
"$MLIR_OPT" "$DIR/$NAME.mlir" --pass-pipeline='builtin.module(gpu.module(convert-scf-to-cf,convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1},canonicalize,cse,reconcile-unrealized-casts),nvvm-attach-target{chip=sm_90 O=3},gpu-module-to-binary{format=isa})' -o "$DIR/$NAME.out.mlir"
python3 "$HERE/../scan-kernel/extract_ptx.py" "$DIR/$NAME.out.mlir" "$DIR/$NAME.ptx"
rm "$DIR/$NAME.mlir" "$DIR/$NAME.out.mlir"
