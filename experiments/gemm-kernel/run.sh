#!/bin/bash
# Runs the gemm-kernel experiment on a GPU machine (see build.sh): per shape, every variant
# checked and timed (RUNS, default 20), then cuBLAS (PyTorch F.linear, TF32 off) at the shapes.
cd "$(dirname "$0")"
RUNS=${RUNS:-20}
for s in $(cat shapes.txt); do IFS=: read M N K <<< "$s"
  specs=()
  for v in $(cat variants.txt); do IFS=: read name BM BN BK RM RN PAD MINCTA <<< "$v"
    specs+=("$name:${name}_${M}_${N}_${K}.ptx:$BM:$BN:$((BM / RM * BN / RN))")
  done
  ./harness $M $N $K 1 $RUNS "${specs[@]}" || echo "FAILED $s"
done
python3 cublas.py $RUNS $(cat shapes.txt)
