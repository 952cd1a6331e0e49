#!/usr/bin/env bash
# Runs on the GPU machine, over a folder made by scripts/gpu-bundle.sh: every
# example's CUDA build against the CPU build's outputs, its GPU latency, then
# each family's run.sh. Writes one results file.
# Usage: bash gpu-run.sh BUNDLE_DIR RESULTS.md
set -uo pipefail
bundle=$(cd "$1" && pwd)
results=$2
python=${PYTHON:-python3}
status=0
{
  echo "# Loom on $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
  echo
  echo "| example | outputs vs CPU build (tolerance 1e-4 × (1 + max\|ref\|)) | GPU latency min / median (ms) |"
  echo "|---|---|---|"
} > "$results"
for exe in "$bundle"/bin/*.cuda; do
  name=$(basename "$exe" .cuda)
  got=$(mktemp -d)
  if ! "$exe" --seed 7 --output-dir "$got" --quiet > "$got/run.log" 2>&1; then
    echo "| $name | RUN FAILED: $(tail -1 "$got/run.log") | |" >> "$results"; status=1; continue
  fi
  compare=$("$python" "$bundle/compare_npy.py" "$bundle/ref/$name" "$got" 1e-4) || status=1
  bench=$("$exe" --bench 200 --quiet | grep -oE "min=[0-9.]+ median=[0-9.]+" | sed 's/min=//; s/ median=/ \/ /')
  echo "| $name | $(echo "$compare" | tr '\n' ';') | $bench |" >> "$results"
done
for run in "$bundle"/*/run.sh; do
  [[ -e "$run" ]] || continue
  echo >> "$results"
  bash "$run" "$results" || status=1
done
cat "$results"
exit $status
