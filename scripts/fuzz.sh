#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-19, ASan + UBSan) into build-fuzz/ and runs
# each for a bounded time. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Targets: loom-parser dialect-parser safetensors npy (all by default; 120 s each).
# Corpora grow in build-fuzz/corpus/<target>; a crash is written to
# fuzz/regressions/<target>/ (keep the file once fixed), where test/Fuzz/replay.test replays it in every build.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(loom-parser dialect-parser safetensors npy)
fi

bash scripts/setup.sh --fuzz
CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLOOM_FUZZ=ON > build-fuzz.configure.log 2>&1 || { cat build-fuzz.configure.log; exit 1; }
cmake --build build-fuzz --target "${targets[@]/#/fuzz-}"

/usr/bin/python3 fuzz/make_seeds.py build-fuzz/seeds
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  regressions=fuzz/regressions/$target
  mkdir -p "$corpus" "$regressions"
  log=build-fuzz/$target.log
  echo "fuzz: $target for $seconds s (log: $log)"
  # -timeout: a spec that takes 10 s to compile is a bug too.
  if ! build-fuzz/bin/fuzz-$target -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
      -artifact_prefix="$regressions/" -print_final_stats=1 \
      "$corpus" "build-fuzz/seeds/$target" > "$log" 2>&1; then
    status=1
    echo "fuzz: $target FAILED; the input is in $regressions/ and the report in $log"
    grep -m3 -E "ERROR|runtime error|SUMMARY" "$log" || true
  fi
  runs=$(grep -m1 -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
  echo "fuzz: $target: $runs executions, corpus $(ls "$corpus" | wc -l) files"
done
exit $status
