"""Independent reference of Hydra's bidirectional mixer (LAYERS.md §3):
y = shift(SS(x)) + flip(shift(SS(flip(x)))) + D·x on the Mamba-2 scan SS,
B and C shared by both directions, one Δ per direction, written literally
with flips and shifts around ssd_scan_ref's float64 loop.

usage: hydra_ref.py OUTDIR B L H P G N
       hydra_ref.py check OUTDIR ATOL RTOL
"""
import json
import os
import sys

import torch

import loomref
from ssd_scan_ref import check, ssd_scan


def shift(v):
    """One step later along L; zeros at the first position."""
    return torch.cat([torch.zeros_like(v[:, :1]), v[:, :-1]], dim=1)


def flip(v):
    return v.flip(1)


def main():
    outdir = sys.argv[1]
    batch, length, heads, head_dim, groups, states = (int(v) for v in sys.argv[2:8])
    g = torch.Generator().manual_seed(batch * 1000 + length)
    rand = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    inputs = {"x": rand(batch, length, heads, head_dim), "dt_fwd": rand(batch, length, heads),
              "dt_bwd": rand(batch, length, heads), "B": rand(batch, length, groups, states),
              "C": rand(batch, length, groups, states)}
    weights = {"mix.A_log": torch.log(torch.rand(heads, generator=g, dtype=torch.float64) * 4
                                      + 0.1),
               "mix.D": rand(heads), "mix.dt_bias": rand(heads) * 0.5}
    a = -torch.exp(weights["mix.A_log"])
    x, b, c = inputs["x"], inputs["B"], inputs["C"]
    forward = ssd_scan(x, inputs["dt_fwd"], a, b, c, dt_bias=weights["mix.dt_bias"])
    backward = ssd_scan(flip(x), flip(inputs["dt_bwd"]), a, flip(b), flip(c),
                        dt_bias=weights["mix.dt_bias"])
    y = shift(forward) + flip(shift(backward)) + weights["mix.D"][:, None] * x

    lines = ["model hydra {"]
    for name, tensor in inputs.items():
        lines.append(f"  input {name}: f32{list(tensor.shape)}")
    lines += ["  mix = hydra_scan(x, dt_fwd, dt_bwd, B, C)", "  output y = mix", "}"]
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


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        main()
