#!/usr/bin/env python3
"""Every op of the language on the GPU, one shape each: Loom's device time against
the roofline (the fp32 FMA peak and the HBM bandwidth) and against the PyTorch op
doing the same work, in the same run.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_ops.py build DIR [--only a,b]
       on the GPU machine:  python3 DIR/gpu_ops.py run DIR [--runs 50] [--only a,b] [--compile]

`build` compiles each case for CUDA and for this CPU with the same random weights
(--random-weights=1), runs the CPU build on the executables' own seeded random
inputs (--seed 7; files only for integer ids and sparse masks) and keeps a strided
sample of each output as the reference (outputs reach 100 MB; the bundle must stay
small). `run` checks the CUDA build's outputs against that sample, times Loom's
`device_ms` (inputs and weights resident), and the peer with CUDA events (TF32 off).

Columns: the work (GFLOP, MB of compulsory traffic: inputs, weights and outputs
read or written once), Loom's time, the roofline time max(FLOP / peak, bytes / HBM),
its share of the roofline (roofline / Loom: 100% is the hardware's limit), the
achieved TFLOP/s and GB/s, and PyTorch eager / Loom (above 1: Loom is faster).
Peaks: 66.9 TFLOP/s fp32 (H100 SXM: 132 SMs × 128 lanes × 2 × 1.98 GHz) and
3350 GB/s HBM3; on a device named PCIe, 51.2 and 2000.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpu_timing import cuda_times  # noqa: E402  (next to this file, also in a bundle)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
F = 4  # bytes per float
SAMPLES = 65536  # reference values kept per output


def numel(*shape):
    n = 1
    for s in shape:
        n *= s
    return n


# Each case: a one-op model (inputs: name -> (shape, dtype, file kind)), its work
# (flops, bytes of compulsory traffic) and the PyTorch peer: an expression over
# `torch`, `F` (torch.nn.functional), the inputs by name and `w` (random weights
# made by `weights`, a dict of name -> shape) on the GPU; None where no single
# PyTorch op does the same work (the families' own GPU benchmarks time those
# against their PyTorch modules).
def cases():
    BL, D, DI = 8 * 1024, 768, 1536
    c = []

    def add(name, spec, inputs, flops, nbytes, peer=None, weights=None):
        c.append(dict(name=name, spec=spec, inputs=inputs, flops=flops, bytes=nbytes,
                      peer=peer, weights=weights or {}))

    def model(inputs, body):
        decl = "\n".join(f"  input {n}: {dt}[{', '.join(map(str, s))}]"
                         for n, (s, dt, _) in inputs.items())
        return f"model op {{\n{decl}\n  {body}\n}}\n"

    def one(name, shape, body, flops, nbytes, peer=None, weights=None):
        inputs = {"x": (shape, "f32", None)}
        add(name, model(inputs, body), inputs, flops, nbytes, peer, weights)

    one("linear 8192x768->3072", [BL, D], "y = linear(x, out_features=3072)\n  output out = y",
        2 * BL * D * 3072, F * (BL * D + D * 3072 + 3072 + BL * 3072),
        "F.linear(x, w['w'], w['b'])", {"w": [3072, D], "b": [3072]})
    one("linear 64x768->3072", [64, D], "y = linear(x, out_features=3072)\n  output out = y",
        2 * 64 * D * 3072, F * (64 * D + D * 3072 + 3072 + 64 * 3072),
        "F.linear(x, w['w'], w['b'])", {"w": [3072, D], "b": [3072]})
    one("conv2d 3x3 64->64, 8x56x56", [8, 64, 56, 56],
        "y = conv2d(x, out_channels=64, kernel=3, padding=1)\n  output out = y",
        2 * 8 * 64 * 64 * 9 * 56 * 56, F * (2 * 8 * 64 * 56 * 56 + 64 * 64 * 9 + 64),
        "F.conv2d(x, w['w'], w['b'], padding=1)", {"w": [64, 64, 3, 3], "b": [64]})
    one("conv2d depthwise 31x31, 1x128x56x56", [1, 128, 56, 56],
        "y = conv2d(x, out_channels=128, kernel=31, padding=15, groups=128, bias=false)\n"
        "  output out = y",
        2 * 128 * 56 * 56 * 31 * 31, F * (2 * 128 * 56 * 56 + 128 * 31 * 31),
        "F.conv2d(x, w['w'], padding=15, groups=128)", {"w": [128, 1, 31, 31]})
    one("conv1d depthwise k=4, 8x1536x1024", [8, DI, 1024],
        "y = conv1d(x, out_channels=1536, kernel=4, padding=3, groups=1536)\n  output out = y",
        2 * 8 * DI * 1027 * 4, F * (8 * DI * 1024 + 8 * DI * 1027 + DI * 5),
        "F.conv1d(x, w['w'], w['b'], padding=3, groups=1536)", {"w": [DI, 1, 4], "b": [DI]})
    for op, peer, weights in (
            ("layer_norm", "F.layer_norm(x, (768,), w['g'], w['b'])", {"g": [D], "b": [D]}),
            ("rms_norm", "F.rms_norm(x, (768,), w['g'], 1e-5)", {"g": [D]})):
        one(f"{op} 8192x768", [BL, D], f"y = {op}(x)\n  output out = y",
            8 * BL * D, F * 2 * BL * D, peer, weights)
    one("batch_norm 8x64x56x56", [8, 64, 56, 56], "y = batch_norm(x)\n  output out = y",
        2 * 8 * 64 * 56 * 56, F * 2 * 8 * 64 * 56 * 56,
        "F.batch_norm(x, w['m'], w['v'], w['g'], w['b'])",
        {"m": [64], "v": [64], "g": [64], "b": [64]})
    n = BL * 3072
    for op, peer in (("relu", "F.relu(x)"), ("gelu", "F.gelu(x)"), ("silu", "F.silu(x)"),
                     ("sigmoid", "torch.sigmoid(x)"), ("tanh", "torch.tanh(x)"),
                     ("softplus", "F.softplus(x)")):
        one(f"{op} 8192x3072", [BL, 3072], f"output out = {op}(x)", n, F * 2 * n, peer)
    inputs = {"x": ([BL, 3072], "f32", None), "z": ([BL, 3072], "f32", None)}
    add("add 8192x3072", model(inputs, "output out = add(x, z)"), inputs, n, F * 3 * n, "x + z")
    add("mul 8192x3072", model(inputs, "output out = mul(x, z)"), inputs, n, F * 3 * n, "x * z")
    pool_in, pool_out = 8 * 64 * 112 * 112, 8 * 64 * 56 * 56
    for op, peer in (("max_pool2d", "F.max_pool2d(x, 3, 2, 1)"),
                     ("avg_pool2d", "F.avg_pool2d(x, 3, 2, 1)")):
        one(f"{op} 3x3/2, 8x64x112x112", [8, 64, 112, 112],
            f"output out = {op}(x, kernel=3, stride=2, padding=1)",
            9 * pool_out, F * (pool_in + pool_out), peer)
    one("global_avg_pool2d 32x512x28x28", [32, 512, 28, 28], "output out = global_avg_pool2d(x)",
        32 * 512 * 784, F * (32 * 512 * 784 + 32 * 512), "F.adaptive_avg_pool2d(x, 1)")
    one("softmax 8192x1024", [BL, 1024], "output out = softmax(x)",
        5 * BL * 1024, F * 2 * BL * 1024, "torch.softmax(x, -1)")
    inputs = {"ids": ([8, 1024], "i32", "ids:32000")}
    add("embedding 32000x768, 8x1024 ids", model(
        inputs, "e = embedding(ids, num_embeddings=32000, dim=768)\n  output out = e"), inputs,
        0, F * (2 * BL * D + BL), "F.embedding(ids.long(), w['w'])", {"w": [32000, D]})
    one("transpose 8x1024x768 [0,2,1]", [8, 1024, D],
        "output out = transpose(x, perm=[0, 2, 1])", 0, F * 2 * BL * D,
        "x.transpose(1, 2).contiguous()")
    inputs = {"x": ([8, 1024, D], "f32", None), "z": ([8, 1024, D], "f32", None)}
    add("concat 2x 8x1024x768, axis 2", model(inputs, "output out = concat(x, z, axis=2)"),
        inputs, 0, F * 4 * BL * D, "torch.cat([x, z], 2)")
    one("slice 8x1024x1536 [..., :768]", [8, 1024, DI],
        "output out = slice(x, axis=2, start=0, end=768)", 0, F * 2 * BL * D,
        "x[..., :768].contiguous()")
    # Sparse: 25% of the 16×16 patches of a 224×224 map kept (a mask file).
    sites = 224 * 224 // 4
    inputs = {"x": ([1, 64, 224, 224], "f32", None), "m": ([1, 1, 224, 224], "f32", "mask:0.25")}
    add("sparse_conv2d 3x3 64->64, 224x224 at 25%", model(
        inputs, "y = sparse_conv2d(x, m, out_channels=64, kernel=3, bias=false)\n"
        "  output out = y"), inputs, 2 * 64 * 64 * 9 * sites,
        F * (2 * 64 * sites + 64 * 64 * 9 + 224 * 224),
        "F.conv2d(x, w['w'], padding=1)", {"w": [64, 64, 3, 3]})
    add("sparse_batch_norm 64x224x224 at 25%", model(
        inputs, "y = sparse_batch_norm(x, m)\n  output out = y"), inputs, 2 * 64 * sites,
        F * (2 * 64 * sites + 224 * 224),
        "F.batch_norm(x, w['m'], w['v'], w['g'], w['b'])",
        {"m": [64], "v": [64], "g": [64], "b": [64]})
    add("sparse_layer_norm 64x224x224 at 25%", model(
        inputs, "y = sparse_layer_norm(x, m)\n  output out = y"), inputs, 8 * 64 * sites,
        F * (2 * 64 * sites + 224 * 224))
    # State-space scans at d_model 768 (Mamba: D = 1536, N = 16; Mamba-2: 24 heads of 64, N = 128).
    N = 16
    inputs = {"u": ([8, DI, 1024], "f32", None), "delta": ([8, DI, 1024], "f32", None),
              "B": ([8, N, 1024], "f32", None), "C": ([8, N, 1024], "f32", None),
              "z": ([8, DI, 1024], "f32", None)}
    add("selective_scan B=8 L=1024 D=1536 N=16", model(
        inputs, "y = selective_scan(u, delta, B, C, z)\n  output out = y"), inputs,
        9 * 8 * DI * 1024 * N, F * (4 * 8 * DI * 1024 + 2 * 8 * N * 1024 + DI * (N + 2)))
    H, P, NS = 24, 64, 128
    inputs = {"x": ([8, 1024, H, P], "f32", None), "dt": ([8, 1024, H], "f32", None),
              "B": ([8, 1024, 1, NS], "f32", None), "C": ([8, 1024, 1, NS], "f32", None)}
    add("ssd_scan B=8 L=1024 H=24 P=64 N=128", model(
        inputs, "y = ssd_scan(x, dt, B, C)\n  output out = y"), inputs,
        4 * 8 * 1024 * H * P * NS, F * (2 * 8 * 1024 * H * P + 8 * 1024 * H + 2 * 8 * 1024 * NS))
    inputs = {"x": ([2, 1024, H, P], "f32", None), "dt_fwd": ([2, 1024, H], "f32", None),
              "dt_bwd": ([2, 1024, H], "f32", None), "B": ([2, 1024, 1, 64], "f32", None),
              "C": ([2, 1024, 1, 64], "f32", None)}
    add("hydra_scan B=2 L=1024 H=24 P=64 N=64", model(
        inputs, "y = hydra_scan(x, dt_fwd, dt_bwd, B, C)\n  output out = y"), inputs,
        8 * 2 * 1024 * H * P * 64, F * (2 * 2 * 1024 * H * P + 2 * 2 * 1024 * H + 2 * 2 * 1024 * 64))
    inputs = {"x": ([8, 1024, DI], "f32", None), "z": ([8, 1024, DI], "f32", None)}
    add("gated_rms_norm 8192x1536", model(
        inputs, "y = gated_rms_norm(x, z)\n  output out = y"), inputs, 10 * BL * DI,
        F * 3 * BL * DI, "F.rms_norm(x * F.silu(z), (1536,), w['g'], 1e-5)", {"g": [DI]})
    mamba_flops = 2 * BL * (D * 2 * DI + DI * (48 + 2 * N) + 48 * DI + DI * D) + 9 * BL * DI * N
    one("mamba block B=8 L=1024 d_model=768", [8, 1024, D],
        "y = mamba(x, d_state=16, d_conv=4, expand=2)\n  output out = y",
        mamba_flops, F * (2 * BL * D + D * 2 * DI + DI * 80 + 48 * DI + DI * D))
    in2 = 2 * DI + 2 * NS + H
    one("mamba2 block B=8 L=1024 d_model=768", [8, 1024, D],
        "y = mamba2(x)\n  output out = y",
        2 * BL * (D * in2 + DI * D) + 4 * BL * H * P * NS, F * (2 * BL * D + D * in2 + DI * D))
    # Hyperkernels: a 32×32 MFN kernel for 64 channels, and the global HyperZ·Z·W on 8×64×32×32.
    add("hyper_kernel mfn 64ch 32x32, hidden 32, 3 layers",
        "model op {\n  input x: f32[1]\n  k = hyper_kernel(channels=64, kernel=32, hidden=32, "
        "layers=3)\n  output out = k\n}\n", {"x": ([1], "f32", None)},
        1024 * (3 * 2 * 2 * 32 + 2 * 2 * 32 * 32 + 2 * 32 * 64), F * (1024 * 64 + 3 * 32 * 35))
    add("hyper_zzw global 8x64x32x32",
        "model op {\n  input x: f32[8, 64, 32, 32]\n  k = hyper_kernel(channels=64, kernel=32, "
        "hidden=32, layers=3)\n  y = hyper_zzw(x, k)\n  output out = y\n}\n",
        {"x": ([8, 64, 32, 32], "f32", None)}, 2 * 8 * 64 * 1024 * 1024,
        F * 2 * 8 * 64 * 1024,
        "F.conv2d(F.pad(x, (15, 16, 15, 16)).reshape(1, 512, 63, 63), "
        "(w['k'].unsqueeze(0) * x).reshape(512, 1, 32, 32), groups=512).reshape(8, 64, 32, 32)",
        {"k": [64, 32, 32]})
    one("nested_ffn 8192x768, hidden 3072 (xl)", [BL, D],
        "y = nested_ffn(x, hidden=3072, granularities=[384, 768, 1536, 3072])\n  output out = y",
        4 * BL * D * 3072, F * (2 * BL * D + 2 * D * 3072 + 3072 + D),
        "F.linear(F.gelu(F.linear(x, w['w1'], w['b1'])), w['w2'], w['b2'])",
        {"w1": [3072, D], "b1": [3072], "w2": [D, 3072], "b2": [D]})
    one("nested_embedding 8192x768, normalize", [BL, D],
        "y = nested_embedding(x, granularities=[192, 384, 768], normalize=true)\n  output out = y",
        3 * BL * D, F * 2 * BL * D)
    return c


def slug(name):
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")


def sample(array):
    import numpy as np
    flat = array.reshape(-1).astype(np.float64)
    stride = max(1, flat.size // SAMPLES)
    return flat[::stride][:SAMPLES], stride


def build(directory, only):
    import numpy as np
    loomc = os.environ.get("LOOMC", os.path.join(ROOT, "build", "bin", "loomc"))
    os.makedirs(directory, exist_ok=True)
    shutil.copy(os.path.abspath(__file__), os.path.join(directory, "gpu_ops.py"))
    shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu_timing.py"),
                directory)
    rng = np.random.default_rng(0)
    index = []
    for case in cases():
        if only and not any(o in case["name"] for o in only):
            continue
        name = slug(case["name"])
        here = os.path.join(directory, name)
        done = os.path.join(here, "case.json")
        if os.path.exists(done):  # built by an earlier (interrupted) build
            with open(done) as f:
                index.append(json.load(f))
            continue
        os.makedirs(here, exist_ok=True)
        print(f"gpu_ops: {case['name']}", flush=True)
        with open(os.path.join(here, "op.loom"), "w") as f:
            f.write(case["spec"])
        files = []
        for input_name, (shape, _, kind) in case["inputs"].items():
            if kind is None:
                continue
            if kind.startswith("ids:"):
                data = rng.integers(0, int(kind[4:]), size=shape).astype(np.int32)
            else:  # mask:DENSITY on 16×16 patches
                n, _, h, w = shape
                coarse = (rng.random((n, 1, h // 16, w // 16)) < float(kind[5:]))
                data = coarse.repeat(16, 2).repeat(16, 3).astype(np.float32)
            np.save(os.path.join(here, input_name + ".npy"), data)
            files += ["--input", f"{input_name}={input_name}.npy"]
        for target, exe in (("host", "op.cpu"), ("cuda", "op.cuda")):
            subprocess.run([loomc, "op.loom", f"--target={target}", "--random-weights=1",
                            "--progress=off", "-o", exe], cwd=here, check=True)
        subprocess.run(["./op.cpu", "--seed", "7", "--output-dir", "ref", "--quiet", *files],
                       cwd=here, check=True)
        reference = np.load(os.path.join(here, "ref", "out.npy"))
        values, stride = sample(reference)
        np.save(os.path.join(here, "ref_sample.npy"), values)
        shutil.rmtree(os.path.join(here, "ref"))
        os.remove(os.path.join(here, "op.cpu"))
        subprocess.run(["xz", "-6", "-f", "op.cuda"], cwd=here, check=True)
        index.append(dict(case, dir=name, files=files, stride=stride,
                          max_ref=float(np.max(np.abs(reference))) if reference.size else 0.0))
        with open(done, "w") as f:
            json.dump(index[-1], f)
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    print(f"gpu_ops: {len(index)} cases in {directory}")


def run(directory, runs, only, compile_peer):
    import numpy as np
    import torch
    import torch.nn.functional as Fn
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    device = torch.cuda.get_device_name()
    pcie = "PCIe" in device
    peak_flops, peak_bytes = (51.2e12, 2.0e12) if pcie else (66.9e12, 3.35e12)
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    print(f"# Every op on {device} (PyTorch {torch.__version__}); device ms, min of {runs}; "
          f"peaks {peak_flops / 1e12:.1f} TFLOP/s, {peak_bytes / 1e9:.0f} GB/s")
    print()
    header = ("| op | GFLOP | MB | outputs vs CPU | Loom ms | roofline ms | of roofline "
              "| TFLOP/s | GB/s | eager ms | eager / Loom |")
    if compile_peer:
        header += " compile ms | compile / Loom |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    status = 0
    for case in index:
        if only and not any(o in case["name"] for o in only):
            continue
        here = os.path.abspath(os.path.join(directory, case["dir"]))
        exe = os.path.join(here, "op.cuda")
        if not os.path.exists(exe):
            subprocess.run(["xz", "-d", "-k", exe + ".xz"], check=True)
        row = [case["name"], f"{case['flops'] / 1e9:.2f}", f"{case['bytes'] / 1e6:.1f}"]
        try:
            shutil.rmtree(os.path.join(here, "got"), ignore_errors=True)
            subprocess.run([exe, "--seed", "7", "--output-dir", "got", "--quiet", *case["files"]],
                           cwd=here, check=True, capture_output=True, text=True)
            got, _ = sample(np.load(os.path.join(here, "got", "out.npy")))
            ref = np.load(os.path.join(here, "ref_sample.npy"))
            diff = float(np.max(np.abs(got - ref))) if ref.size else 0.0
            ok = got.shape == ref.shape and diff <= 1e-4 * (1 + case["max_ref"]) \
                and np.all(np.isfinite(got))
            status |= 0 if ok else 1
            row.append(f"{diff:.1e} {'ok' if ok else 'FAIL'}")
            text = subprocess.run([exe, "--bench", str(runs), "--quiet", *case["files"]],
                                  cwd=here, check=True, capture_output=True, text=True).stdout
            match = re.search(r"device_ms min=([\d.]+)", text)
            loom = float(match.group(1))
            roof = max(case["flops"] / peak_flops, case["bytes"] / peak_bytes) * 1e3
            row += [f"{loom:.4f}", f"{roof:.4f}", f"{100 * roof / loom:.0f}%",
                    f"{case['flops'] / loom / 1e9:.2f}", f"{case['bytes'] / loom / 1e6:.0f}"]
        except (subprocess.CalledProcessError, AttributeError, OSError) as error:
            status = 1
            row.append(f"FAILED: {str(getattr(error, 'stderr', '') or error).strip()[-120:]}")
            print("| " + " | ".join(row) + " |", flush=True)
            continue
        if case["peer"]:
            env = {"torch": torch, "F": Fn}
            for input_name, (shape, dtype, _) in case["inputs"].items():
                path = os.path.join(here, input_name + ".npy")
                if os.path.exists(path):
                    env[input_name] = torch.from_numpy(np.load(path)).cuda()
                else:
                    env[input_name] = torch.rand(shape, device="cuda") * 2 - 1
            env["w"] = {k: torch.rand(s, device="cuda") for k, s in case["weights"].items()}
            function = eval("lambda: " + case["peer"], env)
            with torch.no_grad():
                eager = cuda_times(torch, function, runs)[0]
                row += [f"{eager:.4f}", f"{eager / loom:.2f}×"]
                if compile_peer:
                    try:
                        compiled = torch.compile(eval("lambda: " + case["peer"], env))
                        best = cuda_times(torch, compiled, runs)[0]
                        row += [f"{best:.4f}", f"{best / loom:.2f}×"]
                    except Exception as error:  # Inductor failures are the peer's, not ours
                        row += [f"failed: {type(error).__name__}", "–"]
        else:
            row += ["–", "–"] + (["–", "–"] if compile_peer else [])
        print("| " + " | ".join(row) + " |", flush=True)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", help="comma-separated substrings of case names")
    parser.add_argument("--compile", action="store_true", help="also time torch.compile")
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    if args.mode == "build":
        build(args.directory, only)
    else:
        sys.exit(run(args.directory, args.runs, only, args.compile))


if __name__ == "__main__":
    main()
