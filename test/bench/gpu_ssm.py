#!/usr/bin/env python3
"""GPU check and benchmark of loom.selective_scan and the Mamba block (CUDA
builds) vs PyTorch eager and torch.compile, for B in {1, 8}, L in {1024,
4096}, d_model 768 (D = 1536, N = 16).

usage: here (Loom built):  python3 test/bench/gpu_ssm.py build DIR [--variants] [--only scan]
       on the GPU machine:  python3 test/bench/gpu_ssm.py run DIR [--runs 20] [--only scan]
                                 [--no-compile] [--compile-shapes 8x4096] [--no-block-compile]

`build` compiles the CUDA executables (Halide/MLIR needed; --variants adds
scans with other knob settings, VARIANTS) and small scans with float64
reference data; `run` needs only the executables, PyTorch and a GPU. It
first checks the small scans (atol 1e-4, rtol 1e-5; a ragged last chunk;
L a multiple of the chunk, the vector-staged path; five ragged chunks of
8; a long memory over L = 2048 and decays down to e^-300, which catch a
bad exp/softplus approximation), then times each shape.

Loom: `latency` is the executable's --bench time with the host↔device copies
of inputs and outputs (Halide's CUDA runtime makes them every run); `device`
is its device_ms line (inputs resident, outputs left on the GPU) — the one
to compare with PyTorch's CUDA-event times of its kernels (inputs on the
GPU). PyTorch's scan is the chunked closed form of bench_ssm (the fastest
form found), timed with chunks of 64 and 256 steps (the best is shown);
its block is bench_ssm's Mamba twin. fp32, TF32 off. GB/s of the scan use
its compulsory traffic (u, Δ, z read, y written, B and C) over the device
time, against a measured device-to-device copy and the 3350 GB/s nominal
HBM3 bandwidth of the H100 SXM.
"""
import argparse
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

NOMINAL_GBPS = 3350.0
# Knob variants of the scan (--variants), for the B = 1 and B = 8 long shapes:
# name -> loomc knobs (the defaults are chunk 16, threads 64, fast_math 1,
# bc_steps 2, carry_unroll 8; `old` is the previous default: precise
# softplus/silu and A = −exp(A_log), scalar B/C loads, 4 chunks unrolled in
# the carry).
VARIANTS = {
    # The chunked Halide schedule instead of the block-scan kernel.
    "halide": ["kernel=0"],
}
VARIANT_SHAPES = bench_ssm.SHAPES
# The small checks: (subdirectory, reference arguments, knobs).
CHECKS = [("check", ["2", "64", "37", "16", "z"], []),
          ("check64", ["2", "96", "64", "16", "z"], []),
          ("check5", ["2", "40", "37", "16", "nosoftplus"],
           ["--knob", "ss.chunk=8", "--knob", "ss.threads=16"]),
          ("check_long", ["1", "64", "2048", "16", "long", "z"], []),
          ("check_wide", ["1", "64", "512", "16", "nosoftplus", "wide"], [])]


def loomc(*args):
    subprocess.run([os.path.join(ROOT, "build", "bin", "loomc"), *args, "--target=cuda"],
                   check=True)


def build(directory, variants, ops):
    os.makedirs(directory, exist_ok=True)
    for batch, length in bench_ssm.SHAPES:
        for what, spec in (("scan", bench_ssm.scan_spec), ("block", bench_ssm.block_spec)):
            if what not in ops:
                continue
            path = os.path.join(directory, f"{what}_{batch}x{length}.loom")
            with open(path, "w") as f:
                f.write(spec(batch, length))
            loomc(path, "--random-weights", "-o", path[:-len(".loom")])
            print(f"built {what} {batch}x{length}", flush=True)
    if variants:
        for batch, length in VARIANT_SHAPES:
            for what, prefix in (("scan", "ss."), ("block", "selective_scan.")):
                if what not in ops:
                    continue
                path = os.path.join(directory, f"{what}_{batch}x{length}.loom")
                for name, knobs in VARIANTS.items():
                    loomc(path, "--random-weights",
                          *(a for k in knobs for a in ("--knob", prefix + k)),
                          "-o", os.path.join(directory, f"{what}_{batch}x{length}_{name}"))
    for name, arguments, knobs in CHECKS:
        check_dir = os.path.join(directory, name)
        subprocess.run([sys.executable, os.path.join(ROOT, "test", "numeric",
                                                     "selective_scan_ref.py"),
                        check_dir, *arguments], check=True)
        loomc(os.path.join(check_dir, "scan.loom"), *knobs,
              "--weights", os.path.join(check_dir, "weights.safetensors"),
              "-o", os.path.join(check_dir, "model"))
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


def loom_times(executable, runs):
    output = subprocess.run([executable, "--bench", str(runs), "--quiet"], check=True,
                            capture_output=True, text=True).stdout
    times = {}
    for label in ("latency_ms", "device_ms"):
        match = re.search(label + r" min=([\d.]+) median=([\d.]+)", output)
        times[label] = {"min": float(match.group(1)), "median": float(match.group(2))}
    return times


def fmt(t):
    return f"{t['min']:8.3f} / {t['median']:8.3f}"


def best(*times):
    return min(times, key=lambda t: t["min"])


def scan_inputs(torch, batch, length, device):
    # Δ ≈ softplus(−4 ± 1): the small steps of a trained Mamba (as bench_ssm).
    shape = (batch, bench_ssm.D_INNER, length)
    u, z = torch.randn(shape, device=device), torch.randn(shape, device=device)
    delta = torch.randn(shape, device=device) - 4
    bm = torch.randn(batch, bench_ssm.D_STATE, length, device=device)
    cm = torch.randn(batch, bench_ssm.D_STATE, length, device=device)
    am = -torch.arange(1, bench_ssm.D_STATE + 1.0, device=device).repeat(bench_ssm.D_INNER, 1)
    d, bias = (torch.ones(bench_ssm.D_INNER, device=device),
               torch.zeros(bench_ssm.D_INNER, device=device))
    return u, delta, am, bm, cm, d, z, bias


def run(directory, runs, ops, compile_peer, compile_shapes, block_compile=True):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch._dynamo.config.cache_size_limit = 64
    for name, _, _ in CHECKS:
        subprocess.run([sys.executable, os.path.join(ROOT, "test", "numeric",
                                                     "selective_scan_ref.py"),
                        "check", os.path.join(directory, name), "1e-4", "1e-5"], check=True)
    _, scan_chunked, Mamba = bench_ssm.torch_forms()
    device = torch.device("cuda")
    # Device bandwidth: a copy of 1 GiB (read + write counted) and a triad.
    n = 128 * 1024 * 1024
    a, b, c = (torch.rand(n, device=device) for _ in range(3))
    copy = 2 * 4 * n / (cuda_time_ms(torch, lambda: a.copy_(b), runs)["min"] * 1e-3) / 1e9
    triad = 3 * 4 * n / (cuda_time_ms(torch, lambda: torch.add(b, c, alpha=3.0, out=a),
                                       runs)["min"] * 1e-3) / 1e9
    del a, b, c
    print(f"GPU: {torch.cuda.get_device_name()}; copy {copy:.0f} GB/s, triad {triad:.0f} GB/s, "
          f"nominal {NOMINAL_GBPS:.0f} GB/s; times in ms (min / median); x = PyTorch / Loom "
          f"device time (above 1: Loom faster)", flush=True)

    # Loom first (fast), then PyTorch, whose torch.compile takes a while.
    loom = {}
    print("\n## Loom")
    print(f"{'op':5} {'B':>2} {'L':>5} {'latency (with copies)':>21} {'device':>19} {'GB/s':>7} "
          f"{'of copy':>7} {'of 3350':>7}", flush=True)
    for what in ops:
        for batch, length in bench_ssm.SHAPES:
            times = loom[what, batch, length] = loom_times(
                os.path.join(directory, f"{what}_{batch}x{length}"), runs)
            dev = times["device_ms"]
            line = f"{what:5} {batch:2} {length:5} {fmt(times['latency_ms']):>21} {fmt(dev)}"
            if what == "scan":
                rate = bench_ssm.scan_bytes(batch, length) / (dev["min"] * 1e-3) / 1e9
                line += f" {rate:7.0f} {rate / copy:7.0%} {rate / NOMINAL_GBPS:7.0%}"
            print(line, flush=True)

    variants = [(what, b, l, name) for what in ops for b, l in VARIANT_SHAPES
                for name in VARIANTS
                if os.path.exists(os.path.join(directory, f"{what}_{b}x{l}_{name}"))]
    if variants:
        print("\n## knob variants (Loom device time, ms; x = variant / default, above 1: the "
              "default is faster)")
        for what, batch, length, name in variants:
            dev = loom_times(os.path.join(directory, f"{what}_{batch}x{length}_{name}"),
                             runs)["device_ms"]
            line = (f"{what:5} {batch:2} {length:5} {name:9} {' '.join(VARIANTS[name]):14} "
                    f"{fmt(dev)} {dev['min'] / loom[what, batch, length]['device_ms']['min']:6.2f}x")
            if what == "scan":
                rate = bench_ssm.scan_bytes(batch, length) / (dev["min"] * 1e-3) / 1e9
                line += f" {rate:7.0f} GB/s {rate / copy:5.0%} of copy"
            print(line, flush=True)

    print("\n## PyTorch (CUDA events, inputs on the GPU); x = PyTorch / Loom device time")
    print(f"{'op':5} {'B':>2} {'L':>5} {'eager':>19} {'torch.compile':>19} {'x eager':>8} "
          f"{'x compile':>9}", flush=True)
    with torch.no_grad():
        for what in ops:
            for batch, length in bench_ssm.SHAPES:
                if what == "scan":
                    inputs = scan_inputs(torch, batch, length, device)
                    eager = best(*(cuda_time_ms(torch, lambda: scan_chunked(*inputs, chunk=c),
                                                runs) for c in (64, 256)))
                    fast = {"min": float("nan"), "median": float("nan")}
                    if compile_peer and (compile_shapes is None
                                         or (batch, length) in compile_shapes):
                        compiled = torch.compile(lambda *x: scan_chunked(*x, chunk=256),
                                                 dynamic=False)
                        fast = cuda_time_ms(torch, lambda: compiled(*inputs), runs)
                    del inputs
                else:
                    x = torch.randn(batch, length, bench_ssm.D_MODEL, device=device)
                    eager = fast = None
                    # Inductor 2.11 fails to generate the block with 256-step
                    # chunks (a SplitScan codegen error); 64 steps is the
                    # fallback.
                    compile_block = compile_peer and block_compile
                    for chunk in (256, 64) if compile_block else (256,):
                        module = Mamba(lambda *a, c=chunk: scan_chunked(*a, chunk=c))
                        module = module.to(device).eval()
                        times = cuda_time_ms(torch, lambda: module(x), runs)
                        eager = times if eager is None else best(eager, times)
                        if not compile_block:
                            break
                        try:
                            compiled = torch.compile(module, dynamic=False)
                            fast = cuda_time_ms(torch, lambda: compiled(x), runs)
                            break
                        except Exception as error:
                            print(f"torch.compile of the block (chunks of {chunk}) failed: "
                                  f"{str(error).splitlines()[0][:160]}", flush=True)
                    if fast is None:
                        fast = {"min": float("nan"), "median": float("nan")}
                dev = loom[what, batch, length]["device_ms"]
                print(f"{what:5} {batch:2} {length:5} {fmt(eager)} {fmt(fast)} "
                      f"{eager['min'] / dev['min']:7.1f}x {fast['min'] / dev['min']:8.1f}x",
                      flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", choices=["scan", "block"],
                        help="run: time only one of the two ops")
    parser.add_argument("--no-compile", action="store_true",
                        help="run: skip torch.compile (its compilation takes minutes)")
    parser.add_argument("--compile-shapes",
                        help="run: torch.compile the scan only at these BxL (comma-separated)")
    parser.add_argument("--no-block-compile", action="store_true",
                        help="run: no torch.compile of the Mamba block (minutes of Inductor)")
    parser.add_argument("--variants", action="store_true",
                        help="build: also scans with other knob settings (VARIANTS)")
    args = parser.parse_args()
    ops = [args.only] if args.only else ["scan", "block"]
    if args.mode == "build":
        build(args.directory, args.variants, ops)
    else:
        compile_shapes = None
        if args.compile_shapes:
            compile_shapes = {tuple(int(v) for v in s.split("x"))
                              for s in args.compile_shapes.split(",")}
        run(args.directory, args.runs, ops, not args.no_compile, compile_shapes,
            not args.no_block_compile)


if __name__ == "__main__":
    main()
