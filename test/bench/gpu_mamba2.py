#!/usr/bin/env python3
"""GPU check and benchmark of the Mamba-2 and Hydra blocks (CUDA builds) vs
PyTorch eager and torch.compile with the chunked SSD scan, at d_model 768
(bench_mamba2.py's configurations), B = 1, L in {1024, 4096}.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_mamba2.py build DIR [--variants]
       on the GPU machine:  python3 test/bench/gpu_mamba2.py run DIR [--runs 20]
                            [--compile-shapes 1x1024] [--deadline 170]

`build --variants` also builds the ssd_scan alone (mamba2's scan: 24 heads
of 64, d_state 128, one group) at L in {1024, 4096} for a sweep of knob
settings (VARIANTS: chunk length, rows per thread, threads, and the
sequential recurrence), and a mid-size scan (L 256, 4 chunks) whose output
the CPU build computes here; `run` compares the CUDA output with it and
times the variants, with the scan's compulsory traffic (x, dt, B, C, y) in
GB/s against 3350 GB/s HBM3, and PyTorch's chunked SSD scan (eager and
torch.compile) as the peer.

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


# The scan alone: mamba2's at d_model 768 (bench_mamba2.CONFIG).
SCAN = {"heads": 24, "headdim": 64, "groups": 1, "states": 128}
SCAN_SHAPES = [(1, 1024), (1, 4096)]
# Knob settings of the sweep (name, knobs); the first is the default.
# (Run 2 of the ssd branch measured chunk 64 as the default and c32, t16,
# t16r8, c32t16, t8r8; chunk 32 is the default since.)
VARIANTS = [("default", []),
            ("seq", ["ssd_scan.chunked=0"]),
            ("c64", ["ssd_scan.chunk=64"]),
            ("c16", ["ssd_scan.chunk=16"]),
            ("t16", ["ssd_scan.threads=16"]),
            ("r8", ["ssd_scan.rows=8"])]
# The mid-size scan checked against the CPU build: ssd_scan_ref.py arguments.
SCAN_CHECK = ["1", "256", "8", "64", "1", "128"]


def scan_spec(batch, length):
    h, p, g, n = SCAN["heads"], SCAN["headdim"], SCAN["groups"], SCAN["states"]
    return (f"model scan {{\n  input x: f32[{batch}, {length}, {h}, {p}]\n"
            f"  input dt: f32[{batch}, {length}, {h}]\n"
            f"  input B: f32[{batch}, {length}, {g}, {n}]\n"
            f"  input C: f32[{batch}, {length}, {g}, {n}]\n"
            f"  ss = ssd_scan(x, dt, B, C)\n  output y = ss\n}}\n")


def scan_bytes(batch, length):
    """Compulsory traffic of the scan: x and y, dt, B and C, once each (f32)."""
    h, p, g, n = SCAN["heads"], SCAN["headdim"], SCAN["groups"], SCAN["states"]
    return 4 * batch * length * (2 * h * p + h + 2 * g * n)


def build_scans(directory, loomc):
    for batch, length in SCAN_SHAPES:
        spec = os.path.join(directory, f"scan_{batch}x{length}.loom")
        with open(spec, "w") as f:
            f.write(scan_spec(batch, length))
        for name, knobs in VARIANTS:
            if name == "seq" and length > 1024:
                continue  # minutes at L = 4096; L = 1024 shows it
            command = [loomc, spec, "--target=cuda", "--random-weights", "-o",
                       os.path.join(directory, f"scan_{batch}x{length}_{name}")]
            for knob in knobs:
                command += ["--knob", knob]
            subprocess.run(command, check=True)
    check_dir = os.path.join(directory, "check_scan")
    numeric = os.path.join(ROOT, "test", "numeric")
    subprocess.run([sys.executable, os.path.join(numeric, "ssd_scan_ref.py"), check_dir]
                   + SCAN_CHECK, check=True, cwd=numeric)
    weights = os.path.join(check_dir, "weights.safetensors")
    spec = os.path.join(check_dir, "scan.loom")
    subprocess.run([loomc, spec, "--target=cuda", "--weights", weights, "-o",
                    os.path.join(check_dir, "model")], check=True)
    # The CPU build's output, for the device to compare with.
    cpu = os.path.join(check_dir, "cpu_model")
    subprocess.run([loomc, spec, "--weights", weights, "-o", cpu], check=True)
    subprocess.run([cpu] + scan_check_inputs(check_dir) + ["--output-dir",
                   os.path.join(check_dir, "cpu_out")], check=True, stdout=subprocess.DEVNULL)
    os.remove(cpu)


def scan_check_inputs(check_dir):
    arguments = []
    for name in ("x", "dt", "B", "C"):
        arguments += ["--input", f"{name}={os.path.join(check_dir, name + '.npy')}"]
    return arguments


def build(directory, variants=False):
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
    if variants:
        build_scans(directory, loomc)
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


def check_scan(directory):
    """The CUDA scan against the CPU build's output and the float64 reference."""
    import numpy as np
    check_dir = os.path.join(directory, "check_scan")
    if not os.path.isdir(check_dir):
        return
    subprocess.run([os.path.join(check_dir, "model"), "--weights",
                    os.path.join(check_dir, "weights.safetensors")]
                   + scan_check_inputs(check_dir)
                   + ["--output-dir", os.path.join(check_dir, "out")],
                   check=True, stdout=subprocess.DEVNULL)
    actual = np.load(os.path.join(check_dir, "out", "y.npy")).astype(np.float64)
    ok = True
    for label, path in (("CPU build", os.path.join(check_dir, "cpu_out", "y.npy")),
                        ("float64", os.path.join(check_dir, "expected_y.npy"))):
        expected = np.load(path).astype(np.float64)
        error = np.abs(actual - expected)
        good = bool(np.all(error <= 1e-4 + 1e-5 * np.abs(expected)))
        ok = ok and good
        print(f"check scan (L {SCAN_CHECK[1]}, N {SCAN_CHECK[5]}) vs {label}: "
              f"max_abs_error={error.max():.3g} (|y| max {np.abs(expected).max():.3g}) "
              f"{'ok' if good else 'FAIL'}")
    if not ok:
        sys.exit(1)


def scan_peer(torch, batch, length, chunk):
    """PyTorch's chunked SSD scan with softplus(dt + bias) and D·x, as Loom's op."""
    import torch.nn.functional as F
    h, p, n = SCAN["heads"], SCAN["headdim"], SCAN["states"]
    rand = lambda *shape: torch.randn(*shape, device="cuda")
    x, dt, b, c = rand(batch, length, h, p), rand(batch, length, h), rand(batch, length, n), \
        rand(batch, length, n)
    dt_bias, a, d = rand(h), -torch.rand(h, device="cuda") * 4, rand(h)

    def forward():
        y = bench_mamba2.ssd(x, F.softplus(dt + dt_bias), a, b, c, chunk)
        return y + d[:, None] * x
    return forward


def run_scans(directory, runs, deadline, start):
    print("ssd_scan alone (24 heads x 64, N 128, G 1); Loom device ms min / median; "
          "GB/s = compulsory bytes / min time")
    for batch, length in SCAN_SHAPES:
        megabytes = scan_bytes(batch, length) / 1e6
        for name, knobs in VARIANTS:
            executable = os.path.join(directory, f"scan_{batch}x{length}_{name}")
            if not os.path.exists(executable):
                continue
            times = loom_times(executable, runs)
            device = times.get("device_ms", times["latency_ms"])
            rate = megabytes / 1e3 / (device[0] * 1e-3)
            print(f"  loom {name:10} {batch}x{length:<5} {device[0]:8.3f} / {device[1]:8.3f} ms "
                  f"{rate:7.0f} GB/s ({rate / 3350:.1%} of 3350) "
                  f"[{' '.join(knobs) or 'defaults'}]", flush=True)


def run_scan_peers(runs, deadline, start):
    import time
    import torch
    print("PyTorch chunked SSD scan (same shapes), CUDA events, ms min / median")
    for batch, length in SCAN_SHAPES:
        for chunk in (64, 128, 256):
            torch.manual_seed(0)
            forward = scan_peer(torch, batch, length, chunk)
            with torch.no_grad():
                eager = cuda_time_ms(torch, forward, runs)
                line = (f"  torch chunk {chunk:3} {batch}x{length:<5} eager "
                        f"{eager['min']:8.3f} / {eager['median']:8.3f} ms")
                if time.time() - start < deadline and chunk == 64:
                    fast = cuda_time_ms(torch, torch.compile(forward), runs)
                    line += f"; compile {fast['min']:8.3f} / {fast['median']:8.3f} ms"
            print(line, flush=True)


def loom_times(executable, runs):
    output = subprocess.run([executable, "--bench", str(runs), "--quiet"], check=True,
                            capture_output=True, text=True).stdout
    times = {}
    for label in ("latency_ms", "device_ms"):
        match = re.search(label + r" min=([\d.]+) median=([\d.]+)", output)
        if match:
            times[label] = (float(match.group(1)), float(match.group(2)))
    return times


def run(directory, runs, compile_shapes=None, deadline=1e9):
    import time
    import torch
    start = time.time()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    check(directory)
    check_scan(directory)
    scans = os.path.exists(os.path.join(directory, "scan_1x1024_default"))
    if scans:
        run_scans(directory, runs, deadline, start)
    print(f"GPU: {torch.cuda.get_device_name()}; times in ms (min / median)")
    print(f"{'block':7} {'B':>2} {'L':>5} {'loom latency':>17} {'loom device':>17} "
          f"{'torch eager':>17} {'torch.compile':>17} {'x eager':>8} {'x compile':>9}")
    for block in bench_mamba2.CONFIG:
        for batch, length in SHAPES:
            loom = loom_times(os.path.join(directory, f"{block}_{batch}x{length}"), runs)
            torch.manual_seed(0)
            forward = bench_mamba2.make_forward(block, batch, length, device="cuda")
            compile_peer = ((compile_shapes is None or f"{batch}x{length}" in compile_shapes)
                            and time.time() - start < deadline)
            with torch.no_grad():
                eager = cuda_time_ms(torch, forward, runs)
                nan = {"min": float("nan"), "median": float("nan")}
                fast = cuda_time_ms(torch, torch.compile(forward), runs) if compile_peer else nan
            device = loom.get("device_ms", loom["latency_ms"])
            print(f"{block:7} {batch:2} {length:5} "
                  f"{loom['latency_ms'][0]:7.2f} / {loom['latency_ms'][1]:7.2f} "
                  f"{device[0]:7.2f} / {device[1]:7.2f} "
                  f"{eager['min']:7.2f} / {eager['median']:7.2f} "
                  f"{fast['min']:7.2f} / {fast['median']:7.2f} "
                  f"{eager['min'] / device[0]:7.2f}x {fast['min'] / device[0]:8.2f}x", flush=True)
    if scans:
        run_scan_peers(runs, deadline, start)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--variants", action="store_true",
                        help="build: also the ssd_scan alone, knob variants and a CPU-checked scan")
    parser.add_argument("--compile-shapes", help="run: BxL list to torch.compile (default all)")
    parser.add_argument("--deadline", type=float, default=1e9,
                        help="run: no torch.compile after this many seconds")
    args = parser.parse_args()
    if args.mode == "build":
        build(args.directory, args.variants)
    else:
        run(args.directory, args.runs, args.compile_shapes and args.compile_shapes.split(","),
            args.deadline)


if __name__ == "__main__":
    main()
