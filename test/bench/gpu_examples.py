#!/usr/bin/env python3
"""Every example model on the GPU: the CUDA build against its PyTorch twin
(test/numeric/<example>_ref.py, same state_dict), outputs and speed.

usage: here (Loom built):  /usr/bin/python3 test/bench/gpu_examples.py build DIR
       on the GPU machine:  python3 DIR/gpu_examples.py run DIR [--runs 200]

`build` runs each twin to write seeded weights, inputs and the twin's CPU
outputs into DIR/<example>/, compiles the example with --target=cuda against
those weights, and copies the twins and this script into DIR. `run` (CUDA
driver, PyTorch, numpy; no Halide or MLIR) then, for each example:
  - runs the CUDA executable on the inputs and compares its outputs with the
    twin's (tolerance atol + rtol·|expected|, per example as in its lit test);
  - times the executable: `latency` (host arrays in and out, one call) and
    `device` (inputs resident, outputs left on the GPU: loom_model_rerun_on_device);
  - times the twin on the same GPU with CUDA events after warm-up, eager and
    torch.compile (default mode), fp32 with TF32 off;
and prints one markdown table. Ratios are PyTorch / Loom device time (above 1:
Loom is faster). The twins are written for clarity, not speed (mamba_lm's
scan is a float32 loop over L in Python; mamba_ssm's CUDA kernels are not
available there): the eager column is what a user's straightforward module
costs; torch.compile fuses much of that away.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpu_timing import cuda_times  # noqa: E402  (next to this file, also in a bundle)
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# example -> (twin module, class name, atol, rtol); tolerances as the lit tests.
EXAMPLES = {
    "small_cnn": ("small_cnn_ref", "SmallCNN", 1e-4, 0.0),
    "mlp_mixer": ("mlp_mixer_ref", "MLPMixer", 1e-4, 0.0),
    "matformer": ("matformer_ref", "MatFormer", 1e-4, 0.0),
    "mamba_lm": ("mamba_lm_ref", "MambaLM", 1e-4, 0.0),
    "spark_encoder": ("spark_encoder_ref", "Encoder", 1e-4, 0.0),
    "terminator": ("terminator_ref", "Terminator", 1e-4, 1e-5),
    "replknet_block": ("replknet_block_ref", "RepLKBlock", 1e-4, 0.0),
    "hybrid": ("hybrid_ref", "Hybrid", 1e-4, 1e-5),
}


def build(directory):
    loomc = os.environ.get("LOOMC", os.path.join(ROOT, "build", "bin", "loomc"))
    numeric = os.path.join(ROOT, "test", "numeric")
    os.makedirs(os.path.join(directory, "py"), exist_ok=True)
    for name in os.listdir(numeric):
        if name.endswith(".py"):
            shutil.copy(os.path.join(numeric, name), os.path.join(directory, "py", name))
    shutil.copy(os.path.abspath(__file__), os.path.join(directory, "gpu_examples.py"))
    shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu_timing.py"),
                directory)
    for example, (twin, _, _, _) in EXAMPLES.items():
        out = os.path.join(directory, example)
        print(f"gpu_examples: {example}", flush=True)
        subprocess.run([sys.executable, os.path.join(numeric, twin + ".py"), out], check=True,
                       env=dict(os.environ, PYTHONPATH=numeric))
        subprocess.run([loomc, os.path.join(ROOT, "examples", example + ".loom"),
                        "--target=cuda", "--weights", os.path.join(out, "weights.safetensors"),
                        "-o", os.path.join(out, example + ".cuda")], check=True)


def load_safetensors(path, torch):
    """The weights file as {name: tensor} (numpy reads the raw data)."""
    import numpy as np
    dtypes = {"F32": np.float32, "I32": np.int32, "I64": np.int64}
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[entry["dtype"]])
        tensors[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
    return tensors


def loom_times(exe, arguments, runs):
    text = subprocess.run([exe, *arguments, "--bench", str(runs), "--quiet"], check=True,
                          capture_output=True, text=True).stdout
    found = {}
    for label in ("latency_ms", "device_ms"):
        match = re.search(label + r" min=([\d.]+) median=([\d.]+)", text)
        found[label] = (float(match.group(1)), float(match.group(2))) if match else None
    return found


def run(directory, runs, only=None, compile_peer=True):
    import numpy as np
    import torch
    sys.path.insert(0, os.path.join(directory, "py"))
    import mamba_ref
    mamba_ref.SCAN_DTYPE = torch.float32  # the twin's float64 scan is for the numeric tests
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    print(f"# Examples on {torch.cuda.get_device_name()} (PyTorch {torch.__version__}); "
          f"ms, min / median of {runs}")
    print()
    print("| example | outputs vs PyTorch | Loom with copies | Loom device | PyTorch eager "
          "| torch.compile | eager / Loom | compile / Loom |")
    print("|---|---|---|---|---|---|---|---|")
    status = 0
    for example, (twin, cls, atol, rtol) in EXAMPLES.items():
        if only and example not in only:
            continue
        here = os.path.join(directory, example)
        exe = os.path.join(here, example + ".cuda")
        weights = os.path.join(here, "weights.safetensors")
        inputs = sorted(f[:-4] for f in os.listdir(here)
                        if f.endswith(".npy") and not f.startswith("expected_"))
        arguments = ["--weights", weights]
        for name in inputs:
            arguments += ["--input", f"{name}={os.path.join(here, name + '.npy')}"]
        row = [example]
        try:
            got = os.path.join(here, "got")
            subprocess.run([exe, *arguments, "--output-dir", got, "--quiet"], check=True,
                           capture_output=True, text=True)
            checks = []
            # The model's outputs; a twin may also save outputs at other settings
            # (matformer: expected_s_logits.npy), which this run does not produce.
            for f in sorted(os.listdir(here)):
                if not f.startswith("expected_") or not os.path.exists(
                        os.path.join(got, f[len("expected_"):])):
                    continue
                expected = np.load(os.path.join(here, f)).astype(np.float64)
                actual = np.load(os.path.join(got, f[len("expected_"):])).astype(np.float64)
                error = np.abs(actual - expected)
                ok = actual.shape == expected.shape and bool(
                    np.all(error <= atol + rtol * np.abs(expected)))
                status |= 0 if ok else 1
                checks.append(f"{error.max():.1e} {'ok' if ok else 'FAIL'}")
            if not checks:
                raise RuntimeError("no output of the executable has an expected_*.npy")
            row.append("; ".join(checks))
            loom = loom_times(exe, arguments, runs)
            row += [f"{loom['latency_ms'][0]:.3f} / {loom['latency_ms'][1]:.3f}",
                    f"{loom['device_ms'][0]:.3f} / {loom['device_ms'][1]:.3f}"]

            module = getattr(__import__(twin), cls)()
            module.load_state_dict(load_safetensors(weights, torch))
            module = module.cuda().eval()
            feeds = {name: torch.from_numpy(np.load(os.path.join(here, name + ".npy"))).cuda()
                     for name in inputs}
            with torch.no_grad():
                eager = cuda_times(torch, lambda: module(**feeds), runs)
                if compile_peer:
                    started = time.time()
                    compiled_module = torch.compile(module)
                    compiled = cuda_times(torch, lambda: compiled_module(**feeds), runs)
                    compile_s = time.time() - started
            device = loom["device_ms"][0]
            row += [f"{eager[0]:.3f} / {eager[1]:.3f}",
                    f"{compiled[0]:.3f} / {compiled[1]:.3f} ({compile_s:.0f} s to compile)"
                    if compile_peer else "not run (--no-compile)",
                    f"{eager[0] / device:.2f}×",
                    f"{compiled[0] / device:.2f}×" if compile_peer else "–"]
        except Exception as error:  # one broken example must not hide the others
            status = 1
            row.append(f"FAILED: {str(error).splitlines()[-1] if str(error) else type(error)}")
        print("| " + " | ".join(row) + " |", flush=True)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["build", "run"])
    parser.add_argument("directory")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--only", help="comma-separated examples (default: all)")
    parser.add_argument("--no-compile", action="store_true",
                        help="skip torch.compile (mamba_lm's 64-step loop takes minutes)")
    args = parser.parse_args()
    if args.mode == "build":
        build(args.directory)
        return 0
    return run(args.directory, args.runs, args.only.split(",") if args.only else None,
               not args.no_compile)


if __name__ == "__main__":
    sys.exit(main())
