"""PyTorch twin of Inputs/many_ops.loom (embedding, conv1d depthwise causal,
slice, silu, sigmoid, mul, rms_norm, softmax, strided conv2d, tanh,
avg_pool2d with padding, softplus, concat, flatten, bias-free linear)."""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref


class ManyOps(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16)
        self.conv = nn.Conv1d(16, 16, 4, padding=3, groups=16)
        self.norm = nn.Module()
        self.norm.weight = nn.Parameter(torch.ones(16))
        self.down = nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.proj = nn.Linear(108, 5, bias=False)

    def forward(self, ids, img):
        seq = self.emb(ids).transpose(1, 2)
        causal = self.conv(seq)[:, :, :12]
        gated = F.silu(causal) * torch.sigmoid(seq)
        x = gated.transpose(1, 2)
        norm = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.norm.weight
        probs = torch.softmax(norm, dim=1)
        pooled = F.avg_pool2d(torch.tanh(self.down(img)), 3, stride=2, padding=1)
        wide = torch.cat([pooled, F.softplus(pooled * pooled)], dim=1)
        return {"probs": probs, "proj": self.proj(wide.flatten(1))}


if __name__ == "__main__":
    torch.manual_seed(0)
    ids = torch.randint(0, 50, (2, 12), dtype=torch.int32)
    loomref.export(ManyOps(), {"ids": ids, "img": torch.randn(2, 4, 9, 9)}, sys.argv[1], seed=3)
