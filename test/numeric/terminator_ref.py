"""PyTorch twin of examples/terminator.loom (same layers, same state_dict
keys), built on the hyper_kernel / hyper_zzw reference of hyper_ref.py.
Usage: terminator_ref.py OUTDIR  (writes weights, x.npy and expected_logits.npy)"""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref
from hyper_ref import HyperKernel, depthwise_same


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.global_kernel = HyperKernel("mfn", 32, 32, 32, 3)
        self.context = nn.Conv2d(32, 16, 1)
        self.local_kernel = HyperKernel("siren", 32, 7, 16, 2, context=16, omega0=10.0)
        self.bottleneck = nn.Conv2d(64, 32, 1)
        self.norm = nn.BatchNorm2d(32)

    def forward(self, h):
        kernel = self.global_kernel()                                  # [C, 32, 32]
        global_branch = depthwise_same(h, kernel.unsqueeze(0) * h)     # W ⊙ Z, convolving Z
        context = F.gelu(self.context(F.avg_pool2d(h, 8, 4)))          # [N, 16, 7, 7]
        local_branch = depthwise_same(h, self.local_kernel(context))   # per-sample 7×7
        mixed = self.bottleneck(torch.cat([global_branch, local_branch], dim=1))
        return F.gelu(self.norm(mixed))


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(32, 10)


class Terminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 3, padding=1)
        self.stem_bn = nn.BatchNorm2d(32)
        self.blocks = nn.ModuleList([Block() for _ in range(2)])
        self.head = Head()

    def forward(self, x):
        h = F.gelu(self.stem_bn(self.stem(x)))
        for block in self.blocks:
            h = block(h)
        pooled = F.adaptive_avg_pool2d(h, 1).reshape(x.shape[0], -1)
        return {"logits": self.head.fc(pooled)}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(Terminator(), {"x": torch.randn(1, 3, 32, 32)}, sys.argv[1], seed=5)
