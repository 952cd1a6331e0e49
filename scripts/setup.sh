#!/usr/bin/env bash
# Installs Loom's build and test dependencies from Debian 12 packages when
# any is missing. Safe to run again: it installs nothing when all are there.
set -euo pipefail

packages=(
  # compiler toolchain and build
  g++ cmake ninja-build
  # LLVM/MLIR 19 (FileCheck and lit are in llvm-19-tools) and Halide 14
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools libhalide14-0-dev
  # C++ libraries
  libfmt-dev libcli11-dev
  # the independent reference of the numeric tests
  python3-torch python3-numpy
  # build/docs-venv, where the docs' python blocks run (test/Docs)
  python3-venv
)
bench=0
for option in "$@"; do
  case "$option" in
    --bench)
      bench=1
      # PyTorch's fast BLAS, so benchmarks compare against the peer at its best;
      # python3-venv for the benchmark venv (ONNX Runtime, the second peer).
      packages+=(libopenblas0-pthread python3-venv) ;;
    --fuzz)
      # libFuzzer and the sanitizer runtimes come with clang (scripts/fuzz.sh).
      packages+=(clang-19 libclang-rt-19-dev) ;;
    *)
      echo "usage: setup.sh [--bench] [--fuzz]" >&2; exit 2 ;;
  esac
done

# The benchmarks' venv sees Debian's torch and numpy and adds a pinned
# onnxruntime from PyPI.
make_bench_venv() {
  local venv
  venv="$(cd "$(dirname "$0")/.." && pwd)/build/bench-venv"
  if [[ ! -x "$venv/bin/python" ]]; then
    /usr/bin/python3 -m venv --system-site-packages "$venv"
  fi
  "$venv/bin/pip" install -q onnxruntime==1.20.1
  echo "setup: benchmark venv ready: $venv/bin/python"
}

# The docs tests' venv (test/Docs): Debian's torch and numpy plus a pinned
# safetensors from PyPI (Debian 12 does not package it), as the tutorial asks
# its reader to install it.
make_docs_venv() {
  local venv
  venv="$(cd "$(dirname "$0")/.." && pwd)/build/docs-venv"
  if "$venv/bin/python" -c "import safetensors, sys; sys.exit(safetensors.__version__ != '0.4.5')" \
      2>/dev/null; then
    return
  fi
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install -q safetensors==0.4.5
  echo "setup: docs venv ready: $venv/bin/python"
}

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages present"
  make_docs_venv
  if [[ $bench -eq 1 ]]; then make_bench_venv; fi
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
make_docs_venv
if [[ $bench -eq 1 ]]; then make_bench_venv; fi
