#!/usr/bin/env bash
# Nested FFN on the GPU. Usage: here, `bash test/bench/gpu_nested.sh bundle OUT` (called by
# scripts/gpu-bundle.sh); there, `bash OUT/nested/run.sh RESULTS.md` (called by gpu-run.sh).
#
# bundle: compiles one nested FFN (64 tokens, d_model 768, hidden 3072, granularities
# 384/768/1536/3072) for CUDA and for this CPU, and stores the CPU build's output at every
# granularity as the reference. run (on a machine with the CUDA driver, Python, numpy and
# PyTorch; no Halide or MLIR): the CUDA build at every granularity against the CPU outputs,
# its latency, and PyTorch on the same GPU slicing its weights (F.linear(x, W1[:m], b1[:m]),
# gelu, F.linear(h, W2[:, :m], b2)), as one Markdown table appended to RESULTS.md.
set -euo pipefail
mode=${1:?usage: gpu_nested.sh bundle OUT_DIR | run RESULTS.md}
names=(s m l xl)
widths=(384 768 1536 3072)

if [[ $mode == bundle ]]; then
  out=$2/nested
  root=$(cd "$(dirname "$0")/../.." && pwd)
  loomc=${LOOMC:-$root/build/bin/loomc}
  mkdir -p "$out/ref"
  cat > "$out/nested_ffn.loom" <<'SPEC'
model nested_ffn {
  input x: f32[64, 768]
  ffn = nested_ffn(x, hidden=3072, granularities=[384, 768, 1536, 3072], activation="gelu")
  output y = ffn
}
SPEC
  "$loomc" "$out/nested_ffn.loom" --target=cuda --emit=exe --random-weights=1 -o "$out/nested_ffn.cuda"
  "$loomc" "$out/nested_ffn.loom" --target=host --emit=exe --random-weights=1 -o "$out/nested_ffn.cpu"
  for name in "${names[@]}"; do
    "$out/nested_ffn.cpu" --seed 7 --granularity "$name" --output-dir "$out/ref/$name" --quiet
  done
  cp "$0" "$out/gpu_nested.sh"
  printf '#!/usr/bin/env bash\nexec bash "$(dirname "$0")/gpu_nested.sh" run "$@"\n' > "$out/run.sh"
  exit 0
fi

# run: this script sits in BUNDLE/nested/ next to the executables.
results=$2
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
status=0
torch_times=$("$python" - <<'PY' || echo "pytorch unavailable"
import statistics, torch, torch.nn.functional as F
dev = "cuda"
w1, b1 = torch.rand(3072, 768, device=dev), torch.rand(3072, device=dev)
w2, b2 = torch.rand(768, 3072, device=dev), torch.rand(768, device=dev)
x = torch.rand(64, 768, device=dev)
out = []
with torch.no_grad():
    for m in (384, 768, 1536, 3072):
        f = lambda: F.linear(F.gelu(F.linear(x, w1[:m], b1[:m])), w2[:, :m], b2)
        for _ in range(20):
            f()
        torch.cuda.synchronize()
        times = []
        for _ in range(200):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record(); f(); end.record(); torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
        out.append(f"{min(times):.4f} / {statistics.median(times):.4f}")
print(";".join(out))
PY
)
IFS=';' read -r -a torch_cells <<< "$torch_times"
{
  echo "### nested_ffn 64×768, hidden 3072 (one CUDA binary, width at run time)"
  echo
  echo "| granularity | outputs vs CPU build | Loom with copies min / median (ms) | Loom device only min / median (ms) | PyTorch slicing min / median (ms) |"
  echo "|---|---|---|---|---|"
} >> "$results"
for i in "${!names[@]}"; do
  name=${names[$i]}
  got=$(mktemp -d)
  if ! "$here/nested_ffn.cuda" --seed 7 --granularity "$name" --output-dir "$got" --quiet \
      > "$got/run.log" 2>&1; then
    echo "| $name ${widths[$i]} | RUN FAILED: $(tail -1 "$got/run.log") | | | |" >> "$results"
    status=1
    continue
  fi
  compare=$("$python" "$here/../compare_npy.py" "$here/ref/$name" "$got" 1e-4) || status=1
  bench=$("$here/nested_ffn.cuda" --granularity "$name" --bench 200 --quiet |
          grep -oE "min=[0-9.]+ median=[0-9.]+" | sed 's/min=//; s/ median=/ \/ /' | paste -sd'|')
  echo "| $name ${widths[$i]} | $(echo "$compare" | tr '\n' ';') | $bench | ${torch_cells[$i]:-} |" \
    >> "$results"
done
exit $status
