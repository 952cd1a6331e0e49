#!/usr/bin/env python3
"""Benchmark: a nested (MatFormer) FFN at every granularity, Loom vs PyTorch
slicing its weights (F.linear(x, W1[:m], b1[:m]) → gelu → F.linear(h,
W2[:, :m], b2)), in the same run, 2 threads each. One Loom binary serves
every width (--granularity). Prints min / median latency per width, its
share of the full-width time against the ideal m/h (goal: the smallest
width within 1.3× its ideal share), and the ratio PyTorch/Loom (above 1:
Loom is faster).

Usage: /usr/bin/python3 test/bench/bench_nested.py [--runs N] [--tokens T]
(PyTorch uses OpenBLAS when libopenblas0-pthread is installed:
bash scripts/setup.sh --bench)
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
D_MODEL, HIDDEN = 768, 3072
GRANULARITIES = [384, 768, 1536, 3072]   # MatFormer: h/8, h/4, h/2, h
NAMES = ["s", "m", "l", "xl"]


def spec(tokens):
    widths = ", ".join(map(str, GRANULARITIES))
    return f"""model bench_nested {{
  input x: f32[{tokens}, {D_MODEL}]
  ffn = nested_ffn(x, hidden={HIDDEN}, granularities=[{widths}], activation="gelu")
  output y = ffn
}}"""


def peer(tokens, runs):
    """PyTorch slicing the full weights to each width, in this process."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(THREADS)
    # Loom's --random-weights distribution (nn.Linear's U(±1/sqrt(fan_in)))
    # and its random inputs (U(-1, 1)): activations of order 1. Wider
    # weights push gelu's outputs into denormals, which slow OpenBLAS down
    # several times; flushing them keeps the peer at its best regardless.
    torch.set_flush_denormal(True)

    def uniform(*shape, bound):
        return (torch.rand(*shape) * 2 - 1) * bound

    w1, b1 = uniform(HIDDEN, D_MODEL, bound=D_MODEL ** -0.5), uniform(HIDDEN, bound=D_MODEL ** -0.5)
    w2, b2 = uniform(D_MODEL, HIDDEN, bound=HIDDEN ** -0.5), uniform(D_MODEL, bound=HIDDEN ** -0.5)
    x = uniform(tokens, D_MODEL, bound=1.0)
    results = {}
    with torch.no_grad():
        for m in GRANULARITIES:
            def ffn():
                return F.linear(F.gelu(F.linear(x, w1[:m], b1[:m])), w2[:, :m], b2)
            for _ in range(3):
                ffn()
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                ffn()
                times.append((time.perf_counter() - start) * 1e3)
            results[m] = {"min": min(times), "median": statistics.median(times)}
    return results


def run_peer(tokens, runs, coretype=None):
    # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE from the environment can halve
    # OpenBLAS's speed: unset them for the peer's run; `coretype` forces one.
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if coretype:
        environment["OPENBLAS_CORETYPE"] = coretype
    environment["OMP_NUM_THREADS"] = str(THREADS)
    output = subprocess.run([sys.executable, __file__, "--peer", "--tokens", str(tokens),
                             "--runs", str(runs)], env=environment, check=True,
                            capture_output=True, text=True).stdout
    return {int(k): v for k, v in json.loads(output).items()}


def best_peer(tokens, runs):
    """The peer at its best: OpenBLAS 0.3.21 does not recognize some AVX-512
    Xeons and falls back to slow kernels (22 vs 109 GFLOP/s for one linear
    here), so on AVX-512 machines PyTorch also runs with
    OPENBLAS_CORETYPE=SKYLAKEX and the faster run counts, per width."""
    variants = {"autodetect": run_peer(tokens, runs)}
    if "avx512f" in open("/proc/cpuinfo").read():
        variants["SKYLAKEX"] = run_peer(tokens, runs, "SKYLAKEX")
    best = {}
    for m in GRANULARITIES:
        name = min(variants, key=lambda v: variants[v][m]["min"])
        best[m] = dict(variants[name][m], coretype=name)
    return best


def run_loom(exe, name, runs):
    environment = dict(os.environ, HL_NUM_THREADS=str(THREADS))
    output = subprocess.run([exe, "--granularity", name, "--bench", str(runs), "--quiet"],
                            env=environment, check=True, capture_output=True,
                            text=True).stdout
    match = re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", output)
    if not match:
        sys.exit(f"unexpected benchmark output: {output!r}")
    return {"min": float(match.group(1)), "median": float(match.group(2))}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--knob", action="append", default=[],
                        help="passed to loomc (e.g. nested_ffn.block_out=32)")
    parser.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        print(json.dumps(peer(args.tokens, args.runs)))
        return
    with tempfile.TemporaryDirectory() as workdir:
        path, exe = os.path.join(workdir, "model.loom"), os.path.join(workdir, "model")
        with open(path, "w") as f:
            f.write(spec(args.tokens))
        knobs = [arg for knob in args.knob for arg in ("--knob", knob)]
        subprocess.run([LOOMC, path, "--random-weights", "-o", exe] + knobs, check=True)
        loom = {m: run_loom(exe, name, args.runs) for m, name in zip(GRANULARITIES, NAMES)}
    torch_times = best_peer(args.tokens, args.runs)
    print(f"nested_ffn d_model={D_MODEL} hidden={HIDDEN} tokens={args.tokens}, gelu; "
          f"threads: {THREADS} each; runs: {args.runs}; times in ms (min / median)")
    print(f"{'width':>10} {'loom':>17} {'pytorch':>17} {'share of xl':>12} {'ideal':>6} "
          f"{'vs ideal':>9} {'GFLOP/s':>8} {'pytorch/loom min':>17} {'median':>7}  openblas")
    full = loom[HIDDEN]["min"]
    for m, name in zip(GRANULARITIES, NAMES):
        ours, theirs = loom[m], torch_times[m]
        share, ideal = ours["min"] / full, m / HIDDEN
        gflops = 2 * 2 * args.tokens * D_MODEL * m / (ours["min"] * 1e-3) / 1e9
        print(f"{name + ' ' + str(m):>10} {ours['min']:7.3f} / {ours['median']:7.3f} "
              f"{theirs['min']:7.3f} / {theirs['median']:7.3f} {share:12.3f} {ideal:6.3f} "
              f"{share / ideal:8.2f}x {gflops:8.1f} {theirs['min'] / ours['min']:16.2f}x "
              f"{theirs['median'] / ours['median']:6.2f}x  {theirs['coretype']}")


if __name__ == "__main__":
    main()
