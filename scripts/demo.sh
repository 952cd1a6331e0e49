#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Loom, compiles the example CNN
# with random weights and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p out
build/bin/loomc examples/small_cnn.loom --random-weights=1 -o out/small_cnn
out/small_cnn --bench 20
