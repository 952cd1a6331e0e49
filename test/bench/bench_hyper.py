#!/usr/bin/env python3
"""Benchmark of the hyperkernel family on this CPU: large-kernel depthwise
conv2d (k = 7, 13, 31 on 1×128×56×56) and the global hyper_zzw (a per-sample
32×32 kernel on 1×64×32×32), Loom vs PyTorch measured in the same
run with 2 threads each. Prints min/median latency, GFLOP/s at the minimum,
its fraction of the fp32 FMA peak of 2 cores (measured here by a small FMA
loop compiled with gcc, or given with --peak), and the ratios PyTorch/Loom of
the minimum and median latency (above 1: Loom is faster).

Usage: /usr/bin/python3 test/bench/bench_hyper.py [--runs 30] [--peak GFLOPS] [--only NAME]
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


def depthwise_case(k, channels=128, size=56):
    return {
        "name": f"depthwise conv2d k={k} on 1x{channels}x{size}x{size}",
        "spec": f"""model bench_dw {{
  input x: f32[1, {channels}, {size}, {size}]
  dw = conv2d(x, out_channels={channels}, kernel={k}, padding={k // 2}, groups={channels})
  output y = dw
}}""",
        "torch": f"torch.nn.Conv2d({channels}, {channels}, {k}, padding={k // 2}, groups={channels})",
        "input": [1, channels, size, size],
        "flops": 2 * channels * size * size * k * k,
    }


# The global HyperZ·Z·W operator: a per-sample, full-size (32×32) kernel
# W ⊙ Z convolving Z. The hyper-kernel W is an input, so that both sides time
# the operator alone; PyTorch forms W ⊙ Z and runs one depthwise conv2d per
# sample with the same "same" padding (15 before, 16 after).
HYPER_ZZW_GLOBAL = {
    "name": "hyper_zzw global 32x32 kernel on 1x64x32x32",
    "spec": """model bench_zzw {
  input z: f32[1, 64, 32, 32]
  input w: f32[64, 32, 32]
  y = hyper_zzw(z, w)
  output y
}""",
    "torch_code": """
w = torch.rand(64, 32, 32)
def call(z):
    out = []
    for n in range(z.shape[0]):
        kernel = (w * z[n]).unsqueeze(1)
        padded = torch.nn.functional.pad(z[n:n + 1], (15, 16, 15, 16))
        out.append(torch.nn.functional.conv2d(padded, kernel, groups=64))
    return torch.cat(out)
""",
    "input": [1, 64, 32, 32],
    "flops": 2 * 64 * 32 * 32 * 32 * 32,
}

CASES = [depthwise_case(k) for k in (7, 13, 31)] + [HYPER_ZZW_GLOBAL]

# An FMA loop with 12 independent accumulators per thread: the fp32 peak of
# the cores Loom runs on (AVX-512 when the compiler may use it).
PEAK_SOURCE = r"""
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
int main(void) {
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    long iters = 20000000;
    double start = omp_get_wtime();
#pragma omp parallel num_threads(2)
    {
      __m512 acc[12];
      for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(i * 1e-3f);
      __m512 b = _mm512_set1_ps(0.9999f), c = _mm512_set1_ps(1e-4f);
      for (long it = 0; it < iters; ++it)
        for (int i = 0; i < 12; ++i) acc[i] = _mm512_fmadd_ps(acc[i], b, c);
      float sum = 0;
      for (int i = 0; i < 12; ++i) sum += _mm512_reduce_add_ps(acc[i]);
      if (sum == 1234.5f) printf(" ");
    }
    double gflops = 2.0 * 16 * 12 * iters * 2 / (omp_get_wtime() - start) / 1e9;
    if (gflops > best) best = gflops;
  }
  printf("%.1f\n", best);
  return 0;
}
"""


def measure_peak(workdir):
    source = os.path.join(workdir, "peak.c")
    exe = os.path.join(workdir, "peak")
    with open(source, "w") as f:
        f.write(PEAK_SOURCE)
    subprocess.run(["gcc", "-O2", "-mavx512f", "-fopenmp", source, "-o", exe], check=True)
    return float(subprocess.run([exe], check=True, capture_output=True, text=True).stdout)


def time_calls(call, runs):
    for _ in range(3):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return {"min": min(times), "median": statistics.median(times)}


def peer(case, runs):
    """Times the PyTorch module in this (clean-environment) process."""
    import torch
    torch.set_num_threads(THREADS)
    if "torch_code" in case:
        scope = {"torch": torch}
        exec(case["torch_code"], scope)
        module = scope["call"]
    else:
        module = eval(case["torch"], {"torch": torch}).eval()
    x = torch.rand(case["input"])
    with torch.no_grad():
        return time_calls(lambda: module(x), runs)


def run_peer(case, runs):
    # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow OpenBLAS down: unset them for
    # the peer's run alone.
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
    match = re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", output)
    if not match:
        sys.exit(f"unexpected benchmark output: {output!r}")
    return {"min": float(match.group(1)), "median": float(match.group(2))}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--peak", type=float, help="fp32 GFLOP/s of 2 cores (default: measure)")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        print(json.dumps(peer(json.loads(args.peer), args.runs)))
        return
    load = os.getloadavg()[0]
    if load > 1.5:
        # Both the FMA loop and PyTorch's spin-waiting OpenMP threads degrade
        # badly when the 2 cores are shared; Loom's thread pool less so.
        print(f"warning: load average {load:.1f}: the peak and the PyTorch times are "
              "unreliable; re-run on a quiet machine (or pass --peak)")
    with tempfile.TemporaryDirectory() as workdir:
        peak = args.peak or measure_peak(workdir)
        print(f"threads: {THREADS} each; runs: {args.runs}; times in ms (min / median); "
              f"fp32 FMA peak {peak:.0f} GFLOP/s")
        print(f"{'layer':44} {'loom':>17} {'pytorch':>19} {'GFLOP/s':>8} {'of peak':>8} "
              f"{'ratio min':>10} {'ratio median':>13}")
        for case in [case for case in CASES if args.only in case["name"]]:
            loom = run_loom(case, args.runs, workdir)
            torch_times = run_peer(case, max(5, args.runs // 3))
            gflops = case["flops"] / (loom["min"] * 1e-3) / 1e9
            print(f"{case['name']:44} {loom['min']:7.3f} / {loom['median']:7.3f} "
                  f"{torch_times['min']:8.3f} / {torch_times['median']:8.3f} "
                  f"{gflops:8.1f} {100 * gflops / peak:7.1f}% "
                  f"{torch_times['min'] / loom['min']:9.2f}x "
                  f"{torch_times['median'] / loom['median']:12.2f}x")


if __name__ == "__main__":
    main()
