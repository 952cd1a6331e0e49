#!/usr/bin/env python3
"""GPU check and benchmark of loom.selective_scan (CUDA build) vs PyTorch
eager and torch.compile, for B in {1, 8}, L in {1024, 4096}, D = 1536, N = 16.

usage: here (Loom built):  python3 test/bench/gpu_ssm.py build DIR
       on the GPU machine:  python3 test/bench/gpu_ssm.py run DIR [--runs 20]

`build` compiles the CUDA executables (Halide/MLIR needed) and a small scan
with reference data; `run` needs only the executables, PyTorch and a GPU. It
first checks the small scan against the float64 reference (atol 1e-4, rtol
1e-5), then times each shape. Loom's time is the executable's --bench
latency (it includes the host↔device copies of inputs and outputs, which
Halide's CUDA runtime makes per run); PyTorch's is CUDA-event time of the
chunked scan (eager and torch.compile) with inputs already on the GPU. The
bytes/s use the scan's compulsory traffic (u, Δ, z read, y written, B and C).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "numeric"))

import bench_ssm  # noqa: E402  (shapes, specs and the PyTorch forms)


def build(directory):
    os.makedirs(directory, exist_ok=True)
    loomc = os.path.join(ROOT, "build", "bin", "loomc")
    for batch, length in bench_ssm.SHAPES:
        spec = os.path.join(directory, f"scan_{batch}x{length}.loom")
        with open(spec, "w") as f:
            f.write(bench_ssm.scan_spec(batch, length))
        subprocess.run([loomc, spec, "--target=cuda", "--random-weights",
                        "-o", os.path.join(directory, f"scan_{batch}x{length}")], check=True)
    check_dir = os.path.join(directory, "check")
    subprocess.run([sys.executable, os.path.join(ROOT, "test", "numeric",
                                                 "selective_scan_ref.py"),
                    check_dir, "2", "64", "37", "16", "z"], check=True)
    subprocess.run([loomc, os.path.join(check_dir, "scan.loom"), "--target=cuda",
                    "--weights", os.path.join(check_dir, "weights.safetensors"),
                    "-o", os.path.join(check_dir, "model")], check=True)
    print(f"built into {directory}; copy it to the GPU machine with test/ and run "
          f"`python3 test/bench/gpu_ssm.py run {directory}`")


def cuda_time_ms(torch, function, runs):
    for _ in range(3):
        function()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        function()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return {"min": min(times), "median": statistics.median(times)}


def run(directory, runs):
    import torch
    subprocess.run([sys.executable, os.path.join(ROOT, "test", "numeric",
                                                 "selective_scan_ref.py"),
                    "check", os.path.join(directory, "check"), "1e-4", "1e-5"], check=True)
    _, scan_chunked, _ = bench_ssm.torch_forms()
    compiled = torch.compile(scan_chunked)
    device = torch.device("cuda")
    # Device bandwidth: a triad on 256 MiB arrays (3 arrays moved).
    n = 64 * 1024 * 1024
    a, b, c = (torch.rand(n, device=device) for _ in range(3))
    triad = 3 * 4 * n / (cuda_time_ms(torch, lambda: torch.add(b, c, alpha=3.0, out=a),
                                       runs)["min"] * 1e-3) / 1e9
    del a, b, c
    print(f"GPU: {torch.cuda.get_device_name()}; triad {triad:.0f} GB/s; times in ms "
          f"(min / median)")
    print(f"{'B':>2} {'L':>5} {'loom':>17} {'torch eager':>17} {'torch.compile':>17} "
          f"{'x eager':>8} {'x compile':>9} {'loom GB/s':>9}")
    for batch, length in bench_ssm.SHAPES:
        output = subprocess.run([os.path.join(directory, f"scan_{batch}x{length}"),
                                 "--bench", str(runs), "--quiet"], check=True,
                                capture_output=True, text=True).stdout
        match = re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", output)
        loom = {"min": float(match.group(1)), "median": float(match.group(2))}
        shape = (batch, bench_ssm.D_INNER, length)
        u, z = torch.randn(shape, device=device), torch.randn(shape, device=device)
        delta = torch.randn(shape, device=device) - 4
        bm = torch.randn(batch, bench_ssm.D_STATE, length, device=device)
        cm = torch.randn(batch, bench_ssm.D_STATE, length, device=device)
        am = -torch.arange(1, bench_ssm.D_STATE + 1.0, device=device).repeat(
            bench_ssm.D_INNER, 1)
        d, bias = (torch.ones(bench_ssm.D_INNER, device=device),
                   torch.zeros(bench_ssm.D_INNER, device=device))
        with torch.no_grad():
            eager = cuda_time_ms(torch, lambda: scan_chunked(u, delta, am, bm, cm, d, z, bias),
                                 runs)
            fast = cuda_time_ms(torch, lambda: compiled(u, delta, am, bm, cm, d, z, bias),
                                runs)
        rate = bench_ssm.scan_bytes(batch, length) / (loom["min"] * 1e-3) / 1e9
        print(f"{batch:2} {length:5} {loom['min']:7.2f} / {loom['median']:7.2f} "
              f"{eager['min']:7.2f} / {eager['median']:7.2f} "
              f"{fast['min']:7.2f} / {fast['median']:7.2f} "
              f"{eager['min'] / loom['min']:7.2f}x {fast['min'] / loom['min']:8.2f}x "
              f"{rate:9.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    build(args.directory) if args.mode == "build" else run(args.directory, args.runs)


if __name__ == "__main__":
    main()
