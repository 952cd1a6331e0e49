#!/usr/bin/env python3
"""Benchmark: one conv2d and one linear layer, Loom vs PyTorch on this CPU,
measured in the same run with 2 threads each. Prints min/median latency,
GFLOP/s (at the minimum) and the ratios PyTorch/Loom of the minimum and
the median latency (above 1: Loom is faster).

Set up the peers first (OpenBLAS for PyTorch; a venv over Debian's Python
with a pinned onnxruntime): bash scripts/setup.sh --bench
Then: build/bench-venv/bin/python test/bench/bench_layers.py
(/usr/bin/python3 also works; it then skips ONNX Runtime.)
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOOMC = os.path.join(ROOT, "build", "bin", "loomc")
THREADS = 2

CASES = [
    {
        "name": "conv2d 64->64 3x3 on 1x64x56x56",
        "spec": """model bench_conv {
  input x: f32[1, 64, 56, 56]
  conv = conv2d(x, out_channels=64, kernel=3, padding=1)
  output y = conv
}""",
        "torch": "torch.nn.Conv2d(64, 64, 3, padding=1)",
        "input": [1, 64, 56, 56],
        "flops": 2 * 64 * 64 * 9 * 56 * 56,
    },
    {
        "name": "linear 768->3072 on 64x768",
        "spec": """model bench_linear {
  input x: f32[64, 768]
  fc = linear(x, out_features=3072)
  output y = fc
}""",
        "torch": "torch.nn.Linear(768, 3072)",
        "input": [64, 768],
        "flops": 2 * 64 * 768 * 3072,
    },
]


def peer(case, runs):
    """Times the PyTorch module in this (clean-environment) process."""
    import torch
    torch.set_num_threads(THREADS)
    module = eval(case["torch"], {"torch": torch}).eval()
    x = torch.rand(case["input"])
    times = []
    with torch.no_grad():
        for _ in range(3):
            module(x)
        for _ in range(runs):
            start = time.perf_counter()
            module(x)
            times.append((time.perf_counter() - start) * 1e3)
    result = {"min": min(times), "median": statistics.median(times)}
    result["onnxruntime"] = onnxruntime_times(module, x, runs)
    return result


def onnxruntime_times(module, x, runs):
    """The same layer exported to ONNX and run by ONNX Runtime (2 threads);
    None when onnxruntime is not installed (scripts/setup.sh --bench)."""
    try:
        import onnxruntime
    except ImportError:
        return None
    import io
    import torch
    buffer = io.BytesIO()
    torch.onnx.export(module, x, buffer, input_names=["x"], output_names=["y"])
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(buffer.getvalue(), options,
                                           providers=["CPUExecutionProvider"])
    feed = {"x": x.numpy()}
    for _ in range(3):
        session.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feed)
        times.append((time.perf_counter() - start) * 1e3)
    return {"min": min(times), "median": statistics.median(times)}


def run_peer(case, runs):
    # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE halve OpenBLAS's speed: unset them
    # for the peer's run alone.
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    environment["OMP_NUM_THREADS"] = str(THREADS)
    output = subprocess.run([sys.executable, __file__, "--peer", json.dumps(case),
                             "--runs", str(runs)], env=environment, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output)


def run_loom(case, runs, workdir):
    spec = os.path.join(workdir, "model.loom")
    exe = os.path.join(workdir, "model")
    with open(spec, "w") as f:
        f.write(case["spec"])
    subprocess.run([LOOMC, spec, "--random-weights", "-o", exe], check=True)
    environment = dict(os.environ, HL_NUM_THREADS=str(THREADS))
    output = subprocess.run([exe, "--bench", str(runs), "--quiet"], env=environment,
                            check=True, capture_output=True, text=True).stdout
    match = re.search(r"latency_ms min=([\d.]+) median=([\d.]+) p90=([\d.]+)", output)
    if not match:
        sys.exit(f"unexpected benchmark output: {output!r}")
    return {"min": float(match.group(1)), "median": float(match.group(2))}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        print(json.dumps(peer(json.loads(args.peer), args.runs)))
        return
    print(f"threads: {THREADS} each; runs: {args.runs}; times in ms (min / median)")
    print(f"{'layer':38} {'loom':>17} {'pytorch':>17} {'GFLOP/s loom':>13} "
          f"{'ratio min':>10} {'ratio median':>13}")
    with tempfile.TemporaryDirectory() as workdir:
        for case in CASES:
            loom = run_loom(case, args.runs, workdir)
            torch_times = run_peer(case, args.runs)
            gflops = case["flops"] / (loom["min"] * 1e-3) / 1e9
            print(f"{case['name']:38} {loom['min']:7.3f} / {loom['median']:7.3f} "
                  f"{torch_times['min']:7.3f} / {torch_times['median']:7.3f} "
                  f"{gflops:13.1f} {torch_times['min'] / loom['min']:9.2f}x "
                  f"{torch_times['median'] / loom['median']:12.2f}x")
            ort = torch_times["onnxruntime"]
            if ort is None:
                print(f"{'  onnxruntime':38} not installed (bash scripts/setup.sh --bench)")
            else:
                print(f"{'  onnxruntime':38} {'':17} {ort['min']:7.3f} / {ort['median']:7.3f} "
                      f"{'':13} {ort['min'] / loom['min']:9.2f}x "
                      f"{ort['median'] / loom['median']:12.2f}x")


if __name__ == "__main__":
    main()
