"""Independent PyTorch reference of Inputs/reparam.loom: the unmerged
branches (conv2d then eval-mode batch norm, summed), as a trained RepLKNet /
UniRepLKNet block computes them before re-parameterization."""
import sys

import torch
from torch import nn

import loomref


class Reparam(nn.Module):
    def __init__(self):
        super().__init__()
        self.large = nn.Conv2d(8, 8, 13, padding=6, groups=8, bias=False)
        self.large_bn = nn.BatchNorm2d(8)
        self.dil2 = nn.Conv2d(8, 8, 5, padding=4, dilation=2, groups=8, bias=False)
        self.dil2_bn = nn.BatchNorm2d(8)
        self.dil3 = nn.Conv2d(8, 8, 3, padding=3, dilation=3, groups=8)
        self.dil3_bn = nn.BatchNorm2d(8)
        self.dense = nn.Conv2d(8, 4, 3, padding=1)
        self.dense_bn = nn.BatchNorm2d(4)

    def forward(self, x):
        merged = (self.large_bn(self.large(x)) + self.dil2_bn(self.dil2(x))
                  + self.dil3_bn(self.dil3(x)))
        return {"merged": merged, "dense_bn": self.dense_bn(self.dense(torch.relu(merged)))}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(Reparam(), {"x": torch.randn(2, 8, 16, 16)}, sys.argv[1], seed=11)
