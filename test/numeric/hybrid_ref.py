"""PyTorch twin of examples/hybrid.loom (same state_dict keys), built from the
families' own twins: the sparse stem written densely as SparK emulates it
(M · conv(M · x)), hyper_ref.py's coordinate network and W ⊙ Z convolution,
mamba_ref.py's Mamba block and matformer_ref.py's nested FFN.
Usage: hybrid_ref.py OUTDIR  (writes weights, x.npy, mask.npy and
expected_<config>_logits.npy for the head's FFN at each width in CONFIGS)."""
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import loomref
from hyper_ref import HyperKernel, depthwise_same
from mamba_lm_ref import RMSNorm
from mamba_ref import Mamba
from matformer_ref import NestedFFN
from spark_encoder_ref import up

# The head FFN's width per configuration the test runs (granularities 64, 128, 256 are named m, l, xl).
CONFIGS = {"xl": 256, "m": 64, "l": 128}


class Stem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(64)

    def forward(self, x, mask):
        m64, m32, m16 = up(mask, 16), up(mask, 8), up(mask, 4)
        h = F.relu(m32 * self.bn1(m32 * self.conv1(m64 * x)))
        return F.relu(m16 * self.bn2(m16 * self.conv2(m32 * h)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.large = nn.Conv2d(64, 64, 13, padding=6, groups=64, bias=False)
        self.kernel = HyperKernel("mfn", 64, 16, 32, 3)
        self.norm = nn.BatchNorm2d(64)
        self.proj = nn.Conv2d(64, 64, 1)

    def forward(self, h):
        global_branch = depthwise_same(h, self.kernel().unsqueeze(0) * h)   # W ⊙ Z, convolving Z
        return h + self.proj(F.gelu(self.norm(self.large(h) + global_branch)))


class Mixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = RMSNorm(64)
        self.mamba = Mamba(64, d_state=16, d_conv=4, expand=2)


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(64)
        self.ffn = NestedFFN(64, 256)
        self.fc = nn.Linear(64, 10)


class Hybrid(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = Stem()
        self.blocks = nn.ModuleList([Block() for _ in range(2)])
        self.mixer = Mixer()
        self.head = Head()

    def forward(self, x, mask):
        h = self.stem(x, mask)
        for block in self.blocks:
            h = block(h)
        t = h.reshape(1, 64, 256).transpose(1, 2)                 # [1, 256 tokens, 64]
        t = t + self.mixer.mamba(self.mixer.norm(t))
        t = t + self.head.ffn(self.head.norm(t))
        return {"logits": self.head.fc(t.mean(dim=1))}


if __name__ == "__main__":
    torch.manual_seed(0)
    model, outdir = Hybrid(), sys.argv[1]
    mask = (torch.rand(1, 1, 4, 4) < 0.5).float()   # about half of the 16 patches kept
    inputs = {"x": torch.randn(1, 3, 64, 64), "mask": mask}
    loomref.export(model, inputs, outdir, seed=11)
    for name, width in CONFIGS.items():
        model.head.ffn.m = width
        with torch.no_grad():
            np.save(f"{outdir}/expected_{name}_logits.npy", model(**inputs)["logits"].numpy())
