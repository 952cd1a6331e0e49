"""PyTorch twins of the Mamba-2 and Hydra blocks, written from LAYERS.md §3
and the dataflow of mamba_ssm's `Mamba2` / goombalab/hydra's `Hydra`, with
their attribute names so the state_dicts have the same keys. Every formula
runs in float64 with a plain loop over L (no chunked SSD): the scan, the
causal (Mamba2) or centred (Hydra) depthwise convolution, the gated RMSNorm.
Hydra's backward direction is written literally as the module does it:
flip along L, scan, roll by one with a zero first row, flip back.

usage: mamba2_ref.py OUTDIR mamba2|hydra B L d_model d_state d_conv headdim ngroups
       mamba2_ref.py check OUTDIR LOOMC ATOL RTOL
  (check: runs OUTDIR/model, compares y, and checks that the parameter names
  of the Loom model are exactly the twin's state_dict keys)
"""
import json
import os
import re
import subprocess
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref

# The state_dict keys of the modules (mamba_ssm Mamba2 with its defaults:
# rmsnorm, no biases, D per head; Hydra without learnable initial states).
KEYS = {
    "mamba2": ["dt_bias", "A_log", "D", "in_proj.weight", "conv1d.weight", "conv1d.bias",
               "norm.weight", "out_proj.weight"],
    "hydra": ["dt_bias", "A_log", "D", "in_proj.weight", "conv1d.weight", "conv1d.bias",
              "fc_D.weight", "norm.weight", "out_proj.weight"],
}


def scan(x, dt, a, b, c):
    """Causal Mamba-2 scan. x [B, L, H, P]; dt [B, L, H] (already
    discretized); a [H]; b, c [B, L, G, N]. y[l] = Σ_n S_l[p, n]·C[l, n]
    with S_l = exp(dt_l·a)·S_{l−1} + dt_l·x_l ⊗ B_l."""
    batch, length, heads, dim = x.shape
    groups, states = b.shape[2], b.shape[3]
    group_of = torch.arange(heads) // (heads // groups)
    state = x.new_zeros(batch, heads, dim, states)
    out = []
    for t in range(length):
        bt, ct = b[:, t, group_of], c[:, t, group_of]               # [B, H, N]
        decay = torch.exp(dt[:, t] * a)                               # [B, H]
        state = decay[..., None, None] * state + \
            (dt[:, t, :, None] * x[:, t])[..., None] * bt[:, :, None, :]
        out.append(torch.einsum("bhpn,bhn->bhp", state, ct))
    return torch.stack(out, dim=1)


def gated_rms_norm(y, z, weight, group_size, norm_before_gate, eps=1e-5):
    """RMSNormGated: statistics per group of `group_size` channels."""
    if not norm_before_gate:
        y = y * F.silu(z)
    shape = y.shape
    grouped = y.reshape(*shape[:-1], shape[-1] // group_size, group_size)
    grouped = grouped / torch.sqrt(grouped.pow(2).mean(-1, keepdim=True) + eps)
    out = grouped.reshape(shape) * weight
    if norm_before_gate:
        out = out * F.silu(z)
    return out


def depthwise(x, weight, bias, padding):
    """[B, L, C] → [B, L', C]: Σ_k w[c, k]·x[l − padding + k] + bias[c]."""
    batch, length, channels = x.shape
    kernel = weight.shape[2]
    padded = F.pad(x, (0, 0, padding, padding))
    out_length = length + 2 * padding - kernel + 1
    out = bias.expand(batch, out_length, channels).clone()
    for k in range(kernel):
        out = out + padded[:, k:k + out_length] * weight[:, 0, k]
    return out


class Mamba2(nn.Module):
    def __init__(self, d_model, d_state, d_conv, expand, headdim, ngroups):
        super().__init__()
        self.d_inner, self.d_state, self.ngroups = expand * d_model, d_state, ngroups
        self.headdim, self.nheads = headdim, expand * d_model // headdim
        conv_dim = self.d_inner + 2 * ngroups * d_state
        self.in_proj = nn.Linear(d_model, 2 * self.d_inner + 2 * ngroups * d_state + self.nheads,
                                 bias=False)
        self.conv1d = nn.Conv1d(conv_dim, conv_dim, d_conv, groups=conv_dim, padding=d_conv - 1)
        self.dt_bias = nn.Parameter(torch.zeros(self.nheads))
        self.A_log = nn.Parameter(torch.zeros(self.nheads))
        self.D = nn.Parameter(torch.ones(self.nheads))
        self.norm = nn.Module()
        self.norm.weight = nn.Parameter(torch.ones(self.d_inner))
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=False)

    def forward(self, u):
        u = u.double()
        batch, length, _ = u.shape
        gn = self.ngroups * self.d_state
        z, xbc, dt = F.linear(u, self.in_proj.weight.double()).split(
            [self.d_inner, self.d_inner + 2 * gn, self.nheads], dim=-1)
        xbc = F.silu(depthwise(xbc, self.conv1d.weight.double(), self.conv1d.bias.double(),
                               self.conv1d.padding[0])[:, :length])   # causal: first L
        x, b, c = xbc.split([self.d_inner, gn, gn], dim=-1)
        x = x.reshape(batch, length, self.nheads, self.headdim)
        dt = F.softplus(dt + self.dt_bias.double())
        y = scan(x, dt, -torch.exp(self.A_log.double()),
                 b.reshape(batch, length, self.ngroups, self.d_state),
                 c.reshape(batch, length, self.ngroups, self.d_state))
        y = y + self.D.double()[:, None] * x
        y = gated_rms_norm(y.reshape(batch, length, self.d_inner), z, self.norm.weight.double(),
                           self.d_inner // self.ngroups, norm_before_gate=False)
        return F.linear(y, self.out_proj.weight.double())


class Hydra(nn.Module):
    def __init__(self, d_model, d_state, d_conv, expand, headdim, ngroups):
        super().__init__()
        self.d_inner, self.d_state, self.ngroups = expand * d_model, d_state, ngroups
        self.headdim, self.nheads = headdim, expand * d_model // headdim
        conv_dim = self.d_inner + 4 * ngroups * d_state
        self.in_proj = nn.Linear(d_model,
                                 2 * self.d_inner + 4 * ngroups * d_state + 2 * self.nheads,
                                 bias=False)
        self.conv1d = nn.Conv1d(conv_dim, conv_dim, d_conv, groups=conv_dim, padding=d_conv // 2)
        self.dt_bias = nn.Parameter(torch.zeros(self.nheads))
        self.A_log = nn.Parameter(torch.zeros(self.nheads))
        self.D = nn.Parameter(torch.ones(self.nheads))
        self.fc_D = nn.Linear(self.d_inner, self.nheads, bias=False)
        self.norm = nn.Module()
        self.norm.weight = nn.Parameter(torch.ones(self.d_inner))
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=False)

    def forward(self, u):
        u = u.double()
        batch, length, _ = u.shape
        gn = self.ngroups * self.d_state
        z, xbc, dt = F.linear(u, self.in_proj.weight.double()).split(
            [self.d_inner, self.d_inner + 4 * gn, 2 * self.nheads], dim=-1)
        xbc = F.silu(depthwise(xbc, self.conv1d.weight.double(), self.conv1d.bias.double(),
                               self.conv1d.padding[0]))
        x, b_f, c_f, b_b, c_b = xbc.split([self.d_inner, gn, gn, gn, gn], dim=-1)
        a = -torch.exp(self.A_log.double())
        heads = lambda t: t.reshape(batch, length, self.nheads, self.headdim)
        groups = lambda t: t.reshape(batch, length, self.ngroups, self.d_state)
        flip = lambda t: torch.flip(t, (1,))

        def shift(y):  # roll by one along L, zero first row
            return torch.cat([torch.zeros_like(y[:, :1]), y[:, :-1]], dim=1)

        dt_f = F.softplus(dt[..., :self.nheads] + self.dt_bias.double())
        dt_b = F.softplus(dt[..., self.nheads:] + self.dt_bias.double())
        y_f = shift(scan(heads(x), dt_f, a, groups(b_f), groups(c_f)))
        y_b = flip(shift(scan(flip(heads(x)), flip(dt_b), a, flip(groups(b_b)),
                              flip(groups(c_b)))))
        d = F.linear(x, self.fc_D.weight.double()) + self.D.double()    # [B, L, H]
        y = (y_f + y_b + heads(x) * d[..., None]).reshape(batch, length, self.d_inner)
        y = gated_rms_norm(y, z, self.norm.weight.double(), self.d_inner,
                           norm_before_gate=True)
        return F.linear(y, self.out_proj.weight.double())


class Block(nn.Module):
    def __init__(self, kind, **sizes):
        super().__init__()
        self.mixer = (Mamba2 if kind == "mamba2" else Hydra)(**sizes)

    def forward(self, x):
        return {"y": self.mixer(x)}


def main():
    outdir, kind = sys.argv[1], sys.argv[2]
    batch, length, d_model, d_state, d_conv, headdim, ngroups = (int(v) for v in sys.argv[3:10])
    torch.manual_seed(batch * 100 + length)
    block = Block(kind, d_model=d_model, d_state=d_state, d_conv=d_conv, expand=2,
                  headdim=headdim, ngroups=ngroups)
    keys = sorted(block.mixer.state_dict())
    assert keys == sorted(KEYS[kind]), f"the twin's keys {keys} are not {kind}'s"
    loomref.export(block, {"x": torch.randn(batch, length, d_model)}, outdir, seed=length)
    with open(os.path.join(outdir, "block.loom"), "w") as out:
        out.write(f"model block {{\n  input x: f32[{batch}, {length}, {d_model}]\n"
                  f"  mixer = {kind}(x, d_state={d_state}, d_conv={d_conv}, expand=2, "
                  f"headdim={headdim}, ngroups={ngroups})\n  output y = mixer\n}}\n")
    with open(os.path.join(outdir, "keys.json"), "w") as out:
        json.dump(["mixer." + key for key in keys], out)


def check(outdir, loomc, atol, rtol):
    mlir = subprocess.run([loomc, os.path.join(outdir, "block.loom"), "--emit=mlir", "-o", "-"],
                          check=True, capture_output=True, text=True).stdout
    names = sorted(re.findall(r'loom\.param "([^"]+)"', mlir))
    with open(os.path.join(outdir, "keys.json")) as f:
        keys = json.load(f)
    if names != keys:
        print(f"parameter names differ: loom {names} vs state_dict {keys}")
        sys.exit(1)
    print(f"parameters: {len(names)} names = the state_dict's keys")
    subprocess.run([os.path.join(outdir, "model"), "--input",
                    "x=" + os.path.join(outdir, "x.npy"), "--output-dir",
                    os.path.join(outdir, "out")], check=True, stdout=subprocess.DEVNULL)
    loomref.compare(os.path.join(outdir, "out", "y.npy"),
                    os.path.join(outdir, "expected_y.npy"), atol, rtol)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    else:
        main()
