#!/usr/bin/env bash
# Runs on the GPU machine, over a folder made by scripts/gpu-bundle.sh: every
# example's CUDA build against the CPU build's outputs, its GPU latency, then
# each family's run.sh. Writes one results file.
# Usage: bash gpu-run.sh BUNDLE_DIR RESULTS.md [PART...]
# PARTs (default all): builds examples nested hyper sparse ssm mamba2 ops, so that a
# long run can be split over several calls of a time-limited GPU machine.
set -uo pipefail
bundle=$(cd "$1" && pwd)
results=$2
shift 2
parts=${*:-builds examples nested hyper sparse ssm mamba2 ops}
wants() { [[ " $parts " == *" $1 "* ]]; }
python=${PYTHON:-python3}
status=0
{
  echo "# Loom on $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
  echo
  if wants builds; then
    echo "| example | outputs vs CPU build (tolerance 1e-4 × (1 + max\|ref\|)) | latency with copies min / median (ms) | device only min / median (ms) |"
    echo "|---|---|---|---|"
  fi
} > "$results"
for exe in "$bundle"/bin/*.cuda; do
  wants builds || break
  name=$(basename "$exe" .cuda)
  got=$(mktemp -d)
  if ! "$exe" --seed 7 --output-dir "$got" --quiet > "$got/run.log" 2>&1; then
    echo "| $name | RUN FAILED: $(tail -1 "$got/run.log") | |" >> "$results"; status=1; continue
  fi
  compare=$("$python" "$bundle/compare_npy.py" "$bundle/ref/$name" "$got" 1e-4) || status=1
  # Two lines: latency_ms (host arrays in and out) and device_ms (inputs resident).
  bench=$("$exe" --bench 200 --quiet | grep -oE "min=[0-9.]+ median=[0-9.]+" |
          sed 's/min=//; s/ median=/ \/ /' | paste -sd'|')
  echo "| $name | $(echo "$compare" | tr '\n' ';') | $bench |" >> "$results"
done
# The families' checks and benchmarks (from the repository's test/bench, which
# the GPU machine has a copy of, or from the bundle).
here=$(cd "$(dirname "$0")" && pwd)
repo=${LOOM_REPO:-$(cd "$here/../.." && pwd)}
family() { # NAME COMMAND...
  local name=$1; shift
  { echo; echo "## $name"; echo; echo '```'; } >> "$results"
  "$@" >> "$results" 2>&1 || { status=1; echo "($name: FAILED)" >> "$results"; }
  echo '```' >> "$results"
}
wants examples && [[ -d "$bundle/examples" ]] && family "examples vs PyTorch" "$python" "$bundle/examples/gpu_examples.py" run "$bundle/examples"
wants nested && [[ -e "$bundle/nested/run.sh" ]] && family nested bash "$bundle/nested/run.sh" /dev/stdout
wants hyper && [[ -d "$bundle/hyper" ]] && family hyper bash "$repo/test/bench/gpu_hyper.sh" run "$bundle/hyper"
wants sparse && [[ -d "$bundle/sparse" ]] && family sparse bash "$bundle/sparse/gpu_sparse.sh" run "$bundle/sparse"
wants ssm && [[ -d "$bundle/ssm" ]] && family ssm "$python" "$repo/test/bench/gpu_ssm.py" run "$bundle/ssm"
wants mamba2 && [[ -d "$bundle/mamba2" ]] && family "mamba2 and hydra" "$python" "$repo/test/bench/gpu_mamba2.py" run "$bundle/mamba2"
wants ops && [[ -d "$bundle/ops" ]] && family "every op against the roofline" "$python" "$bundle/ops/gpu_ops.py" run "$bundle/ops"
cat "$results"
exit $status
