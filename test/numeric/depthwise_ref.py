"""PyTorch twin of Inputs/depthwise.loom (stacked depthwise 3×3 and 13×13
convolutions, an unpadded 5×5 one, a bias-free 31×31 one)."""
import sys

import torch
from torch import nn

import loomref


class Depthwise(nn.Module):
    def __init__(self):
        super().__init__()
        self.dw3 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.dw13 = nn.Conv2d(8, 8, 13, padding=6, groups=8)
        self.dw5 = nn.Conv2d(8, 8, 5, groups=8)
        self.dw31 = nn.Conv2d(4, 4, 31, padding=15, groups=4, bias=False)

    def forward(self, x, z):
        return {"small": self.dw13(self.dw3(x)), "valid": self.dw5(x), "large": self.dw31(z)}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(Depthwise(), {"x": torch.randn(2, 8, 19, 23), "z": torch.randn(1, 4, 37, 40)},
                   sys.argv[1], seed=5)
