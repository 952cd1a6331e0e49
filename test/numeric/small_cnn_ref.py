"""PyTorch twin of examples/small_cnn.loom: same layers, same state_dict keys.
Usage: small_cnn_ref.py OUTDIR  (writes weights, x.npy and expected_logits.npy)"""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)

    def forward(self, h):
        return F.relu(h + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(h))))))


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 10)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(32)
        self.blocks = nn.ModuleList([Block() for _ in range(2)])
        self.down = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.down_bn = nn.BatchNorm2d(64)
        self.head = Head()

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.stem_bn(self.stem(x))), 2)
        for block in self.blocks:
            h = block(h)
        h = F.relu(self.down_bn(self.down(h)))
        pooled = F.adaptive_avg_pool2d(h, 1).reshape(1, -1)
        return {"logits": self.head.fc(pooled)}


if __name__ == "__main__":
    torch.manual_seed(0)
    loomref.export(SmallCNN(), {"x": torch.randn(1, 3, 32, 32)}, sys.argv[1], seed=1)
