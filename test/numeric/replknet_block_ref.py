"""PyTorch twin of examples/replknet_block.loom, unmerged: the 31×31 and 5×5
depthwise branches each with its own batch norm, as a trained RepLKNet block
computes them before re-parameterization (same state_dict keys).
Usage: replknet_block_ref.py OUTDIR  (writes weights, x.npy and expected_y.npy)"""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref


class ConvBN(nn.Module):
    def __init__(self, channels, kernel):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel, padding=kernel // 2, groups=channels,
                              bias=False)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, h):
        return self.bn(self.conv(h))


class LargeKernel(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.lkb_origin = ConvBN(channels, 31)
        self.small_conv = ConvBN(channels, 5)

    def forward(self, h):
        return self.lkb_origin(h) + self.small_conv(h)


class RepLKBlock(nn.Module):
    def __init__(self, channels=64):
        super().__init__()
        self.pw1 = nn.Conv2d(channels, channels, 1, bias=False)
        self.pw1_bn = nn.BatchNorm2d(channels)
        self.large_kernel = LargeKernel(channels)
        self.pw2 = nn.Conv2d(channels, channels, 1, bias=False)
        self.pw2_bn = nn.BatchNorm2d(channels)

    def forward(self, x):
        h = F.relu(self.pw1_bn(self.pw1(x)))
        mixed = F.relu(self.large_kernel(h))
        return {"y": x + self.pw2_bn(self.pw2(mixed))}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(RepLKBlock(), {"x": torch.randn(1, 64, 32, 32)}, sys.argv[1], seed=3)
