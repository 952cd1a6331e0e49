#!/usr/bin/env python3
"""Loom's CUDA linear against cuBLAS (torch F.linear, fp32, TF32 off) for the
shapes of the state-space blocks, every knob variant of the product, outputs checked.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_linear.py build DIR [--quick]
       on the GPU machine:  python3 DIR/gpu_linear.py run DIR [--runs 30]

`build` compiles each shape once per variant (`loomc --target=cuda --emit=exe
--random-weights=1 --knob ...`), runs the CPU build of the same model (same
weights, --seed 7 inputs) and keeps every 97th output element as the reference,
and counts FMAs, `.local` and barriers in each variant's PTX. `run` (CUDA
driver, PyTorch, numpy; no Halide/MLIR) checks every variant at the sampled
points (tolerance 1e-4 × (1 + max |ref|)), times it (`device_ms` of --bench:
inputs resident) and F.linear on the same GPU (CUDA events after warm-up), and
prints TFLOP/s, the fraction of the H100 SXM's 66.9 TFLOP/s fp32 (non-tensor)
peak and cuBLAS ms / Loom ms (above 1: Loom faster).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gpu_timing import cuda_times, failure_cell  # noqa: E402  (next to this file, also in a bundle)
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PEAK_TFLOPS = 66.9
SAMPLE = 97  # every 97th output element (prime: all rows and columns)

# (tokens, in_features, out_features): Mamba-2 in_proj (3352 = not a multiple
# of 128; Hydra's 3376) / out_proj at B=8 and B=1 (L=1024), the MLP-sized
# products, a few tokens, Mamba's x_proj (80 outputs), Hydra's fc_D (24
# outputs), dt_proj (48 inputs), and a product ragged in M, N and K.
BIG = [(8192, 768, 3072), (8192, 768, 3352), (8192, 768, 3376), (8192, 1536, 768),
       (1024, 768, 3352), (1024, 1536, 768), (8192, 3072, 768)]
SMALL = [(64, 768, 3072), (8192, 1536, 80), (8192, 1536, 24), (8192, 48, 1536),
         (1000, 44, 80)]

# variant -> knobs of the linear. "kernel" (the default): loomc's SGEMM kernel
# (lib/Halide/GemmKernel.h; 64x128 tiles, 64x64 for N <= 128), "k128x128" /
# "k64x64" its other tiles, "k any rows" also below kernel_min_rows. "staged":
# the Halide shared-memory accumulator schedule (schedules/cuda/gemm.cpp
# scheduleStagedGemmCuda); "warp"/"wCxR": the warp-tiled one
# (scheduleWarpGemmCuda), C output features × R rows per lane (4 × 32 unless
# named), where it gives >= 1024 blocks; "any": at any block count; "bpad1":
# weight rows padded by 1, not 4. Run the Halide ones with --regs 255 too
# (see there).
HALIDE = {"kernel": 0}
VARIANTS = {
    "kernel": {},  # the default
    "k128x128": {"kernel_tile": 1},
    "k64x128": {"kernel_tile": 2},
    "k64x64": {"kernel_tile": 3},
    "k any rows": {"kernel_min_rows": 1},
    "staged": HALIDE,
    "warp": {**HALIDE, "gemm_warp_min_blocks": 1024},  # 4 × 32 per lane, weight rows padded by 4
    "w4x32 bpad1": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_pad_warp_rhs": 1},
    "w4x32 u4": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_unroll": 4},
    "w4x32 s32": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_slab": 32},
    "w4x32 s8": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_slab": 8},
    "w4x32 raster2": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_raster": 2},
    "w4x16": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_rows": 16},
    "w4x16 bpad1": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_rows": 16,
                    "gemm_pad_warp_rhs": 1},
    "w4x16 u4": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_rows": 16,
                 "gemm_warp_unroll": 4},
    "w2x32": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_cols": 2},
    "w4x8": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_rows": 8},
    "w8x16": {**HALIDE, "gemm_warp_min_blocks": 1024, "gemm_warp_cols": 8,
              "gemm_warp_rows": 16},
    "warp any": {**HALIDE, "gemm_warp_min_blocks": 1},
    "w2x8 any": {**HALIDE, "gemm_warp_min_blocks": 1, "gemm_warp_cols": 2, "gemm_warp_rows": 8},
    "staged r8x8": {**HALIDE, "gemm_reg_cols": 8},
}
BIG_VARIANTS = ["kernel", "k128x128", "k64x64", "staged", "warp"]
SMALL_VARIANTS = ["kernel", "k any rows", "k64x128", "k64x64", "staged"]
QUICK = ["kernel", "staged"]
# The Mamba-2 and Hydra blocks (bench_mamba2.spec, d_model 768) at B × L:
# their linears with each of these variants (timed only; the linears are
# checked above).
MAMBA = [("mamba2", 8, 1024), ("mamba2", 1, 1024), ("hydra", 8, 1024)]
MAMBA_VARIANTS = ["kernel", "staged"]


def spec(rows, inputs, outputs):
    return (f"model lin {{\n  input x: f32[{rows}, {inputs}]\n"
            f"  proj = linear(x, out_features={outputs})\n  output y = proj\n}}\n")


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "_", text)


def build(directory, quick):
    import numpy as np
    loomc = os.environ.get("LOOMC", os.path.join(ROOT, "build", "bin", "loomc"))
    os.makedirs(directory, exist_ok=True)
    for name in ("gpu_linear.py", "gpu_timing.py"):
        shutil.copy(os.path.join(HERE, name), os.path.join(directory, name))
    manifest = []
    for shape in BIG + SMALL:
        case = "x".join(map(str, shape))
        spec_path = os.path.join(directory, case + ".loom")
        with open(spec_path, "w") as f:
            f.write(spec(*shape))
        cpu = os.path.join(directory, case + ".cpu")
        subprocess.run([loomc, spec_path, "--target=host", "--emit=exe", "--random-weights=1",
                        "-o", cpu], check=True)
        with tempfile.TemporaryDirectory() as got:
            subprocess.run([cpu, "--seed", "7", "--output-dir", got, "--quiet"], check=True)
            ref = np.load(os.path.join(got, "y.npy")).reshape(-1)[::SAMPLE]
            np.save(os.path.join(directory, case + ".ref.npy"), ref)
        os.remove(cpu)
        variants = QUICK if quick else (BIG_VARIANTS if shape in BIG else SMALL_VARIANTS)
        for variant in variants:
            flags = [f"--knob=linear.{k}={v}" for k, v in VARIANTS[variant].items()]
            exe = os.path.join(directory, f"{case}.{slug(variant)}.cuda")
            subprocess.run([loomc, spec_path, "--target=cuda", "--emit=exe",
                            "--random-weights=1", *flags, "-o", exe], check=True)
            subprocess.run(["strip", exe], check=True)
            stmt = subprocess.run([loomc, spec_path, "--target=cuda", "--emit=stmt", *flags,
                                   "-o", "-"], check=True, capture_output=True).stdout
            stmt = stmt.decode("latin-1")
            launch = re.search(r'halide_cuda_run\([^,]*, "[^"]*", (.*?), \(void \*\)make_struct', stmt)
            if "loom_kernel_" in stmt:  # loomc's SGEMM kernel: its PTX follows the assembly
                asm = subprocess.run([loomc, spec_path, "--target=cuda", "--emit=asm", *flags,
                                      "-o", "-"], check=True, capture_output=True).stdout
                stmt = asm.decode("latin-1")
                stmt = stmt[stmt.index("// loomc kernel"):]
                launch = re.search(r"// loomc kernel \S+ \(extern stage \S+\), (.*)", stmt)
            manifest.append({"case": case, "shape": shape, "variant": variant,
                             "exe": os.path.basename(exe), "fma": stmt.count("fma.rn.f32"),
                             "local": len(re.findall(r"\.local\b", stmt)),
                             "bar": stmt.count("bar.sync"),
                             "launch": launch.group(1) if launch else "?"})
            print(f"gpu_linear: {case} {variant}: {manifest[-1]}", flush=True)
    import bench_mamba2
    for block, batch, length in MAMBA:
        case = f"{block}_{batch}x{length}"
        spec_path = os.path.join(directory, case + ".loom")
        with open(spec_path, "w") as f:
            f.write(bench_mamba2.spec(block, batch, length))
        for variant in MAMBA_VARIANTS:
            flags = [f"--knob=linear.{k}={v}" for k, v in VARIANTS[variant].items()]
            exe = os.path.join(directory, f"{case}.{slug(variant)}.cuda")
            subprocess.run([loomc, spec_path, "--target=cuda", "--emit=exe",
                            "--random-weights=1", *flags, "-o", exe], check=True)
            subprocess.run(["strip", exe], check=True)
            manifest.append({"case": case, "shape": None, "variant": variant,
                             "exe": os.path.basename(exe), "fma": "", "local": "", "bar": "",
                             "launch": ""})
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def run(directory, runs, only):
    import numpy as np
    import torch
    import torch.nn.functional as F
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    print(f"# CUDA linear on {torch.cuda.get_device_name()} (PyTorch {torch.__version__}, "
          f"TF32 off); ms min / median of {runs}; peak {PEAK_TFLOPS} TFLOP/s fp32\n")
    peers = {}
    with torch.no_grad():
        for rows, k, n in BIG + SMALL:
            x, w, b = (torch.rand(rows, k, device="cuda"), torch.rand(n, k, device="cuda"),
                       torch.rand(n, device="cuda"))
            peers[rows, k, n] = cuda_times(torch, lambda: F.linear(x, w, b), runs)
            del x, w, b
    print("| shape M×K→N | variant | launch (blocks, threads, shared) | fma/.local/bar "
          "| check (max err, scale) | Loom ms min / med | TFLOP/s | of peak "
          "| cuBLAS ms min / med | cuBLAS TFLOP/s | cuBLAS / Loom |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    status = 0
    for entry in manifest:
        if only and entry["variant"] not in only:
            continue
        exe = os.path.join(directory, entry["exe"])
        if entry["shape"] is None:  # a whole block: timed only
            text = subprocess.run([exe, "--bench", str(runs), "--quiet"], capture_output=True,
                                  text=True).stdout
            match = re.search(r"device_ms min=([\d.]+) median=([\d.]+)", text)
            print(f"| {entry['case']} | {entry['variant']} | | | | "
                  f"{match.group(1) + ' / ' + match.group(2) if match else 'FAILED'} |",
                  flush=True)
            continue
        rows, k, n = entry["shape"]
        flop = 2.0 * rows * k * n
        cells = [f"{rows}×{k}→{n}", entry["variant"], entry["launch"],
                 f"{entry['fma']}/{entry['local']}/{entry['bar']}"]
        try:
            with tempfile.TemporaryDirectory() as got:
                # One process: the timed runs, then one more whose outputs are checked.
                text = subprocess.run([exe, "--seed", "7", "--output-dir", got, "--bench",
                                       str(runs), "--quiet"], check=True, capture_output=True,
                                      text=True).stdout
                ref = np.load(os.path.join(directory, entry["case"] + ".ref.npy"))
                out = np.load(os.path.join(got, "y.npy")).reshape(-1)[::SAMPLE]
                err = float(np.max(np.abs(out.astype(np.float64) - ref)))
                scale = float(np.max(np.abs(ref)))
                ok = err <= 1e-4 * (1 + scale) and bool(np.all(np.isfinite(out)))
                status |= 0 if ok else 1
                cells.append(f"{err:.1e} ({scale:.1e}) {'ok' if ok else 'FAIL'}")
            match = (re.search(r"device_ms min=([\d.]+) median=([\d.]+)", text) or
                     re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", text))
            loom = (float(match.group(1)), float(match.group(2)))
            peer = peers[rows, k, n]
            rate = flop / (loom[0] * 1e-3) / 1e12
            cells += [f"{loom[0]:.4f} / {loom[1]:.4f}", f"{rate:.1f}", f"{rate / PEAK_TFLOPS:.0%}",
                      f"{peer[0]:.4f} / {peer[1]:.4f}", f"{flop / (peer[0] * 1e-3) / 1e12:.1f}",
                      f"{peer[0] / loom[0]:.2f}"]
        except Exception as error:  # one broken variant must not hide the others
            status = 1
            cells.append(failure_cell(error))
        print("| " + " | ".join(cells) + " |", flush=True)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="build: staged and default only")
    parser.add_argument("--only", default="", help="run: these variants (comma-separated)")
    parser.add_argument("--regs", default="",
                        help="run: HL_CUDA_JIT_MAX_REGISTERS for the executables (Halide's "
                             "CUDA runtime caps the JIT at 64 registers per thread otherwise)")
    args = parser.parse_args()
    if args.regs:
        os.environ["HL_CUDA_JIT_MAX_REGISTERS"] = args.regs
        print(f"HL_CUDA_JIT_MAX_REGISTERS={args.regs}")
    if args.mode == "build":
        build(args.directory, args.quick)
        return 0
    return run(args.directory, args.runs, [v for v in args.only.split(",") if v])


if __name__ == "__main__":
    sys.exit(main())
