"""PyTorch twin of Inputs/mamba_block.loom: a Mamba (v1) block written from
LAYERS.md §3, with the attribute names of mamba_ssm's `Mamba` module so its
state_dict keys are the same (in_proj.weight, conv1d.weight, conv1d.bias,
x_proj.weight, dt_proj.weight, dt_proj.bias, A_log, D, out_proj.weight)."""
import math
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref
from selective_scan_ref import selective_scan

# The scan runs in float64 for the numeric tests; a benchmark of the module as
# a PyTorch peer sets float32 (test/bench/gpu_examples.py).
SCAN_DTYPE = torch.float64


class Mamba(nn.Module):
    def __init__(self, d_model, d_state=16, d_conv=4, expand=2, dt_rank=None):
        super().__init__()
        self.d_inner = expand * d_model
        self.d_state = d_state
        self.dt_rank = dt_rank or math.ceil(d_model / 16)
        self.in_proj = nn.Linear(d_model, 2 * self.d_inner, bias=False)
        self.conv1d = nn.Conv1d(self.d_inner, self.d_inner, d_conv, groups=self.d_inner,
                                padding=d_conv - 1)
        self.x_proj = nn.Linear(self.d_inner, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, self.d_inner)
        self.A_log = nn.Parameter(torch.zeros(self.d_inner, d_state))
        self.D = nn.Parameter(torch.ones(self.d_inner))
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=False)

    def forward(self, x):
        length = x.shape[1]
        xs, z = self.in_proj(x).chunk(2, dim=-1)                     # [B, L, d_inner]
        u = F.silu(self.conv1d(xs.transpose(1, 2))[..., :length])    # [B, d_inner, L]
        dt, b, c = self.x_proj(u.transpose(1, 2)).split(
            [self.dt_rank, self.d_state, self.d_state], dim=-1)
        delta = (dt @ self.dt_proj.weight.t()).transpose(1, 2)       # bias: in the scan
        t = SCAN_DTYPE
        y = selective_scan(u.to(t), delta.to(t), -torch.exp(self.A_log.to(t)),
                           b.transpose(1, 2).to(t), c.transpose(1, 2).to(t),
                           self.D.to(t), z.transpose(1, 2).to(t),
                           self.dt_proj.bias.to(t), delta_softplus=True)
        return self.out_proj(y.float().transpose(1, 2))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.mixer = Mamba(16, d_state=8, d_conv=4, expand=2)

    def forward(self, x):
        return {"y": self.mixer(x)}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(Block(), {"x": torch.randn(2, 13, 16)}, sys.argv[1], seed=5)
