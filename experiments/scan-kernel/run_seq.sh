#!/bin/bash
# Runs the sequential-scan experiment on a GPU machine (see build_seq.sh): checks, then timings
# of the block scan and of every G.
cd "$(dirname "$0")"
for G in 4 8 16; do
  ./harness seqcheck_a_$G.ptx 2 64 256 16 128 check 1 $G
  ./harness seqcheck_b_$G.ptx 1 32 2048 16 128 check 1 $G
  ./harness seqcheck_c_$G.ptx 3 96 1024 32 128 check 1 $G
done
for B in 1 8; do for L in 1024 4096; do
  echo "== B=$B L=$L"
  ./harness scan_${B}x${L}.ptx $B 1536 $L 16 128 time 20 -1
  for G in 4 8 16; do ./harness seq${G}_${B}x${L}.ptx $B 1536 $L 16 128 time 20 $G; done
  ./harness seq16t64_${B}x${L}.ptx $B 1536 $L 16 64 time 20 16
done; done
