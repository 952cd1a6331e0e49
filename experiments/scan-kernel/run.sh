#!/bin/bash
# Runs the block-scan experiment on a GPU machine (see build.sh): the checks, then the timings.
cd "$(dirname "$0")"
set -e
./harness check_a.ptx 2 64 256 16 32 check 1 -1
./harness check_b.ptx 1 32 2048 16 64 check 1 -1
./harness check_c.ptx 2 16 1024 16 128 check 1 -1
for B in 1 8; do for L in 1024 4096; do
  ./harness scan_${B}x${L}.ptx $B 1536 $L 16 128 time 20 -1
done; done
