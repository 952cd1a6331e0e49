#!/usr/bin/env bash
# Usage: bash test/bench/gpu_hyper.sh build DIR   (here: loomc --target=cuda and CPU references)
#        bash test/bench/gpu_hyper.sh run DIR     (GPU machine: PyTorch + CUDA driver, no Halide)
#
# Hyperkernel GPU benchmark and check. `build` compiles, on the machine that
# has Loom, the depthwise conv2d cases (k = 7, 13, 31 on 1x128x56x56) and the
# global hyper_zzw (32x32 kernel on 1x64x32x32) for CUDA with seeded random
# weights, plus CPU builds whose outputs (from the same seeded inputs) are the
# reference. `run`, on the GPU machine, checks every CUDA output against its
# CPU output (tolerance 1e-3 relative to the output's magnitude), then times
# each CUDA executable (--bench, includes its launches and copies of one call)
# next to PyTorch's CUDA implementation of the same layer (CUDA events, after
# warm-up), and prints min/median ms and the ratio PyTorch/Loom.
set -euo pipefail
mode=${1:?build or run}
dir=${2:?output directory}
root=$(cd "$(dirname "$0")/../.." && pwd)
cases="dw7 dw13 dw31 zzw"

spec() {
  case $1 in
    dw*) k=${1#dw}; cat <<EOS
model $1 {
  input x: f32[1, 128, 56, 56]
  dw = conv2d(x, out_channels=128, kernel=$k, padding=$((k / 2)), groups=128)
  output y = dw
}
EOS
      ;;
    zzw) cat <<'EOS'
model zzw {
  input x: f32[1, 64, 32, 32]
  input w: f32[64, 32, 32]
  y = hyper_zzw(x, w)
  output y
}
EOS
      ;;
  esac
}

if [ "$mode" = build ]; then
  mkdir -p "$dir"
  for c in $cases; do
    spec "$c" > "$dir/$c.loom"
    "$root/build/bin/loomc" "$dir/$c.loom" --target=cuda --random-weights=1 -o "$dir/${c}_cuda"
    "$root/build/bin/loomc" "$dir/$c.loom" --random-weights=1 -o "$dir/${c}_cpu"
    "$dir/${c}_cpu" --seed 3 --output-dir "$dir/${c}_cpu_out" > /dev/null
  done
  echo "built into $dir; copy it to the GPU machine and run: bash gpu_hyper.sh run DIR"
  exit 0
fi

[ "$mode" = run ] || { echo "unknown mode $mode" >&2; exit 2; }
status=0
for c in $cases; do
  "$dir/${c}_cuda" --seed 3 --output-dir "$dir/${c}_cuda_out" > /dev/null
  python3 - "$dir/${c}_cuda_out/y.npy" "$dir/${c}_cpu_out/y.npy" "$c" <<'EOP' || status=1
import sys
import numpy as np
gpu, cpu = np.load(sys.argv[1]), np.load(sys.argv[2])
error = float(np.abs(gpu - cpu).max()) / max(1e-6, float(np.abs(cpu).max()))
print(f"{sys.argv[3]}: CUDA vs CPU max relative error {error:.2e} {'ok' if error < 1e-3 else 'FAIL'}")
sys.exit(0 if error < 1e-3 else 1)
EOP
done

printf '%-34s %19s %19s %10s\n' layer "loom min / median" "torch min / median" "ratio min"
for c in $cases; do
  loom=$("$dir/${c}_cuda" --bench 50 --quiet | sed -n 's/.*min=\([0-9.]*\) median=\([0-9.]*\).*/\1 \2/p')
  torch=$(python3 - "$c" <<'EOP'
import statistics, sys
import torch
import torch.nn.functional as F
case = sys.argv[1]
dev = "cuda"
if case.startswith("dw"):
    k = int(case[2:])
    conv = torch.nn.Conv2d(128, 128, k, padding=k // 2, groups=128).to(dev).eval()
    x = torch.rand(1, 128, 56, 56, device=dev)
    call = lambda: conv(x)
else:
    x = torch.rand(1, 64, 32, 32, device=dev)
    w = torch.rand(64, 32, 32, device=dev)
    def call():
        kernel = (w * x[0]).unsqueeze(1)
        return F.conv2d(F.pad(x, (15, 16, 15, 16)), kernel, groups=64)
times = []
with torch.no_grad():
    for _ in range(10):
        call()
    for _ in range(50):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record(); call(); end.record(); torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
print(min(times), statistics.median(times))
EOP
)
  set -- $loom $torch
  printf '%-34s %8.3f / %8.3f %8.3f / %8.3f %9.2fx\n' "$c" "$1" "$2" "$3" "$4" \
    "$(python3 -c "print($3 / $1)")"
done
exit $status
