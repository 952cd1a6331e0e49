#!/usr/bin/env python3
"""CUDA matrix products (loom.linear, nested_ffn, the Mamba block) against cuBLAS
through PyTorch eager, for every gemm_* knob variant, with their outputs checked.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_gemm.py build DIR [--quick]
       on the GPU machine:  python3 DIR/gpu_gemm.py run DIR [--runs 30]

`build` compiles each case with `loomc --target=cuda` once per variant (knob
set), runs the CPU build of the same model (same --random-weights, --seed 7
inputs) and stores a strided sample of its outputs as the reference (a full
8192×3072 output would be 100 MB), and counts FMAs and `.local` (spilled
registers) in each variant's PTX. `run` (CUDA driver, PyTorch, numpy; no
Halide/MLIR) checks every variant's outputs at the sampled points (tolerance
1e-4 × (1 + max |ref|), as test/bench/gpu_nested.sh), times it (`device_ms` of
--bench: inputs resident, outputs left on the GPU) and times PyTorch eager on
the same GPU (F.linear: cuBLAS, fp32, TF32 off; CUDA events after warm-up),
printing GFLOP/s, the fraction of the H100 SXM's 66.9 TFLOP/s fp32 (non-tensor)
peak and the ratio PyTorch / Loom (above 1: Loom faster).
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
PEAK_GFLOPS = 66900.0
SAMPLE = 97  # every 97th output element is checked (97 is prime: all rows and columns)

# case -> (loom spec, flops, PyTorch form, runs-with arguments)
LINEARS = [(8192, 768, 3072), (8192, 1536, 768), (64, 768, 3072), (1, 768, 3072)]
NESTED_WIDTHS = {"s": 384, "xl": 3072, "1000": 1000, "40": 40, "5": 5}
MAMBA = [(1, 1024), (8, 1024)]

# variant -> knobs (applied to every linear / nested_ffn of the model, by op name).
# The defaults: 4 features × 8 rows per thread, 16 × 8 threads (64 × 64 outputs
# per block), slabs of 32, unrolled by 8, rows padded by 1, >= 264 blocks.
VARIANTS = {
    "old": {"gemm_min_rows": 1 << 30},  # the register tile from global memory
    "default": {},
    "pad4": {"gemm_pad": 4},
    "u4": {"gemm_unroll": 4},
    "s16": {"gemm_slab": 16},
    "t16x16": {"gemm_threads_y": 16},
    "r8x8 t8x8": {"gemm_reg_cols": 8, "gemm_threads_x": 8},
    "r4x4 t16x16": {"gemm_reg_rows": 4, "gemm_threads_y": 16},
    "mb132": {"gemm_min_blocks": 132},
    "mb528": {"gemm_min_blocks": 528},
}
QUICK = ["old", "default"]
BIG = ["old", "default", "pad4", "u4", "s16", "t16x16", "r8x8 t8x8", "r4x4 t16x16"]
SMALL = ["old", "default", "pad4", "mb132", "mb528"]
# PTX of these variants is kept for `ptxas -v` (registers, spills) on the GPU machine.
PTX = {("linear_8192x768x3072", "default"), ("linear_8192x768x3072", "r8x8 t8x8")}


def variants_for(case, quick):
    if quick or case.startswith("mamba") or case.startswith("linear_1x"):
        return QUICK  # one row is below gemm_min_rows: every variant is "old"
    if case == "nested_ffn" or case.startswith("linear_64x"):
        return SMALL
    return BIG


def linear_spec(rows, inputs, outputs):
    return (f"model lin {{\n  input x: f32[{rows}, {inputs}]\n"
            f"  proj = linear(x, out_features={outputs})\n  output y = proj\n}}\n")


NESTED_SPEC = """model nested_ffn {
  input x: f32[64, 768]
  ffn = nested_ffn(x, hidden=3072, granularities=[384, 768, 1536, 3072], activation="gelu")
  output y = ffn
}
"""


def cases():
    """(case name, spec text, op for the knobs, [(run name, extra arguments, GFLOP)])"""
    out = []
    for rows, k, n in LINEARS:
        out.append((f"linear_{rows}x{k}x{n}", linear_spec(rows, k, n), "linear",
                    [("", [], 2e-9 * rows * k * n)]))
    out.append(("nested_ffn", NESTED_SPEC, "nested_ffn",
                [(w, ["--granularity", w], 2e-9 * 64 * 768 * 2 * int(m))
                 for w, m in NESTED_WIDTHS.items()]))
    sys.path.insert(0, HERE)
    import bench_ssm
    for batch, length in MAMBA:
        out.append((f"mamba_{batch}x{length}", bench_ssm.block_spec(batch, length), "linear",
                    [("", [], None)]))
    return out


def build(directory, quick):
    loomc = os.environ.get("LOOMC", os.path.join(ROOT, "build", "bin", "loomc"))
    import numpy as np
    os.makedirs(directory, exist_ok=True)
    for name in ("gpu_gemm.py", "bench_ssm.py", "gpu_timing.py"):
        shutil.copy(os.path.join(HERE, name), os.path.join(directory, name))
    manifest = []
    for case, spec, op, runs in cases():
        spec_path = os.path.join(directory, case + ".loom")
        with open(spec_path, "w") as f:
            f.write(spec)
        cpu = os.path.join(directory, case + ".cpu")
        subprocess.run([loomc, spec_path, "--target=host", "--emit=exe", "--random-weights=1",
                        "-o", cpu], check=True)
        for run_name, arguments, _ in runs:
            with tempfile.TemporaryDirectory() as got:
                subprocess.run([cpu, "--seed", "7", *arguments, "--output-dir", got, "--quiet"],
                               check=True)
                for f in os.listdir(got):
                    ref = np.load(os.path.join(got, f)).reshape(-1)[::SAMPLE]
                    np.save(os.path.join(directory, f"{case}{run_name}.ref.{f}"), ref)
        os.remove(cpu)
        for variant in variants_for(case, quick):
            knobs = VARIANTS[variant]
            flags = [f"--knob={op}.{knob}={value}" for knob, value in knobs.items()]
            exe = os.path.join(directory, f"{case}.{slug(variant)}.cuda")
            subprocess.run([loomc, spec_path, "--target=cuda", "--emit=exe",
                            "--random-weights=1", *flags, "-o", exe], check=True)
            # Stripped and xz-compressed (a fifth of the size); `run` unpacks.
            subprocess.run(["strip", exe], check=True)
            subprocess.run(["xz", "-f", "-T1", exe], check=True)
            ptx = subprocess.run([loomc, spec_path, "--target=cuda", "--emit=stmt", *flags,
                                  "-o", "-"], check=True, capture_output=True).stdout
            ptx = ptx.decode("latin-1")
            if (case, variant) in PTX:
                begin = ptx.index("// Generated by LLVM NVPTX")
                with open(exe + ".ptx", "w") as f:
                    end = ptx.index("\n}", ptx.rindex("// -- End function")) + 2
                    f.write(ptx[begin:end] + "\n")
            manifest.append({"case": case, "variant": variant, "exe": os.path.basename(exe),
                             "runs": runs, "fma": ptx.count("fma.rn.f32"),
                             "local": len(re.findall(r"\.local\b", ptx)),
                             "shared": len(re.findall(r"\.shared\b", ptx))})
            print(f"gpu_gemm: {case} {variant}: {manifest[-1]['fma']} FMAs, "
                  f"{manifest[-1]['local']} .local", flush=True)
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def slug(variant):
    return re.sub(r"[^A-Za-z0-9]+", "_", variant)


def torch_peers(torch, runs):
    """PyTorch eager times per (case, run name)."""
    import torch.nn.functional as F
    sys.path.insert(0, HERE)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = "cuda"
    peers = {}
    with torch.no_grad():
        for rows, k, n in LINEARS:
            x, w, b = (torch.rand(rows, k, device=dev), torch.rand(n, k, device=dev),
                       torch.rand(n, device=dev))
            peers[f"linear_{rows}x{k}x{n}", ""] = cuda_times(torch, lambda: F.linear(x, w, b),
                                                             runs)
        w1, b1 = torch.rand(3072, 768, device=dev), torch.rand(3072, device=dev)
        w2, b2 = torch.rand(768, 3072, device=dev), torch.rand(768, device=dev)
        x = torch.rand(64, 768, device=dev)
        for name, m in NESTED_WIDTHS.items():
            peers["nested_ffn", name] = cuda_times(
                torch, lambda: F.linear(F.gelu(F.linear(x, w1[:m], b1[:m])), w2[:, :m], b2), runs)
        import bench_ssm
        forms = bench_ssm.torch_scan_forms()
        scan_tri, Mamba = forms["tri"], forms["Mamba"]
        for batch, length in MAMBA:
            # The tri form with chunks of 32: the fastest finite eager form of
            # the block (bench_ssm; chunks of 256 overflow f32 and time NaNs).
            module = Mamba(lambda *a: scan_tri(*a, chunk=32)).to(dev).eval()
            x = torch.randn(batch, length, bench_ssm.D_MODEL, device=dev)
            with torch.no_grad():
                if not torch.isfinite(module(x)).all():
                    raise SystemExit("gpu_gemm: the PyTorch Mamba block's output is not finite")
            peers[f"mamba_{batch}x{length}", ""] = cuda_times(torch, lambda: module(x), runs)
            # The block's two linears alone (what this schedule changes).
            peers[f"mamba_{batch}x{length}", "in_proj"] = cuda_times(
                torch, lambda: module.in_proj(x), runs)
    return peers


def run(directory, runs):
    import numpy as np
    import torch
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    print(f"# CUDA matrix products on {torch.cuda.get_device_name()} (PyTorch "
          f"{torch.__version__}, TF32 off); ms min / median of {runs}; peak "
          f"{PEAK_GFLOPS / 1000:.1f} TFLOP/s fp32\n")
    for ptx in sorted(f for f in os.listdir(directory) if f.endswith(".ptx")):
        try:
            report = subprocess.run(["ptxas", "-arch=sm_90", "-v", "-o", os.devnull,
                                     os.path.join(directory, ptx)], capture_output=True,
                                    text=True).stderr
            print(f"ptxas {ptx}: " + " ".join(
                line.split("ptxas info    : ")[-1] for line in report.splitlines()
                if "registers" in line or "spill" in line))
        except OSError as error:
            print(f"ptxas unavailable: {error}")
    print()
    peers = torch_peers(torch, runs)
    print("| case | variant | PTX fma / .local | check (max err, scale) | Loom device ms "
          "| GFLOP/s | of peak | PyTorch eager ms | eager / Loom |")
    print("|---|---|---|---|---|---|---|---|---|")
    status = 0
    for entry in manifest:
        exe = os.path.join(directory, entry["exe"])
        if not os.path.exists(exe):
            import lzma
            with lzma.open(exe + ".xz") as packed, open(exe, "wb") as unpacked:
                unpacked.write(packed.read())
            os.chmod(exe, 0o755)
        for run_name, arguments, gflop in entry["runs"]:
            cells = [f"{entry['case']} {run_name}".strip(), entry["variant"],
                     f"{entry['fma']} / {entry['local']}"]
            try:
                with tempfile.TemporaryDirectory() as got:
                    subprocess.run([exe, "--seed", "7", *arguments, "--output-dir", got,
                                    "--quiet"], check=True, capture_output=True, text=True)
                    checks = []
                    for f in sorted(os.listdir(got)):
                        ref = np.load(os.path.join(directory,
                                                   f"{entry['case']}{run_name}.ref.{f}"))
                        out = np.load(os.path.join(got, f)).reshape(-1)[::SAMPLE]
                        err = float(np.max(np.abs(out.astype(np.float64) - ref)))
                        scale = float(np.max(np.abs(ref)))
                        ok = err <= 1e-4 * (1 + scale) and bool(np.all(np.isfinite(out)))
                        status |= 0 if ok else 1
                        checks.append(f"{err:.1e} ({scale:.1e}) {'ok' if ok else 'FAIL'}")
                    cells.append("; ".join(checks))
                text = subprocess.run([exe, *arguments, "--bench", str(runs), "--quiet"],
                                      check=True, capture_output=True, text=True).stdout
                match = (re.search(r"device_ms min=([\d.]+) median=([\d.]+)", text) or
                         re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", text))
                loom = (float(match.group(1)), float(match.group(2)))
                cells.append(f"{loom[0]:.4f} / {loom[1]:.4f}")
                if gflop:
                    rate = gflop / (loom[0] * 1e-3)
                    cells += [f"{rate:.0f}", f"{rate / PEAK_GFLOPS:.1%}"]
                else:
                    cells += ["", ""]
                peer = peers.get((entry["case"], run_name))
                if peer:
                    cells += [f"{peer[0]:.4f} / {peer[1]:.4f}", f"{peer[0] / loom[0]:.2f}×"]
                if entry["case"].startswith("mamba"):
                    proj = peers.get((entry["case"], "in_proj"))
                    cells[-1] += f" (torch in_proj alone {proj[0]:.4f} ms)"
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
    parser.add_argument("--quick", action="store_true", help="build: old and default only")
    args = parser.parse_args()
    if args.mode == "build":
        build(args.directory, args.quick)
        return 0
    return run(args.directory, args.runs)


if __name__ == "__main__":
    sys.exit(main())
