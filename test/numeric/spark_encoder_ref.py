"""PyTorch twin of examples/spark_encoder.loom (same state_dict keys), written
densely as SparK emulates sparsity: M · conv(M · x) with the coarse mask
repeated up to each stage. Usage: spark_encoder_ref.py OUTDIR"""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref


def up(mask, factor):
    return mask.repeat_interleave(factor, 2).repeat_interleave(factor, 3)


def conv(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


class Stage1(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = conv(16, 16), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = conv(16, 16), nn.BatchNorm2d(16)

    def forward(self, h, m):
        a = F.relu(m * self.bn1(m * self.conv1(m * h)))
        return F.relu(h + m * self.bn2(m * self.conv2(m * a)))


class Stage(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.down, self.bn_down = conv(cin, cout, 2), nn.BatchNorm2d(cout)
        self.conv, self.bn = conv(cout, cout), nn.BatchNorm2d(cout)

    def forward(self, h, m_in, m):
        h = F.relu(m * self.bn_down(m * self.down(m_in * h)))
        return F.relu(h + m * self.bn(m * self.conv(m * h)))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.stem_bn = conv(3, 16), nn.BatchNorm2d(16)
        self.stage1 = Stage1()
        self.stage2, self.stage3, self.stage4 = Stage(16, 32), Stage(32, 64), Stage(64, 128)

    def forward(self, x, mask):
        m1, m2, m3, m4 = up(mask, 16), up(mask, 8), up(mask, 4), up(mask, 2)
        h = F.relu(m1 * self.stem_bn(m1 * self.stem(m1 * x)))
        h = self.stage1(h, m1)
        h = self.stage2(h, m1, m2)
        h = self.stage3(h, m2, m3)
        return {"features": self.stage4(h, m3, m4)}


if __name__ == "__main__":
    torch.manual_seed(0)
    mask = (torch.rand(1, 1, 4, 4) < 0.4).float()   # SparK keeps ~40% of the patches
    loomref.export(Encoder(), {"x": torch.randn(1, 3, 64, 64), "mask": mask}, sys.argv[1],
                   seed=2)
