"""PyTorch twin of examples/matformer.loom (same state_dict keys): the nested
FFNs slice their full weights to the chosen width.
Usage: matformer_ref.py OUTDIR  (writes weights, x.npy and
expected_<config>_logits.npy for each configuration in CONFIGS)."""
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import loomref

# FFN widths of blocks 0 and 1 per configuration the test runs.
CONFIGS = {"xl": (256, 256), "s": (32, 32), "mix": (32, 256)}


class MLP(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(hidden, width)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class NestedFFN(MLP):
    """MatFormer's FFN at width m: fc2.weight[:, :m] · gelu(fc1.weight[:m] x + fc1.bias[:m]) + fc2.bias."""

    def __init__(self, width, hidden):
        super().__init__(width, hidden)
        self.m = hidden

    def forward(self, x):
        m = self.m
        hidden = F.gelu(F.linear(x, self.fc1.weight[:m], self.fc1.bias[:m]))
        return F.linear(hidden, self.fc2.weight[:, :m], self.fc2.bias)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(64)
        self.token_mlp = MLP(16, 32)
        self.norm2 = nn.LayerNorm(64)
        self.ffn = NestedFFN(64, 256)

    def forward(self, h):
        h = h + self.token_mlp(self.norm1(h).transpose(1, 2)).transpose(1, 2)
        return h + self.ffn(self.norm2(h))


class MatFormer(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block() for _ in range(2)])
        self.norm = nn.LayerNorm(64)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        h = x
        for block in self.blocks:
            h = block(h)
        return {"logits": self.head(self.norm(h).mean(dim=1))}


if __name__ == "__main__":
    torch.manual_seed(0)
    model, outdir = MatFormer(), sys.argv[1]
    loomref.export(model, {"x": torch.randn(1, 16, 64)}, outdir, seed=7)
    x = torch.from_numpy(np.load(outdir + "/x.npy"))
    for name, widths in CONFIGS.items():
        for block, m in zip(model.blocks, widths):
            block.ffn.m = m
        with torch.no_grad():
            np.save(f"{outdir}/expected_{name}_logits.npy", model(x)["logits"].numpy())
