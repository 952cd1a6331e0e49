#!/usr/bin/env bash
# Builds Loom with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-sanitize/ (compiler, runtime, and every artifact the tests link) and
# runs the whole lit suite against it. Usage: scripts/sanitize.sh [lit args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
start=$(date +%s)
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOOM_SANITIZE=ON \
  > build-sanitize.configure.log 2>&1 || { cat build-sanitize.configure.log; exit 1; }
cmake --build build-sanitize
echo "sanitize: build done in $(( $(date +%s) - start )) s"
start=$(date +%s)
status=0
/usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build-sanitize/test "$@" || status=$?
echo "sanitize: tests done in $(( $(date +%s) - start )) s"
exit $status
