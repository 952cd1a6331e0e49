"""Dense PyTorch reference of Inputs/sparse_ops.loom, written from LAYERS.md §2:
sparse_conv2d(x, M) = M_out · conv2d(M · x) with M_out = max_pool(M, stride)
(ceil mode), sparse norms = M · norm(x). Writes weights, x.npy and, per mask
density, mask_<d>.npy and expected_<d>_<output>.npy.
Usage: sparse_ops_ref.py OUTDIR"""
import os
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import loomref

DENSITIES = ["zero", "one", "25", "40", "60", "full"]


def pool(mask, stride):
    if stride == 1:
        return mask
    return F.max_pool2d(mask, stride, stride, ceil_mode=True)


class SparseOps(nn.Module):
    def __init__(self):
        super().__init__()
        for k in (1, 3, 5, 7):
            setattr(self, f"k{k}", nn.Conv2d(6, 8, k, padding=k // 2, bias=k != 5))
            setattr(self, f"s{k}", nn.Conv2d(6, 8, k, stride=2, padding=k // 2))
        self.bn = nn.BatchNorm2d(8)
        self.ln = nn.LayerNorm(8, eps=1e-6)
        self.chain = nn.Conv2d(8, 8, 3, padding=1)
        self.after = nn.Conv2d(8, 8, 3, padding=1)
        self.wide = nn.Conv2d(6, 40, 3, padding=1)
        self.wide2 = nn.Conv2d(40, 24, 3, stride=2, padding=1)

    def sparse(self, conv, x, mask):
        return pool(mask, conv.stride[0]) * conv(mask * x)

    def forward(self, x, mask):
        out = {}
        for k in (1, 3, 5, 7):
            out[f"k{k}"] = self.sparse(getattr(self, f"k{k}"), x, mask)
            out[f"s{k}"] = self.sparse(getattr(self, f"s{k}"), x, mask)
        out["bn"] = mask * self.bn(out["k3"])
        out["ln"] = mask * self.ln(out["k3"].permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        out["chain"] = self.sparse(self.chain, F.relu(out["bn"]) + out["k1"], mask)
        coarse = pool(mask, 2)
        out["after"] = self.sparse(self.after, out["s3"], coarse)
        out["coarse"] = coarse
        out["wide"] = self.sparse(self.wide, x, mask)
        out["wide2"] = self.sparse(self.wide2, out["wide"], mask)
        return out


def make_mask(name, generator):
    shape = (2, 1, 13, 11)
    if name == "zero":
        return torch.zeros(shape)
    if name == "full":
        return torch.ones(shape)
    if name == "one":
        mask = torch.zeros(shape)
        mask[1, 0, 6, 4] = 1.0
        return mask
    return (torch.rand(shape, generator=generator) < int(name) / 100).float()


if __name__ == "__main__":
    outdir = sys.argv[1]
    torch.manual_seed(0)
    module = SparseOps()
    x = torch.randn(2, 6, 13, 11)
    loomref.export(module, {"x": x, "mask": torch.ones(2, 1, 13, 11)}, outdir, seed=3)
    generator = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for density in DENSITIES:
            mask = make_mask(density, generator)
            np.save(os.path.join(outdir, f"mask_{density}.npy"), mask.numpy())
            for name, value in module(x, mask).items():
                np.save(os.path.join(outdir, f"expected_{density}_{name}.npy"), value.numpy())
