#!/usr/bin/env python3
# Usage: gpu_hyper.py build DIR [--sweep] (here, with loomc) | gpu_hyper.py run DIR (GPU machine)
#
# Hyperkernel GPU check and benchmark (issue 8), driven by test/bench/gpu_hyper.sh.
#
# build (the machine with Loom): compiles, for CUDA with seeded random weights,
#   - the benchmark cases: depthwise conv2d k = 7, 13, 31 on 1x128x56x56 (k = 7, 31
#     also at batch 8) and the global hyper_zzw (per-sample kernel W*z as large as z)
#     on 1x64x32x32 and 8x64x32x32;
#   - with --sweep, variants of the depthwise CUDA schedule's knobs for some cases;
#   - small check models (odd sizes, batch 2, k up to 63, dilation, no padding, local
#     and global hyper_zzw, fused and unfused kernel, non-default tiles) for CUDA and
#     for this CPU, with the CPU build's outputs as their reference.
#   Executables are stored xz-compressed (the bundle travels to the GPU machine).
# run (the GPU machine: CUDA driver, PyTorch, numpy; no Halide):
#   1. every check model's CUDA outputs against the CPU build's (tolerance 1e-4 x
#      (1 + max|ref|));
#   2. every benchmark case's CUDA output against PyTorch on the GPU (fp32, TF32 off)
#      from the same inputs and weights (a safetensors file written here), knob
#      variants' outputs too (in the times table);
#   3. times: Loom's --bench (latency_ms: host arrays in and out; device_ms: inputs
#      resident, outputs left on the GPU) and PyTorch eager (cuDNN) and torch.compile
#      with CUDA events, min / median of 50 runs after warm-up; the ratios use device
#      times; GFLOP/s of Loom's device min against the fp32 (non-tensor) peak;
#   4. with GPU_HYPER_NCU=1, the default builds' kernel durations from Nsight Compute
#      (device_ms includes Halide's launch and sync, ~6 us on the H100).
import argparse
import json
import lzma
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

# name: (kind, batch, channels, size, k)
CASES = {
    "dw7": ("dw", 1, 128, 56, 7),
    "dw13": ("dw", 1, 128, 56, 13),
    "dw31": ("dw", 1, 128, 56, 31),
    "dw7_b8": ("dw", 8, 128, 56, 7),
    "dw31_b8": ("dw", 8, 128, 56, 31),
    "zzw": ("zzw", 1, 64, 32, 32),
    "zzw_b8": ("zzw", 8, 64, 32, 32),
}
# torch.compile costs tens of seconds per graph: only where the issue asks (and
# at batch 8 too in a --sweep bundle).
COMPILED = ["dw31", "zzw"]
COMPILED_SWEEP = ["dw31_b8", "zzw_b8"]

D = "conv2d.depthwise_"
Z = "hyper_zzw.depthwise_"
# Knob variants of the CUDA schedule (--sweep): (case, label, knobs). The defaults
# (threads 64 x 4, 16 rows per thread, evened out) give 56 x 4 threads x 14 rows
# on 56 x 56 planes. At batch 1, depthwise_min_blocks (256) shortens them (56 x 4
# x 7 rows), and for kernels of >= 16 columns thread groups split the kernel
# columns (split_kx = 0, automatic, up to 512 threads per block): 2 groups of 16
# and 15 columns; on 32 x 32 planes, 32 x 1 threads x 8 rows in 8 groups. split_kx
# = N asks for N groups (1: none). The list below is run 2 of the hyper2 hand-off
# (its default builds were 56 x 2 x 14 rows in 2 groups for dw31; "split 2, ty4
# rows7" is the code the defaults give now); earlier sweeps picked the rest.
M0 = "min_blocks=0"


def tiles(prefix, ty, rows, split):
    return [prefix + M0, prefix + f"threads_y={ty}", prefix + f"thread_rows={rows}",
            prefix + f"split_kx={split}"]


SWEEP = [
    ("dw31", "split 1 (the previous default: ty4 rows7, 256 x 224)", [D + "split_kx=1"]),
    ("dw31", "split 8, ty1 rows14 (512 x 448)", tiles(D, 1, 14, 8)),
    ("dw31", "split 2, ty4 rows7 (256 x 448)", tiles(D, 4, 7, 2)),
    ("dw31", "split 2, ty2 rows7 (512 x 224)", tiles(D, 2, 7, 2)),
    ("dw13", "split 2, ty2 rows14 (256 x 224)", tiles(D, 2, 14, 2)),
    ("dw63", "split 2 (28 x 4 threads x 4 rows)", [D + "split_kx=2"]),
    ("zzw", "split 1 (the previous default: 32 x 4 threads x 2 rows)", [Z + "split_kx=1"]),
    ("zzw", "split 8, ty1 rows4 (512 x 256)", tiles(Z, 1, 4, 8)),
]
# Run 1 of the hyper2 hand-off also timed (dw31, batch 1): split 2 ty1 rows28,
# split 4 ty1 rows14 / rows28, split 4 ty2 rows14 / rows7, split 8 ty1 rows7,
# split 3 ty1 rows14; (dw31_b8) split 2 ty2 rows14, split 4 ty1 rows28; (dw13)
# split 4 ty1 rows14; (zzw) split 4 ty1 rows16, split 4 ty2 rows4.
# Cases only a --sweep bundle builds (and times).
SWEEP_CASES = {"dw63": ("dw", 1, 128, 56, 63)}

CHECK_DW = """model check_dw {
  input x: f32[2, 8, 23, 40]
  output k3 = conv2d(x, out_channels=8, kernel=3, padding=1, groups=8)
  c7 = conv2d(x, out_channels=8, kernel=7, padding=3, groups=8)
  output k7 = relu(c7)
  output k13 = conv2d(x, out_channels=8, kernel=13, padding=6, groups=8)
  output k31 = conv2d(x, out_channels=8, kernel=31, padding=15, groups=8)
  output k63 = conv2d(x, out_channels=8, kernel=63, padding=31, groups=8)
  output dilated = conv2d(x, out_channels=8, kernel=5, padding=4, dilation=2, groups=8)
  output valid = conv2d(x, out_channels=8, kernel=3, groups=8)
}
"""
CHECK_ZZW = """model check_zzw {
  input z: f32[2, 8, 20, 20]
  input w: f32[8, 20, 20]
  input kl: f32[2, 8, 9, 9]
  output global = hyper_zzw(z, w)
  output local = hyper_zzw(z, kl)
}
"""
# (name, model, extra loomc arguments of the CUDA build); the CPU reference is the
# model's default build.
CHECKS = [
    ("check_dw", "check_dw", []),
    ("check_dw_tiles", "check_dw",
     ["--knob", D + "threads_x=8", "--knob", D + "threads_y=3", "--knob", D + "thread_rows=3",
      "--knob", D + "unroll_kx=0", "--knob", D + "unroll_ky=5"]),
    ("check_zzw", "check_zzw", []),
    ("check_zzw_unfused", "check_zzw",
     ["--knob", "hyper_zzw.fuse_kernel=0", "--knob", Z + "min_blocks=0"]),
    ("check_dw_split", "check_dw",
     ["--knob", D + "split_kx=4", "--knob", D + "threads_y=2", "--knob", D + "thread_rows=5"]),
    ("check_dw_split3", "check_dw",
     ["--knob", D + "split_kx=3", "--knob", D + "min_blocks=0", "--knob", D + "unroll_kx=0"]),
    ("check_zzw_split", "check_zzw",
     ["--knob", Z + "split_kx=3", "--knob", "hyper_zzw.fuse_kernel=0"]),
    ("check_zzw_split_fused", "check_zzw", ["--knob", Z + "split_kx=8"]),
]
CHECK_MODELS = {"check_dw": CHECK_DW, "check_zzw": CHECK_ZZW}


def spec(name):
    kind, n, c, size, k = CASES[name]
    if kind == "dw":
        return (f"model {name} {{\n  input x: f32[{n}, {c}, {size}, {size}]\n"
                f"  dw = conv2d(x, out_channels={c}, kernel={k}, padding={k // 2}, groups={c})\n"
                f"  output y = dw\n}}\n")
    return (f"model {name} {{\n  input x: f32[{n}, {c}, {size}, {size}]\n"
            f"  input w: f32[{c}, {k}, {k}]\n  y = hyper_zzw(x, w)\n  output y\n}}\n")


def flops(name):
    _, n, c, size, k = CASES[name]
    return 2.0 * n * c * size * size * k * k


# ---------------------------------------------------------------- build


def compress(path):
    with open(path, "rb") as src, lzma.open(path + ".xz", "wb", preset=9) as dst:
        shutil.copyfileobj(src, dst)
    os.remove(path)


def build(out, sweep):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    loomc = os.environ.get("LOOMC", os.path.join(root, "build", "bin", "loomc"))
    os.makedirs(out, exist_ok=True)

    def compile_(case, exe, args):
        with open(os.path.join(out, case + ".loom"), "w") as f:
            f.write(spec(case))
        subprocess.run([loomc, os.path.join(out, case + ".loom"), "--random-weights=1",
                        "-o", os.path.join(out, exe)] + args, check=True)

    manifest = {"bench": [], "checks": [], "sweep": sweep}
    if sweep:
        CASES.update(SWEEP_CASES)
    for name in CASES:
        print(f"gpu_hyper build: {name}", flush=True)
        compile_(name, name + ".cuda", ["--target=cuda"])
        compress(os.path.join(out, name + ".cuda"))
        manifest["bench"].append({"case": name, "exe": name + ".cuda.xz", "label": "default"})
    if sweep:
        for i, (case, label, knobs) in enumerate(SWEEP):
            print(f"gpu_hyper build: {case} {label}", flush=True)
            exe = f"{case}_v{i}.cuda"
            args = ["--target=cuda"]
            for knob in knobs:
                args += ["--knob", knob]
            compile_(case, exe, args)
            compress(os.path.join(out, exe))
            manifest["bench"].append({"case": case, "exe": exe + ".xz", "label": label})
    for model, source in CHECK_MODELS.items():
        print(f"gpu_hyper build: {model} (CPU reference)", flush=True)
        with open(os.path.join(out, model + ".loom"), "w") as f:
            f.write(source)
        cpu = os.path.join(out, model + ".cpu")
        subprocess.run([loomc, os.path.join(out, model + ".loom"), "--random-weights=1", "-o",
                        cpu], check=True)
        subprocess.run([cpu, "--seed", "3", "--output-dir", os.path.join(out, model + "_ref"),
                        "--quiet"], check=True)
        os.remove(cpu)
    for name, model, args in CHECKS:
        print(f"gpu_hyper build: {name}", flush=True)
        subprocess.run([loomc, os.path.join(out, model + ".loom"), "--random-weights=1",
                        "--target=cuda", "-o", os.path.join(out, name + ".cuda")] + args,
                       check=True)
        compress(os.path.join(out, name + ".cuda"))
        manifest["checks"].append({"name": name, "exe": name + ".cuda.xz", "ref": model + "_ref"})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"built into {out}; on the GPU machine: bash test/bench/gpu_hyper.sh run {out}")


# ---------------------------------------------------------------- run


def write_safetensors(path, tensors):
    """A safetensors file (8-byte header size, JSON header, raw little-endian data)."""
    header, blobs, offset = {}, [], 0
    for key, array in tensors.items():
        data = array.astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(array.shape),
                       "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def loom_times(exe, runs, extra=()):
    text = subprocess.run([exe, "--bench", str(runs), "--quiet", *extra], check=True,
                          capture_output=True, text=True).stdout
    times = {}
    for line in text.splitlines():
        fields = dict(f.split("=") for f in line.split()[1:] if "=" in f)
        times[line.split()[0]] = (float(fields["min"]), float(fields["median"]))
    return times


def run(out):
    import numpy as np
    import torch
    import torch.nn.functional as F

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = "cuda"
    name = torch.cuda.get_device_name()
    # fp32 non-tensor peak: H100 SXM 132 SMs x 128 lanes x 2 x 1.98 GHz; PCIe 114 SMs, 1.755 GHz.
    peak = 51.2e12 if "PCIe" in name else 66.9e12
    print(f"device: {name}; fp32 peak used: {peak / 1e12:.1f} TFLOP/s; torch {torch.__version__}")
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    if manifest["sweep"]:
        CASES.update(SWEEP_CASES)
    work = tempfile.mkdtemp(prefix="gpu_hyper_")
    status = 0

    def unpack(exe):
        path = os.path.join(work, exe[:-3])
        if not os.path.exists(path):
            with lzma.open(os.path.join(out, exe)) as src, open(path, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.chmod(path, 0o755)
        return path

    def relative_error(got, ref):
        return float(np.abs(got - ref).max()) / (1.0 + float(np.abs(ref).max()))

    # 1. CUDA vs the CPU build on the check models.
    print("\n## CUDA vs CPU build (check models; tolerance 1e-4 x (1 + max|ref|))")
    for check in manifest["checks"]:
        got = os.path.join(work, check["name"] + "_out")
        try:
            subprocess.run([unpack(check["exe"]), "--seed", "3", "--output-dir", got, "--quiet"],
                           check=True, capture_output=True, text=True, timeout=60)
        except subprocess.SubprocessError as error:
            print(f"{check['name']}: RUN FAILED {getattr(error, 'stderr', error)}")
            status = 1
            continue
        ref = os.path.join(out, check["ref"])
        worst = []
        for file in sorted(os.listdir(ref)):
            error = relative_error(np.load(os.path.join(got, file)), np.load(os.path.join(ref, file)))
            worst.append(f"{file[:-4]} {error:.1e}")
            if not error < 1e-4:
                status = 1
                worst[-1] += " FAIL"
        print(f"{check['name']}: " + ", ".join(worst))

    # 2. Benchmark shapes: CUDA output vs PyTorch from the same inputs and weights.
    print("\n## CUDA vs PyTorch (benchmark shapes; tolerance 1e-4 x (1 + max|ref|))")
    rng = np.random.default_rng(5)
    peers = {}
    for name, (kind, n, c, size, k) in CASES.items():
        x = rng.uniform(-1, 1, (n, c, size, size)).astype(np.float32)
        np.save(os.path.join(work, name + "_x.npy"), x)
        xt = torch.from_numpy(x).to(dev)
        args = ["--input", f"x={os.path.join(work, name + '_x.npy')}"]
        if kind == "dw":
            bound = 1.0 / k
            weight = rng.uniform(-bound, bound, (c, 1, k, k)).astype(np.float32)
            bias = rng.uniform(-bound, bound, (c,)).astype(np.float32)
            write_safetensors(os.path.join(work, name + ".safetensors"),
                              {"dw.weight": weight, "dw.bias": bias})
            args += ["--weights", os.path.join(work, name + ".safetensors")]
            conv = torch.nn.Conv2d(c, c, k, padding=k // 2, groups=c).to(dev).eval()
            with torch.no_grad():
                conv.weight.copy_(torch.from_numpy(weight))
                conv.bias.copy_(torch.from_numpy(bias))
            module = conv
            inputs = (xt,)
        else:
            w = rng.uniform(-1, 1, (c, k, k)).astype(np.float32) / k
            np.save(os.path.join(work, name + "_w.npy"), w)
            args += ["--input", f"w={os.path.join(work, name + '_w.npy')}"]

            # conv(z, W ⊙ z) with "same" padding ((k-1)/2 before): each sample's
            # planes become groups of one batch-1 grouped convolution.
            def zzw(z, wt, k=k):
                batch, channels = z.shape[0], z.shape[1]
                kernel = (wt.unsqueeze(0) * z).reshape(batch * channels, 1, k, k)
                before, after = (k - 1) // 2, k // 2
                padded = F.pad(z.reshape(1, batch * channels, *z.shape[2:]),
                               (before, after, before, after))
                return F.conv2d(padded, kernel, groups=batch * channels).reshape(z.shape)

            module = zzw
            inputs = (xt, torch.from_numpy(w).to(dev))
        got_dir = os.path.join(work, name + "_out")
        default = next(b["exe"] for b in manifest["bench"] if b["case"] == name)
        subprocess.run([unpack(default), *args, "--output-dir", got_dir, "--quiet"], check=True)
        with torch.no_grad():
            ref = module(*inputs).cpu().numpy()
        error = relative_error(np.load(os.path.join(got_dir, "y.npy")), ref)
        ok = error < 1e-4
        status |= 0 if ok else 1
        print(f"{name}: max error {error:.1e} {'ok' if ok else 'FAIL'}")
        peers[name] = (module, inputs, args, ref)

    # 3. Times.
    def cuda_times(call, runs=50):
        with torch.no_grad():
            for _ in range(10):
                call()
            torch.cuda.synchronize()
            times = []
            for _ in range(runs):
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                call()
                end.record()
                torch.cuda.synchronize()
                times.append(start.elapsed_time(end))
        return min(times), statistics.median(times)

    eager, compiled = {}, {}
    for name, (module, inputs, _, _) in peers.items():
        eager[name] = cuda_times(lambda: module(*inputs))
    if os.environ.get("GPU_HYPER_NO_COMPILE") != "1":
        for name in COMPILED + (COMPILED_SWEEP if manifest["sweep"] else []):
            module, inputs, _, _ = peers[name]
            try:
                began = time.time()
                fn = torch.compile(module)
                compiled[name] = cuda_times(lambda: fn(*inputs))
                print(f"(torch.compile {name}: {time.time() - began:.0f} s with compilation)")
            except Exception as error:  # report and go on: the peer is optional
                print(f"(torch.compile {name} failed: {type(error).__name__}: {error})")

    print("\n## Times (ms, min / median of 50; ratios = peer min / Loom device min)")
    print(f"| case | schedule | Loom with copies | Loom device | eager (cuDNN) | torch.compile "
          f"| eager/Loom | compile/Loom | Loom GFLOP/s | of peak |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for bench in manifest["bench"]:
        name = bench["case"]
        exe = unpack(bench["exe"])
        checked = ""
        try:
            if bench["label"] != "default":  # a knob variant: its output against PyTorch too
                got_dir = os.path.join(work, f"{name}_{bench['exe']}_out")
                subprocess.run([exe, *peers[name][2], "--output-dir", got_dir, "--quiet"],
                               check=True, capture_output=True, text=True, timeout=60)
                error = relative_error(np.load(os.path.join(got_dir, "y.npy")), peers[name][3])
                checked = f" (error {error:.0e})"
                if not error < 1e-4:
                    checked = f" (error {error:.0e} FAIL)"
                    status = 1
            times = loom_times(exe, 50, peers[name][2])
        except subprocess.SubprocessError as error:
            print(f"| {name} | {bench['label']} | RUN FAILED {getattr(error, 'stderr', '')} |")
            status = 1
            continue
        latency, device = times["latency_ms"], times.get("device_ms", (float("nan"),) * 2)
        e = eager[name]
        comp = compiled.get(name)
        rate = flops(name) / (device[0] * 1e-3) / 1e9
        print(f"| {name} | {bench['label']}{checked} | {latency[0]:.4f} / {latency[1]:.4f} "
              f"| {device[0]:.4f} / {device[1]:.4f} | {e[0]:.4f} / {e[1]:.4f} "
              f"| {f'{comp[0]:.4f} / {comp[1]:.4f}' if comp else 'n/a'} "
              f"| {e[0] / device[0]:.2f}x | {f'{comp[0] / device[0]:.2f}x' if comp else 'n/a'} "
              f"| {rate:.0f} | {100 * rate * 1e9 / peak:.1f}% |", flush=True)
    if os.environ.get("GPU_HYPER_NCU") == "1":
        kernel_table(manifest, peers, unpack, peak)
    shutil.rmtree(work, ignore_errors=True)
    return status


def kernel_table(manifest, peers, unpack, peak):
    """Kernel durations of the default builds from Nsight Compute (gpu__time_duration,
    clocks and caches left alone): Loom's device_ms is a host-timed call (launch, sync),
    PyTorch's CUDA events time little more than the kernel."""
    import csv
    ncu = shutil.which("ncu") or "/usr/local/cuda/bin/ncu"
    if not os.path.exists(ncu):
        print("\n(no ncu: kernel times skipped)")
        return
    print("\n## Kernel times (ncu gpu__time_duration, us, min / median of 30 launches)")
    print("| case | kernel | launch (grid; block) | us | GFLOP/s | of peak |")
    print("|---|---|---|---|---|---|")
    for bench in manifest["bench"]:
        name = bench["case"]
        if name in ("dw13", "dw63", "dw7_b8") or (bench["label"] != "default" and
                                                  not bench["label"].startswith("split 1 ")):
            continue
        try:
            text = subprocess.run(
                [ncu, "--metrics", "gpu__time_duration.sum", "--clock-control", "none",
                 "--cache-control", "none", "--launch-skip", "5", "--launch-count", "30",
                 "--csv", unpack(bench["exe"]), *peers[name][2], "--bench", "20", "--quiet"],
                capture_output=True, text=True, timeout=90).stdout
        except subprocess.SubprocessError as error:
            print(f"| {name} | ncu failed: {error} |")
            continue
        rows = list(csv.reader(line for line in text.splitlines() if line.startswith('"')))
        if not rows or "Metric Value" not in rows[0]:
            print(f"| {name} | ncu gave no table: {text[-300:]!r} |")
            continue
        head = rows[0]
        scale = {"ns": 1e-3, "nsecond": 1e-3, "us": 1.0, "usecond": 1.0, "ms": 1e3,
                 "msecond": 1e3}
        by_kernel = {}
        for row in rows[1:]:
            if len(row) != len(head):
                continue
            field = dict(zip(head, row))
            value = float(field["Metric Value"].replace(",", ""))
            key = (field["Kernel Name"][:40], field.get("Grid Size", ""), field.get("Block Size", ""))
            if field["Metric Unit"] not in scale:
                print(f"| {name} | unknown unit {field['Metric Unit']!r} |")
                break
            by_kernel.setdefault(key, []).append(value * scale[field["Metric Unit"]])
        for (kernel, grid, block), times in by_kernel.items():
            us = min(times)
            rate = flops(name) / (us * 1e-6) / 1e9
            print(f"| {name} ({bench['label'][:8]}) | {kernel} | {grid}; {block} "
                  f"| {us:.2f} / {statistics.median(times):.2f} | {rate:.0f} "
                  f"| {100 * rate * 1e9 / peak:.1f}% |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("dir")
    parser.add_argument("--sweep", action="store_true", help="build: knob variants too")
    args = parser.parse_args()
    if args.mode == "build":
        build(args.dir, args.sweep)
        return 0
    return run(args.dir)


if __name__ == "__main__":
    sys.exit(main())
