#!/usr/bin/env python3
"""GPU check and benchmark of the Mamba-2 and Hydra blocks (CUDA builds) vs
PyTorch eager and torch.compile with the chunked SSD scan, at d_model 768
(bench_mamba2.py's configurations), B = 1, L in {1024, 4096}.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_mamba2.py build DIR
       on the GPU machine:  python3 test/bench/gpu_mamba2.py run DIR [--runs 20]

`build` compiles the CUDA executables (Halide/MLIR needed) and two small
blocks with float64 reference outputs (mamba2_ref.py); `run` needs only the
executables, PyTorch and a GPU. It first checks the small blocks against the
reference (atol 1e-5 + rtol 1e-5, as test/numeric), then times each shape:
Loom's --bench latency (host copies included) and device_ms (kernels only,
inputs resident), PyTorch's CUDA-event time with inputs on the GPU, fp32 with
TF32 off.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import bench_mamba2  # noqa: E402  (configurations and the PyTorch peer)
from gpu_ssm import cuda_time_ms  # noqa: E402

SHAPES = [(1, 1024), (1, 4096)]
# Small blocks checked against the float64 reference: mamba2_ref.py arguments.
CHECKS = {"mamba2": ["mamba2", "2", "13", "16", "8", "4", "8", "2"],
          "hydra": ["hydra", "2", "11", "16", "4", "7", "8", "2"]}


def build(directory):
    directory = os.path.abspath(directory)  # the reference runs in test/numeric
    os.makedirs(directory, exist_ok=True)
    loomc = os.path.join(ROOT, "build", "bin", "loomc")
    for block in bench_mamba2.CONFIG:
        for batch, length in SHAPES:
            name = f"{block}_{batch}x{length}"
            spec = os.path.join(directory, name + ".loom")
            with open(spec, "w") as f:
                f.write(bench_mamba2.spec(block, batch, length))
            subprocess.run([loomc, spec, "--target=cuda", "--random-weights",
                            "-o", os.path.join(directory, name)], check=True)
    for block, arguments in CHECKS.items():
        check_dir = os.path.join(directory, "check_" + block)
        subprocess.run([sys.executable, os.path.join(ROOT, "test", "numeric", "mamba2_ref.py"),
                        check_dir] + arguments, check=True,
                       cwd=os.path.join(ROOT, "test", "numeric"))
        subprocess.run([loomc, os.path.join(check_dir, "block.loom"), "--target=cuda",
                        "--weights", os.path.join(check_dir, "weights.safetensors"),
                        "-o", os.path.join(check_dir, "model")], check=True)
    print(f"built into {directory}; run `python3 test/bench/gpu_mamba2.py run {directory}` "
          f"on the GPU machine")


def check(directory):
    import numpy as np
    for block in CHECKS:
        check_dir = os.path.join(directory, "check_" + block)
        # --weights: the path loomc recorded is the build machine's.
        subprocess.run([os.path.join(check_dir, "model"), "--weights",
                        os.path.join(check_dir, "weights.safetensors"), "--input",
                        "x=" + os.path.join(check_dir, "x.npy"), "--output-dir",
                        os.path.join(check_dir, "out")], check=True, stdout=subprocess.DEVNULL)
        actual = np.load(os.path.join(check_dir, "out", "y.npy")).astype(np.float64)
        expected = np.load(os.path.join(check_dir, "expected_y.npy"))
        error = np.abs(actual - expected)
        ok = bool(np.all(error <= 1e-5 + 1e-5 * np.abs(expected)))
        print(f"check {block}: max_abs_error={error.max():.3g} {'ok' if ok else 'FAIL'}")
        if not ok:
            sys.exit(1)


def loom_times(executable, runs):
    output = subprocess.run([executable, "--bench", str(runs), "--quiet"], check=True,
                            capture_output=True, text=True).stdout
    times = {}
    for label in ("latency_ms", "device_ms"):
        match = re.search(label + r" min=([\d.]+) median=([\d.]+)", output)
        if match:
            times[label] = (float(match.group(1)), float(match.group(2)))
    return times


def run(directory, runs):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    check(directory)
    print(f"GPU: {torch.cuda.get_device_name()}; times in ms (min / median)")
    print(f"{'block':7} {'B':>2} {'L':>5} {'loom latency':>17} {'loom device':>17} "
          f"{'torch eager':>17} {'torch.compile':>17} {'x eager':>8} {'x compile':>9}")
    for block in bench_mamba2.CONFIG:
        for batch, length in SHAPES:
            loom = loom_times(os.path.join(directory, f"{block}_{batch}x{length}"), runs)
            torch.manual_seed(0)
            forward = bench_mamba2.make_forward(block, batch, length, device="cuda")
            with torch.no_grad():
                eager = cuda_time_ms(torch, forward, runs)
                compiled = torch.compile(forward)
                fast = cuda_time_ms(torch, compiled, runs)
            device = loom.get("device_ms", loom["latency_ms"])
            print(f"{block:7} {batch:2} {length:5} "
                  f"{loom['latency_ms'][0]:7.2f} / {loom['latency_ms'][1]:7.2f} "
                  f"{device[0]:7.2f} / {device[1]:7.2f} "
                  f"{eager['min']:7.2f} / {eager['median']:7.2f} "
                  f"{fast['min']:7.2f} / {fast['median']:7.2f} "
                  f"{eager['min'] / device[0]:7.2f}x {fast['min'] / device[0]:8.2f}x", flush=True)


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
