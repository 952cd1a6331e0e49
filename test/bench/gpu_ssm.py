#!/usr/bin/env python3
"""GPU check and benchmark of loom.selective_scan and the Mamba block (CUDA
builds) vs PyTorch eager and torch.compile, for B in {1, 8}, L in {1024,
4096}, d_model 768 (D = 1536, N = 16); and of the Mamba-2 and Hydra blocks
(bench_mamba2's configurations) at B in {1, 8}, L = 1024.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_ssm.py build DIR [--variants]
                                 [--only scan|block|mamba2]
       on the GPU machine:  python3 test/bench/gpu_ssm.py run DIR [--runs 20]
                                 [--only scan|block|mamba2] [--no-compile]
                                 [--compile-shapes 8x4096] [--no-block-compile]
                                 [--deadline 185]
  (the GPU machine needs DIR and test/bench/{gpu_ssm,bench_ssm,bench_mamba2,
  gpu_mamba2,gpu_timing}.py, test/numeric/{selective_scan_ref,mamba2_ref,
  loomref,ssd_scan_ref}.py in the same layout)

`build` compiles the CUDA executables (Halide/MLIR needed; --variants adds
scans with other knob settings, VARIANTS), small scans with float64
reference data and small Mamba-2/Hydra blocks (gpu_mamba2's checks); `run`
needs only the executables, PyTorch and a GPU. It first checks the small
scans (atol 1e-4, rtol 1e-5; a ragged last chunk; L a multiple of the
chunk, the vector-staged path; five ragged chunks of 8; a long memory over
L = 2048 and decays down to e^-300, which catch a bad exp/softplus
approximation), the small blocks (1e-5), and the PyTorch scan forms against
their loop in float64, then times each shape.

Loom: `latency` is the executable's --bench time with the host↔device copies
of inputs and outputs (Halide's CUDA runtime makes them every run); `device`
is its device_ms line (inputs resident, outputs left on the GPU) — the one
to compare with PyTorch's CUDA-event times of its kernels (inputs on the
GPU). PyTorch: every form of GPU_EAGER eagerly (bench_ssm's chunked cumsum
form and its tri form, the closed form with triangular-matrix products and
no scan op; bench_mamba2's chunked SSD for the mixers); then torch.compile,
first of GPU_COMPILE_FIRST at every shape, then GPU_COMPILE_MORE, until
--deadline seconds have passed (each compilation takes tens of seconds);
each compiled output is checked against the eager one. A form whose eager
output is not finite (a chunk too long for its Δ) is reported and not
timed. The summary's "x best PyTorch" is the best PyTorch form's min over
Loom's device min. fp32, TF32 off. GB/s of the scan use its compulsory
traffic (u, Δ, z read, y written, B and C) over the device time, against a
measured device-to-device copy and the 3350 GB/s nominal HBM3 bandwidth of
the H100 SXM.
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
import bench_mamba2  # noqa: E402  (the Mamba-2 and Hydra blocks' specs and PyTorch peer)

# The Mamba-2 and Hydra blocks (bench_mamba2's configurations at d_model
# 768; `--only mamba2` runs both) at these shapes.
MIXERS = ("mamba2", "hydra")
MIXER_SHAPES = [(1, 1024), (8, 1024)]


def shapes_of(what):
    return MIXER_SHAPES if what in MIXERS else bench_ssm.SHAPES

NOMINAL_GBPS = 3350.0
# Knob variants (--variants) of the scan and the Mamba block, at every shape:
# name -> loomc knobs of loom.selective_scan, timed beside the default build.
VARIANTS = {
    # The chunked Halide schedule instead of loomc's block-scan kernel.
    "halide": ["kernel=0"],
}
VARIANT_SHAPES = bench_ssm.SHAPES
# The small checks: (subdirectory, reference arguments, knobs).
CHECKS = [("check", ["2", "64", "37", "16", "z"], []),
          ("check64", ["2", "96", "64", "16", "z"], []),
          ("check5", ["2", "40", "37", "16", "nosoftplus"],
           ["--knob", "ss.chunk=8", "--knob", "ss.threads=16"]),
          ("check_long", ["1", "64", "2048", "16", "long", "z"], []),
          ("check_wide", ["1", "64", "512", "16", "nosoftplus", "wide"], []),
          # An odd number of states across chunks of the block-scan kernel
          # (L = 2048: two chunks of 128 threads, four warps).
          ("check_odd", ["1", "64", "2048", "15", "z"], [])]


def loomc(*args):
    subprocess.run([os.path.join(ROOT, "build", "bin", "loomc"), *args, "--target=cuda"],
                   check=True)


def build(directory, variants, ops):
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    for block in MIXERS if "mamba2" in ops else ():
        for batch, length in MIXER_SHAPES:
            path = os.path.join(directory, f"{block}_{batch}x{length}.loom")
            with open(path, "w") as f:
                f.write(bench_mamba2.spec(block, batch, length))
            loomc(path, "--random-weights", "-o", path[:-len(".loom")])
            print(f"built {block} {batch}x{length}", flush=True)
    if "mamba2" in ops:
        import gpu_mamba2  # its small blocks with float64 reference outputs
        for block, arguments in gpu_mamba2.CHECKS.items():
            check_dir = os.path.join(directory, "check_" + block)
            subprocess.run([sys.executable, os.path.join(ROOT, "test", "numeric",
                                                         "mamba2_ref.py"), check_dir]
                           + arguments, check=True, cwd=os.path.join(ROOT, "test", "numeric"))
            loomc(os.path.join(check_dir, "block.loom"),
                  "--weights", os.path.join(check_dir, "weights.safetensors"),
                  "-o", os.path.join(check_dir, "model"))
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


def loom_times(executable, runs, arguments=()):
    """latency_ms and device_ms ({"min", "median"}) of a CUDA build's --bench."""
    output = subprocess.run([executable, "--bench", str(runs), "--quiet", *arguments],
                            check=True, capture_output=True, text=True).stdout
    times = {}
    for label in ("latency_ms", "device_ms"):
        match = re.search(label + r" min=([\d.]+) median=([\d.]+)", output)
        times[label] = {"min": float(match.group(1)), "median": float(match.group(2))}
    return times


def fmt(t):
    return f"{t['min']:8.3f} / {t['median']:8.3f}"


def best(*times):
    return min(times, key=lambda t: t["min"])


def run(directory, runs, ops, compile_peer, compile_shapes, block_compile=True, deadline=1e9):
    import time
    import torch
    started = time.time()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch._dynamo.config.cache_size_limit = 64
    for name, _, _ in CHECKS:
        subprocess.run([sys.executable, os.path.join(ROOT, "test", "numeric",
                                                     "selective_scan_ref.py"),
                        "check", os.path.join(directory, name), "1e-4", "1e-5"], check=True)
    # --only mamba2 (or the default): both mixer blocks, where they were built.
    ops = [o for what in ops for o in (MIXERS if what == "mamba2" else (what,))
           if o not in MIXERS or os.path.exists(os.path.join(directory, f"{o}_1x1024"))]
    if any(o in MIXERS for o in ops):
        import gpu_mamba2
        gpu_mamba2.check(directory)  # the CUDA blocks against float64 (atol/rtol 1e-5)
    device = torch.device("cuda")
    for line in bench_ssm.check_forms(torch, False, device):
        print(line, flush=True)
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
    print(f"{'op':6} {'B':>2} {'L':>5} {'latency (with copies)':>21} {'device':>19} {'GB/s':>7} "
          f"{'of copy':>7} {'of 3350':>7}", flush=True)
    for what in ops:
        for batch, length in shapes_of(what):
            times = loom[what, batch, length] = loom_times(
                os.path.join(directory, f"{what}_{batch}x{length}"), runs)
            dev = times["device_ms"]
            line = f"{what:6} {batch:2} {length:5} {fmt(times['latency_ms']):>21} {fmt(dev)}"
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

    peers = run_peers(torch, ops, runs, loom, compile_peer, compile_shapes, block_compile,
                      deadline, started)
    print_summary(ops, loom, peers)


def print_summary(ops, loom, peers):
    print("\n## Summary: Loom device time vs the best PyTorch form (ms, min / median); "
          "x = PyTorch min / Loom min (above 1: Loom faster)")
    print(f"{'op':6} {'B':>2} {'L':>5} {'loom device':>19} {'best eager':>19} {'which':18} "
          f"{'best compile':>19} {'which':18} {'x eager':>8} {'x compile':>9} "
          f"{'x best PyTorch':>14}")
    for what in ops:
        for batch, length in shapes_of(what):
            dev = loom[what, batch, length]["device_ms"]
            timed = peers.get((what, batch, length), {})
            columns, ratios = [], []
            for mode in ("eager", "compile"):
                mine = {k: v for k, v in timed.items() if k.startswith(mode) and "min" in v}
                if mine:
                    which = min(mine, key=lambda k: mine[k]["min"])
                    columns.append(f"{fmt(mine[which])} {which[len(mode) + 1:]:18}")
                    ratios.append(mine[which]["min"] / dev["min"])
                else:
                    columns.append(f"{'-':>19} {'(not run)':18}")
                    ratios.append(float("nan"))
            both = [r for r in ratios if r == r]
            print(f"{what:6} {batch:2} {length:5} {fmt(dev)} {columns[0]} {columns[1]} "
                  f"{ratios[0]:7.2f}x {ratios[1]:8.2f}x "
                  f"{(min(both) if both else float('nan')):13.2f}x", flush=True)


# The PyTorch forms timed on the GPU: (label, bench_ssm form, keyword
# arguments). Eager: the chunked cumsum form with chunks of 64 and 256 and
# the triangular-matmul form (all of L at once) with chunks of 32 and 64.
# torch.compile: the tri form first (Inductor generates it: no scan op; the
# chunked form's cumsum failed in Inductor 2.11's SplitScan codegen for the
# block), then, while the deadline allows, the other candidates.
GPU_EAGER = {"scan": [("chunked c64", "chunked", {"chunk": 64}),
                      ("chunked c256", "chunked", {"chunk": 256}),
                      ("tri c64", "tri", {"chunk": 64, "group": None}),
                      ("tri c32", "tri", {"chunk": 32, "group": None})],
             # The block's Δ (mamba_ssm's initialisation) needs chunks of at
             # most 32 (bench_ssm.CPU_CONFIGS says why).
             "block": [("chunked c32", "chunked", {"chunk": 32}),
                       ("chunked c16", "chunked", {"chunk": 16}),
                       ("tri c32", "tri", {"chunk": 32, "group": None}),
                       ("tri c16", "tri", {"chunk": 16, "group": None})]}
# Mamba-2 / Hydra: bench_mamba2's block with the chunked SSD scan (chunks of
# 128, its default, and 64).
for _mixer in MIXERS:
    GPU_EAGER[_mixer] = [("ssd c128", "ssd", {"chunk": 128}), ("ssd c64", "ssd", {"chunk": 64})]
GPU_COMPILE_FIRST = {"scan": [("tri c64", "tri", {"chunk": 64, "group": None})],
                     "block": [("tri c32", "tri", {"chunk": 32, "group": None})]}
GPU_COMPILE_MORE = {"scan": [("tri c32", "tri", {"chunk": 32, "group": None}),
                             ("chunked c256", "chunked", {"chunk": 256})],
                    "block": [("tri c16", "tri", {"chunk": 16, "group": None}),
                              ("chunked c32", "chunked", {"chunk": 32})],
                    "mamba2": [("ssd c64", "ssd", {"chunk": 64})],
                    "hydra": [("ssd c64", "ssd", {"chunk": 64})]}
for _mixer in MIXERS:
    GPU_COMPILE_FIRST[_mixer] = [("ssd c128", "ssd", {"chunk": 128})]


def run_peers(torch, ops, runs, loom, compile_peer, compile_shapes, block_compile, deadline,
              started, device="cuda"):
    """PyTorch eager and torch.compile at every shape; returns
    {(op, B, L): {"eager LABEL" | "compile LABEL": times or {"error": ...}}}."""
    import time
    forms = bench_ssm.torch_scan_forms()
    device = torch.device(device)  # "cpu": a dry run of this script here
    peers = {}
    print("\n## PyTorch (CUDA events, inputs on the GPU); x = PyTorch / Loom device time")

    def callable_for(what, batch, length, form, kwargs):
        torch.manual_seed(0)
        if what in MIXERS:
            return bench_mamba2.make_forward(what, batch, length, device, **kwargs)
        if what == "scan":
            inputs = bench_ssm.scan_inputs(torch, batch, bench_ssm.D_INNER, length,
                                           device=device)
            return lambda: forms[form](*inputs, **kwargs)
        x = torch.randn(batch, length, bench_ssm.D_MODEL, device=device)
        module = forms["Mamba"](lambda *a: forms[form](*a, **kwargs)).to(device).eval()
        return lambda: module(x)

    def report(what, batch, length, label, times):
        peers.setdefault((what, batch, length), {})[label] = times
        dev = loom[what, batch, length]["device_ms"]
        if "error" in times:
            print(f"{what:6} {batch:2} {length:5} {label:22} failed: {times['error']}",
                  flush=True)
        else:
            print(f"{what:6} {batch:2} {length:5} {label:22} {fmt(times)} "
                  f"{times['min'] / dev['min']:7.2f}x", flush=True)

    shapes = [(what, batch, length) for what in ops for batch, length in shapes_of(what)]
    with torch.no_grad():
        for what, batch, length in shapes:
            for label, form, kwargs in GPU_EAGER[what]:
                function = callable_for(what, batch, length, form, kwargs)
                if torch.isfinite(function()).all():
                    times = cuda_time_ms(torch, function, runs)
                else:  # a chunk too long for these Δ: no peer
                    times = {"error": "non-finite output (|A|·ΣΔ over a chunk beyond f32)"}
                report(what, batch, length, "eager " + label, times)
                del function
        if not compile_peer:
            return peers
        # The closest contests first (the H100 run of the peers branch: the
        # block within 1.1–1.2× of torch.compile at B = 1, the scan 5–8×),
        # so that a --deadline leaves out the least informative compilations.
        order = {"block": 0, "mamba2": 1, "hydra": 2, "scan": 3}
        for configs in (GPU_COMPILE_FIRST, GPU_COMPILE_MORE):
            for what, batch, length in sorted(shapes, key=lambda s: order[s[0]]):
                if what == "block" and not block_compile:
                    continue
                if compile_shapes is not None and (batch, length) not in compile_shapes:
                    continue
                for label, form, kwargs in configs[what]:
                    if time.time() - started > deadline:
                        print(f"(deadline {deadline:.0f} s passed: no torch.compile of {what} "
                              f"{batch}x{length} {label})", flush=True)
                        continue
                    function = callable_for(what, batch, length, form, kwargs)
                    try:
                        compiled = bench_ssm.compiled_or_error(torch, function, function())
                        times = cuda_time_ms(torch, compiled, runs)
                    except Exception as error:  # reported; the other peers stand
                        times = {"error": f"{type(error).__name__}: "
                                          f"{str(error).splitlines()[0][:160]}"}
                    report(what, batch, length, "compile " + label, times)
                    del function
                    torch._dynamo.reset()
    return peers


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", choices=["scan", "block", "mamba2"],
                        help="run: time only one of the two ops")
    parser.add_argument("--no-compile", action="store_true",
                        help="run: skip torch.compile (its compilation takes minutes)")
    parser.add_argument("--compile-shapes",
                        help="run: torch.compile only at these BxL (comma-separated)")
    parser.add_argument("--no-block-compile", action="store_true",
                        help="run: no torch.compile of the Mamba block (minutes of Inductor)")
    parser.add_argument("--deadline", type=float, default=1e9,
                        help="run: start no torch.compile after this many seconds")
    parser.add_argument("--variants", action="store_true",
                        help="build: also scans and blocks with other knob settings (VARIANTS)")
    args = parser.parse_args()
    ops = [args.only] if args.only else ["scan", "block", "mamba2"]
    if args.mode == "build":
        build(args.directory, args.variants, ops)
    else:
        compile_shapes = None
        if args.compile_shapes:
            compile_shapes = {tuple(int(v) for v in s.split("x"))
                              for s in args.compile_shapes.split(",")}
        run(args.directory, args.runs, ops, not args.no_compile, compile_shapes,
            not args.no_block_compile, args.deadline)


if __name__ == "__main__":
    main()
