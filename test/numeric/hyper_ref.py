"""Independent PyTorch reference of Inputs/hyper.loom, written from
LAYERS.md §1: hyper_kernel (MFN and SIREN coordinate networks on a
linspace(-1, 1, k) grid, optionally gated by a per-position context) and
hyper_zzw (global: conv of Z with W ⊙ Z; local: conv of Z with a per-sample
kernel; elementwise: W ⊙ Z), "same" zero padding with (k-1)//2 before."""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref


class HyperKernel(nn.Module):
    def __init__(self, net, channels, kernel, hidden, layers, context=0, omega0=30.0,
                 beta=0.0):
        super().__init__()
        self.net, self.kernel, self.omega0, self.beta = net, kernel, omega0, beta
        if net == "mfn":
            self.filters = nn.ModuleList(nn.Linear(2, hidden) for _ in range(layers))
            self.linears = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(layers - 1))
        else:
            self.linears = nn.ModuleList(
                nn.Linear(2 if i == 0 else hidden, hidden) for i in range(layers))
        if context:
            self.gates = nn.ModuleList(nn.Linear(context, hidden) for _ in range(layers))
        self.output_linear = nn.Linear(hidden, channels)

    def forward(self, context=None):
        axis = torch.linspace(-1.0, 1.0, self.kernel, device=self.output_linear.weight.device)
        rows, cols = torch.meshgrid(axis, axis, indexing="ij")
        p = torch.stack([cols, rows], dim=-1)          # [k, k, 2]: (x, y)
        c = None if context is None else context.permute(0, 2, 3, 1)  # [N, k, k, D]

        def gate(h, i):
            return h if c is None else h * self.gates[i](c)

        if self.net == "mfn":
            h = gate(torch.sin(self.filters[0](p)), 0)
            for i in range(1, len(self.filters)):
                h = gate(torch.sin(self.filters[i](p)) * self.linears[i - 1](h) + self.beta, i)
        else:
            h = p
            for i, layer in enumerate(self.linears):
                h = gate(torch.sin(self.omega0 * layer(h)), i)
        k = self.output_linear(h)                      # [..., k, k, C]
        return k.movedim(-1, -3)                       # [..., C, k, k]


def depthwise_same(z, kernels):
    """z [N, C, H, W], kernels [N, C, k, k]: per-sample depthwise conv."""
    k = kernels.shape[-1]
    before, after = (k - 1) // 2, k - 1 - (k - 1) // 2
    padded = F.pad(z, (before, after, before, after))
    out = []
    for n in range(z.shape[0]):
        out.append(F.conv2d(padded[n:n + 1], kernels[n].unsqueeze(1), groups=z.shape[1]))
    return torch.cat(out)


class Hyper(nn.Module):
    def __init__(self):
        super().__init__()
        self.kg = HyperKernel("mfn", 6, 10, 16, 3, beta=0.1)
        self.ctx = nn.Conv2d(6, 4, 1)
        self.kl = HyperKernel("siren", 6, 5, 8, 2, context=4, omega0=3.0)

    def forward(self, z):
        kg = self.kg()
        g = depthwise_same(z, kg.unsqueeze(0) * z)
        ctx = F.gelu(self.ctx(F.avg_pool2d(z, 2, 2)))
        l = depthwise_same(g, self.kl(ctx))
        return {"kg": kg, "g": g, "l": l, "e": kg * z}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(Hyper(), {"z": torch.randn(2, 6, 10, 10)}, sys.argv[1], seed=7)
