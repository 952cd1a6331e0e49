#!/bin/bash
# Builds the PTX of every (variant, shape) of the gemm-kernel experiment and the harness into
# DIR (default out/gemm-kernel), with run.sh and cublas.py. Needs mlir-opt-19 (Debian's
# mlir-19-tools) and, for the harness, the CUDA toolkit's cuda.h and libcuda stub.
# usage: bash experiments/gemm-kernel/build.sh [DIR]   then on the GPU machine: bash DIR/run.sh
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-out/gemm-kernel}
mkdir -p "$DIR"
CUDA=${CUDA:-/usr/local/cuda}
# name:BM:BN:BK:RM:RN:PAD:MINCTA (threads = BM/RM · BN/RN; MINCTA > 0: .maxntid + .minnctapersm)
VARIANTS=${VARIANTS:-"t128:128:128:8:8:8:4:0 t128m2:128:128:8:8:8:4:2 t128k16:128:128:16:8:8:4:0 t128k16m2:128:128:16:8:8:4:2 t128p0:128:128:8:8:8:0:0 t128x64:128:64:8:8:8:4:0 t128x64w:128:64:16:8:4:4:0 t64x128:64:128:8:8:8:4:0 t64:64:64:16:4:4:4:0"}
# M N K (the issue's shapes, Mamba-2 / Hydra at B = 8 and 1, and ragged checks)
SHAPES=${SHAPES:-"8192:3072:768 8192:3352:768 8192:3376:768 8192:768:1536 1024:3352:768 1024:3376:768 1024:768:1536 8192:80:1536 8192:24:1536 8192:1536:48 8192:768:3072 1000:80:44 333:24:20"}
echo "$VARIANTS" > "$DIR/variants.txt"; echo "$SHAPES" > "$DIR/shapes.txt"
for s in $SHAPES; do IFS=: read M N K <<< "$s"
  for v in $VARIANTS; do IFS=: read name BM BN BK RM RN PAD MINCTA <<< "$v"
    bash "$HERE/build_one.sh" "$DIR" "${name}_${M}_${N}_${K}" $M $N $K $BM $BN $BK $RM $RN $PAD 1 $MINCTA
  done
done
g++ -O2 -std=c++17 -I"$CUDA/include" "$HERE/harness.cpp" -L"$CUDA/lib64/stubs" -lcuda -o "$DIR/harness"
cp "$HERE/run.sh" "$HERE/cublas.py" "$DIR/"
echo "built into $DIR"
