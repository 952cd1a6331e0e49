#!/usr/bin/env python3
"""ssd_scan / hydra_scan on CUDA: knob variants timed and checked in one run, plus the
Mamba-2 and Hydra blocks (d_model 768) vs PyTorch eager and torch.compile.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_ssd_scan.py build DIR
                               [--baseline LOOMC] [--variants NAME=KNOB,KNOB ...]
       on the GPU machine:  PYTHONPATH=REPO/test/bench:REPO/test/numeric \
                               python3 gpu_ssd_scan.py run DIR [--runs 20] [--deadline 120]

The scans are Mamba-2's (24 heads of 64, d_state 128, one group; ssd_scan with D,
dt_bias, softplus) and Hydra's (hydra_scan: the same heads, d_state 64) at L = 1024,
B in {1, 8}. `build` compiles each for every variant (`before`: a baseline loomc, e.g.
main's; the others: this build with knobs) and the blocks (`block_*`, the first two
variants) and writes the weights; `run` (PyTorch, numpy, a GPU; no Halide) makes the
inputs with a fixed seed, computes the float64 reference on the GPU (ssd_scan_ref's
recurrence; hydra_ref's flips and shifts), runs every variant on them (--bench: device ms
min / median, and its output) and checks max |error| <= 1e-4 + 1e-5·max |y| (float32 sums
over L = 1024 steps). Then the Mamba-2 and Hydra blocks (d_model 768, B = 1 and 8,
L = 1024): Loom before and new against PyTorch eager and torch.compile (bench_mamba2's
chunked SSD, chunks of 64, checked finite), fp32, TF32 off.
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
for extra in (os.path.join(ROOT, "test", "numeric"), os.path.join(HERE, "numeric")):
    sys.path.insert(0, extra)

H, P, L = 24, 64, 1024
KINDS = {"ssd": 128, "hydra": 64}  # d_state
BATCHES = (1, 8)
# (The ssd-gpu branch's last run had threads 16 and out_rows 4 as the defaults and swept
# t32, t32or8 (now the default), c64, c64t32 and u1; see its note.)
VARIANTS = [("new", []),
            ("t16or4", ["ssd_scan.threads=16", "ssd_scan.out_rows=4"]),
            ("c64", ["ssd_scan.chunk=64"]),
            ("u1", ["ssd_scan.unroll_n=1"])]


def spec(kind, batch):
    n = KINDS[kind]
    lines = [f"model scan {{", f"  input x: f32[{batch}, {L}, {H}, {P}]"]
    if kind == "ssd":
        lines += [f"  input dt: f32[{batch}, {L}, {H}]"]
        call = "ss = ssd_scan(x, dt, B, C)"
    else:
        lines += [f"  input dt_fwd: f32[{batch}, {L}, {H}]", f"  input dt_bwd: f32[{batch}, {L}, {H}]"]
        call = "ss = hydra_scan(x, dt_fwd, dt_bwd, B, C)"
    lines += [f"  input B: f32[{batch}, {L}, 1, {n}]", f"  input C: f32[{batch}, {L}, 1, {n}]",
              f"  {call}", "  output y = ss", "}"]
    return "\n".join(lines) + "\n"


def weights(kind):
    import torch
    g = torch.Generator().manual_seed(7)
    return {"ss.A_log": torch.log(torch.rand(H, generator=g, dtype=torch.float64) * 4 + 0.1),
            "ss.dt_bias": torch.randn(H, generator=g, dtype=torch.float64) * 0.5,
            "ss.D": torch.randn(H, generator=g, dtype=torch.float64)}


def build(directory, baseline, variants):
    import loomref
    import bench_mamba2
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    loomc = os.path.join(ROOT, "build", "bin", "loomc")
    compilers = [("before", [], baseline)] if baseline else []
    compilers += [(name, knobs, loomc) for name, knobs in variants]
    jobs = []
    for kind in KINDS:
        loomref.save_safetensors(os.path.join(directory, f"{kind}.safetensors"),
                                 {k: v.float() for k, v in weights(kind).items()})
        for batch in BATCHES:
            path = os.path.join(directory, f"{kind}_{batch}.loom")
            with open(path, "w") as f:
                f.write(spec(kind, batch))
            for name, knobs, compiler in compilers:
                command = [compiler, path, "--target=cuda", "--random-weights", "-o",
                           os.path.join(directory, f"{kind}_{batch}_{name}")]
                for knob in knobs:
                    command += ["--knob", knob]
                jobs.append(command)
    for block in bench_mamba2.CONFIG:
        for batch in BATCHES:
            path = os.path.join(directory, f"block_{block}_{batch}.loom")
            with open(path, "w") as f:
                f.write(bench_mamba2.spec(block, batch, L))
            for name, _, compiler in compilers[:2]:
                jobs.append([compiler, path, "--target=cuda", "--random-weights", "-o",
                             os.path.join(directory, f"block_{block}_{batch}_{name}")])
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:  # the build machine's two cores
        for _ in pool.map(lambda c: subprocess.run(["nice"] + c, check=True), jobs):
            pass
    subprocess.run(f"strip {directory}/*_[0-9]_* 2>/dev/null; rm -f {directory}/*.loom",
                   shell=True)


def reference(torch, kind, inputs, w):
    """float64 on the GPU: ssd_scan_ref's loop (hydra: hydra_ref's form)."""
    from ssd_scan_ref import ssd_scan
    a = -torch.exp(w["ss.A_log"])
    x, b, c = inputs["x"], inputs["B"], inputs["C"]
    if kind == "ssd":
        return ssd_scan(x, inputs["dt"], a, b, c, w["ss.D"], None, w["ss.dt_bias"])

    def shift(v):
        return torch.cat([torch.zeros_like(v[:, :1]), v[:, :-1]], dim=1)

    flip = lambda v: v.flip(1)
    forward = ssd_scan(x, inputs["dt_fwd"], a, b, c, None, None, w["ss.dt_bias"])
    backward = ssd_scan(flip(x), flip(inputs["dt_bwd"]), a, flip(b), flip(c), None, None,
                        w["ss.dt_bias"])
    return shift(forward) + flip(shift(backward)) + w["ss.D"][:, None] * x


def run(directory, runs, deadline, compile_blocks):
    import numpy as np
    import torch
    import bench_mamba2
    from gpu_ssm import cuda_time_ms, loom_times
    start = time.time()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    directory = os.path.abspath(directory)
    work = "/tmp/gpu_ssd_scan"
    os.makedirs(work, exist_ok=True)
    names = sorted({f.split("_", 2)[2] for f in os.listdir(directory)
                    if f.startswith("ssd_1_")}, key=lambda n: (n != "before", n != "new", n))
    print(f"GPU: {torch.cuda.get_device_name()}; device ms min / median of {runs}; "
          f"error = max |loom - float64| (ok: <= 1e-4 + 1e-5 max |ref|)")
    for kind, n in KINDS.items():
        w = {k: v.cuda() for k, v in weights(kind).items()}
        for batch in BATCHES:
            g = torch.Generator().manual_seed(batch)
            shapes = {"x": [batch, L, H, P], "B": [batch, L, 1, n], "C": [batch, L, 1, n]}
            for dt in (["dt"] if kind == "ssd" else ["dt_fwd", "dt_bwd"]):
                shapes[dt] = [batch, L, H]
            inputs = {k: torch.randn(*s, generator=g) for k, s in shapes.items()}
            arguments = ["--weights", os.path.join(directory, f"{kind}.safetensors")]
            for k, v in inputs.items():
                np.save(os.path.join(work, k + ".npy"), v.numpy())
                arguments += ["--input", f"{k}={os.path.join(work, k + '.npy')}"]
            with torch.no_grad():
                expected = reference(torch, kind, {k: v.double().cuda() for k, v in inputs.items()},
                                     w).cpu().numpy()
            for name in names:
                exe = os.path.join(directory, f"{kind}_{batch}_{name}")
                if not os.path.exists(exe):
                    continue
                out = os.path.join(work, "out")
                try:
                    times = loom_times(exe, runs, arguments + ["--output-dir", out])["device_ms"]
                except subprocess.CalledProcessError as error:
                    print(f"  {kind:5} B={batch} {name:8} failed: {error.stderr.strip()[-300:]}")
                    continue
                y = np.load(os.path.join(out, "y.npy")).astype(np.float64)
                error = np.abs(y - expected)
                scale = np.abs(expected).max()
                ok = bool(error.max() <= 1e-4 + 1e-5 * scale)
                print(f"  {kind:5} B={batch} L={L} N={n:3} {name:8} {times['min']:8.4f} / "
                      f"{times['median']:8.4f} ms  err {error.max():.2e} = {error.max() / scale:.1e} "
                      f"of |y| max {scale:.0f} {'ok' if ok else 'FAIL'}", flush=True)
    print(f"blocks (d_model 768, L={L}); ms min / median")
    for block in bench_mamba2.CONFIG:
        for batch in BATCHES:
            line = f"  {block:6} B={batch}"
            for name in ("before", "new"):
                exe = os.path.join(directory, f"block_{block}_{batch}_{name}")
                if os.path.exists(exe):
                    d = loom_times(exe, runs)["device_ms"]
                    line += f"  loom {name} {d['min']:7.3f} / {d['median']:7.3f}"
            torch.manual_seed(0)
            forward = bench_mamba2.make_forward(block, batch, L, device="cuda", chunk=64)
            with torch.no_grad():
                assert torch.isfinite(forward()).all()
                eager = cuda_time_ms(torch, forward, runs)
                line += f"  eager {eager['min']:7.3f} / {eager['median']:7.3f}"
                if batch in compile_blocks and time.time() - start < deadline:
                    fast = cuda_time_ms(torch, torch.compile(forward), runs)
                    line += f"  compile {fast['min']:7.3f} / {fast['median']:7.3f}"
            print(line, flush=True)
    print(f"total {time.time() - start:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--baseline", help="build: a loomc for the `before` variant")
    parser.add_argument("--variants", nargs="*",
                        help="build: NAME=KNOB,KNOB (default: the VARIANTS sweep)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--deadline", type=float, default=150,
                        help="run: no torch.compile after this many seconds")
    parser.add_argument("--compile-batches", default="8", help="run: B of the compiled blocks")
    args = parser.parse_args()
    if args.mode == "build":
        variants = VARIANTS
        if args.variants:
            variants = [(v.split("=", 1)[0], [k for k in v.split("=", 1)[1].split(",") if k])
                        for v in args.variants]
        build(args.directory, args.baseline, variants)
    else:
        run(args.directory, args.runs, args.deadline,
            {int(b) for b in args.compile_batches.split(",") if b})


if __name__ == "__main__":
    main()
