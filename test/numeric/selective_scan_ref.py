"""Independent reference of loom.selective_scan (LAYERS.md §3), written from
the formulas: a plain loop over L in float64. Writes a Loom model of the
requested shape, its weights, inputs and the expected output.

usage: selective_scan_ref.py OUTDIR B D L N [z] [noD] [nobias] [nosoftplus] [long] [wide]
       selective_scan_ref.py check OUTDIR ATOL RTOL   (runs OUTDIR/model, compares)
"""
import json
import math
import os
import subprocess
import sys

import torch
import torch.nn.functional as F

import loomref


def selective_scan(u, delta, a, b, c, d=None, z=None, delta_bias=None,
                   delta_softplus=True):
    """u, delta, z: [B, D, L]; a: [D, N]; b, c: [B, N, L]; d, delta_bias: [D]."""
    if delta_bias is not None:
        delta = delta + delta_bias[None, :, None]
    if delta_softplus:
        delta = F.softplus(delta)
    batch, channels, length = u.shape
    h = torch.zeros(batch, channels, a.shape[1], dtype=u.dtype, device=u.device)
    ys = []
    for step in range(length):
        dt = delta[:, :, step, None]                       # [B, D, 1]
        h = torch.exp(dt * a) * h + dt * b[:, None, :, step] * u[:, :, step, None]
        ys.append((h * c[:, None, :, step]).sum(-1))        # [B, D]
    y = torch.stack(ys, dim=-1)
    if d is not None:
        y = y + d[None, :, None] * u
    if z is not None:
        y = y * F.silu(z)
    return y


def main():
    outdir = sys.argv[1]
    batch, channels, length, states = (int(v) for v in sys.argv[2:6])
    flags = set(sys.argv[6:])
    os.makedirs(outdir, exist_ok=True)
    g = torch.Generator().manual_seed(batch * 1000 + length)
    rand = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    inputs = {"u": rand(batch, channels, length), "delta": rand(batch, channels, length),
              "B": rand(batch, states, length), "C": rand(batch, states, length)}
    if "z" in flags:
        inputs["z"] = rand(batch, channels, length)
    weights = {"ss.A_log": torch.log(torch.rand(channels, states, generator=g,
                                                dtype=torch.float64) * 4 + 0.1)}
    if "noD" not in flags:
        weights["ss.D"] = rand(channels)
    if "nobias" not in flags:
        weights["ss.delta_bias"] = rand(channels) * 0.5
    softplus = "nosoftplus" not in flags
    if not softplus:  # Δ must stay positive for a stable scan.
        # `wide`: Δ·A from 0 to about −300, past where a 2^x approximation
        # must clamp its exponent (−126·ln 2 ≈ −87), through every fraction.
        inputs["delta"] = inputs["delta"].abs() * (15.0 if "wide" in flags else 0.3)
        if "ss.delta_bias" in weights:
            weights["ss.delta_bias"] = weights["ss.delta_bias"].abs()
    if "long" in flags:
        # A long memory: Δ = softplus(Δraw − 5) ≈ 0.007 (trained Mamba's small
        # steps) and |A| ≤ 1, so decays sit within ~0.01 of 1 and an exp whose
        # error does not vanish at 0 compounds over hundreds of steps.
        inputs["delta"] = inputs["delta"] - 5.0
        weights["ss.A_log"] = weights["ss.A_log"] + math.log(0.25)

    y = selective_scan(inputs["u"], inputs["delta"], -torch.exp(weights["ss.A_log"]),
                       inputs["B"], inputs["C"], weights.get("ss.D"), inputs.get("z"),
                       weights.get("ss.delta_bias"), softplus)

    args = ", ".join(["u", "delta", "B", "C"] + (["z"] if "z" in flags else []))
    keywords = "".join(f", {k}=false" for k, flag in
                       [("D", "noD"), ("delta_bias", "nobias"),
                        ("delta_softplus", "nosoftplus")] if flag in flags)
    lines = [f"model scan {{"]
    for name, tensor in inputs.items():
        lines.append(f"  input {name}: f32{list(tensor.shape)}")
    lines += [f"  ss = selective_scan({args}{keywords})", "  output y = ss", "}"]
    with open(os.path.join(outdir, "scan.loom"), "w") as out:
        out.write("\n".join(lines) + "\n")
    loomref.save_safetensors(os.path.join(outdir, "weights.safetensors"),
                             {k: v.float() for k, v in weights.items()})
    for name, tensor in inputs.items():
        loomref.np.save(os.path.join(outdir, name + ".npy"), tensor.float().numpy())
    loomref.np.save(os.path.join(outdir, "expected_y.npy"), y.float().numpy())
    with open(os.path.join(outdir, "inputs.json"), "w") as out:
        json.dump(list(inputs), out)


def check(outdir, atol, rtol):
    """Runs the compiled model on the saved inputs and compares its output."""
    with open(os.path.join(outdir, "inputs.json")) as f:
        names = json.load(f)
    # The weights are named explicitly: the artifact's built-in path is where
    # it was compiled, which a bundle moved to a GPU machine does not have.
    command = [os.path.join(outdir, "model"), "--output-dir", os.path.join(outdir, "out"),
               "--weights", os.path.join(outdir, "weights.safetensors")]
    for name in names:
        command += ["--input", f"{name}={os.path.join(outdir, name + '.npy')}"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    loomref.compare(os.path.join(outdir, "out", "y.npy"),
                    os.path.join(outdir, "expected_y.npy"), atol, rtol)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        main()
