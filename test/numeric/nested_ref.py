"""Independent PyTorch reference of Inputs/nested.loom: MatFormer FFNs that
slice their full weights to the chosen width, and an MRL embedding.
Usage: nested_ref.py OUTDIR  (writes weights, x.npy and, per configuration,
expected_<config>_{y,e}.npy)."""
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import loomref

# Configurations the test runs, as widths (layers.0.ffn, layers.1.ffn, embed).
CONFIGS = {
    "xl": (64, 48, 32),
    "l": (32, 24, 16),
    "m": (16, 12, 8),
    "mixed": (8, 48, 16),    # --granularity-per-layer 0:s,1:xl,2:l
    "w12": (12, 12, 12),     # --granularity 12: generic widths for layers 0 and 2
    "w20": (20, 20, 20),     # --granularity 20: generic everywhere
    "w5": (5, 5, 5),         # --granularity 5: generic, less than one vector
}


class NestedFFN(nn.Module):
    """FFN_m(x) = fc2.weight[:, :m] · act(fc1.weight[:m] · x + fc1.bias[:m]) + fc2.bias."""

    def __init__(self, width, hidden, activation, bias=True):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden, bias=bias)
        self.fc2 = nn.Linear(hidden, width, bias=bias)
        self.activation = activation
        self.m = hidden

    def forward(self, x):
        b1 = self.fc1.bias[: self.m] if self.fc1.bias is not None else None
        hidden = self.activation(F.linear(x, self.fc1.weight[: self.m], b1))
        return F.linear(hidden, self.fc2.weight[:, : self.m], self.fc2.bias)


class Nested(nn.Module):
    def __init__(self):
        super().__init__()
        # Parameter names: layers.{i}.ffn.fc{1,2}.{weight,bias}.
        self.layers = nn.ModuleList([nn.Module(), nn.Module()])
        self.layers[0].ffn = NestedFFN(32, 64, lambda h: F.gelu(h, approximate="tanh"))
        self.layers[1].ffn = NestedFFN(32, 48, F.silu, bias=False)
        self.embed_width = 32

    def forward(self, x):
        h = x + self.layers[0].ffn(x)
        h = h + self.layers[1].ffn(h)
        m = self.embed_width
        e = torch.zeros_like(x)
        e[..., :m] = F.normalize(x[..., :m], dim=-1)
        return {"y": h, "e": e}


if __name__ == "__main__":
    torch.manual_seed(0)
    model = Nested()
    outdir = sys.argv[1]
    loomref.export(model, {"x": torch.randn(2, 8, 32)}, outdir, seed=5)
    x = torch.from_numpy(np.load(outdir + "/x.npy"))
    for name, (m0, m1, me) in CONFIGS.items():
        model.layers[0].ffn.m, model.layers[1].ffn.m, model.embed_width = m0, m1, me
        with torch.no_grad():
            outputs = model(x)
        for output, tensor in outputs.items():
            np.save(f"{outdir}/expected_{name}_{output}.npy", tensor.numpy())
