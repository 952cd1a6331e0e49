"""PyTorch twin of examples/mlp_mixer.loom: same layers, same state_dict keys.
Usage: mlp_mixer_ref.py OUTDIR  (writes weights, x.npy and expected_logits.npy)"""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref


class MLP(nn.Module):
    def __init__(self, width, hidden, approximate):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(hidden, width)
        self.approximate = approximate

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate=self.approximate))


class MixerBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(64)
        self.token_mlp = MLP(16, 32, "none")
        self.norm2 = nn.LayerNorm(64)
        self.channel_mlp = MLP(64, 128, "tanh")

    def forward(self, h):
        h = h + self.token_mlp(self.norm1(h).transpose(1, 2)).transpose(1, 2)
        return h + self.channel_mlp(self.norm2(h))


class MLPMixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([MixerBlock() for _ in range(2)])
        self.norm = nn.LayerNorm(64)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        h = x
        for block in self.blocks:
            h = block(h)
        return {"logits": self.head(self.norm(h).mean(dim=1))}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(MLPMixer(), {"x": torch.randn(1, 16, 64)}, sys.argv[1], seed=2)
