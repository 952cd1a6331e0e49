"""Independent reference of loom.ssd_scan (Mamba-2's scan, LAYERS.md §3),
written from the recurrence: a float64 loop over L with a [P, N] state per
head. Writes a Loom model of the requested shape, weights, inputs and the
expected output.

usage: ssd_scan_ref.py OUTDIR B L H P G N [z] [noD]
       ssd_scan_ref.py check OUTDIR ATOL RTOL   (runs OUTDIR/model, compares)
"""
import json
import os
import subprocess
import sys

import torch
import torch.nn.functional as F

import loomref


def ssd_scan(x, dt, a, b, c, d=None, z=None, dt_bias=None, dt_softplus=True):
    """x, z: [B, L, H, P]; dt: [B, L, H]; a, d, dt_bias: [H]; b, c: [B, L, G, N]."""
    if dt_bias is not None:
        dt = dt + dt_bias
    if dt_softplus:
        dt = F.softplus(dt)
    batch, length, heads, _ = x.shape
    per_group = heads // b.shape[2]
    b = b.repeat_interleave(per_group, dim=2)                    # [B, L, H, N]
    c = c.repeat_interleave(per_group, dim=2)
    state = x.new_zeros(batch, heads, x.shape[3], b.shape[3])    # [B, H, P, N]
    ys = []
    for t in range(length):
        decay = torch.exp(dt[:, t] * a)[:, :, None, None]
        state = decay * state + (dt[:, t, :, None] * x[:, t])[..., None] * b[:, t, :, None, :]
        ys.append((state * c[:, t, :, None, :]).sum(-1))         # [B, H, P]
    y = torch.stack(ys, dim=1)
    if d is not None:
        y = y + d[:, None] * x
    if z is not None:
        y = y * F.silu(z)
    return y


def main():
    outdir = sys.argv[1]
    batch, length, heads, head_dim, groups, states = (int(v) for v in sys.argv[2:8])
    flags = set(sys.argv[8:])
    g = torch.Generator().manual_seed(batch * 1000 + length)
    rand = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    inputs = {"x": rand(batch, length, heads, head_dim), "dt": rand(batch, length, heads),
              "B": rand(batch, length, groups, states), "C": rand(batch, length, groups, states)}
    if "z" in flags:
        inputs["z"] = rand(batch, length, heads, head_dim)
    weights = {"ss.A_log": torch.log(torch.rand(heads, generator=g, dtype=torch.float64) * 4
                                     + 0.1),
               "ss.dt_bias": rand(heads) * 0.5}
    if "noD" not in flags:
        weights["ss.D"] = rand(heads)
    y = ssd_scan(inputs["x"], inputs["dt"], -torch.exp(weights["ss.A_log"]), inputs["B"],
                 inputs["C"], weights.get("ss.D"), inputs.get("z"), weights["ss.dt_bias"])
    args = ", ".join(["x", "dt", "B", "C"] + (["z"] if "z" in flags else []))
    keywords = ", D=false" if "noD" in flags else ""
    lines = ["model scan {"]
    for name, tensor in inputs.items():
        lines.append(f"  input {name}: f32{list(tensor.shape)}")
    lines += [f"  ss = ssd_scan({args}{keywords})", "  output y = ss", "}"]
    os.makedirs(outdir, exist_ok=True)
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
    with open(os.path.join(outdir, "inputs.json")) as f:
        names = json.load(f)
    command = [os.path.join(outdir, "model"), "--output-dir", os.path.join(outdir, "out")]
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
