"""PyTorch twin of examples/mamba_lm.loom with the module layout (and so the
state_dict keys) of mamba_ssm's MambaLMHeadModel: backbone.embedding,
backbone.layers.N.{norm,mixer}, backbone.norm_f, and lm_head tied to the
embedding (its duplicate key lm_head.weight is in the file and unused)."""
import sys

import torch
from torch import nn

import loomref
from mamba_ref import Mamba


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Block(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.norm = RMSNorm(d_model)
        self.mixer = Mamba(d_model, d_state=16, d_conv=4, expand=2)

    def forward(self, h):
        return h + self.mixer(self.norm(h))


class Backbone(nn.Module):
    def __init__(self, vocab, d_model, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, d_model)
        self.layers = nn.ModuleList(Block(d_model) for _ in range(layers))
        self.norm_f = RMSNorm(d_model)

    def forward(self, ids):
        h = self.embedding(ids)
        for layer in self.layers:
            h = layer(h)
        return self.norm_f(h)


class MambaLM(nn.Module):
    def __init__(self, vocab=256, d_model=64, layers=2):
        super().__init__()
        self.backbone = Backbone(vocab, d_model, layers)
        self.lm_head = nn.Linear(d_model, vocab, bias=False)
        self.lm_head.weight = self.backbone.embedding.weight

    def forward(self, ids):
        return {"logits": self.lm_head(self.backbone(ids.long()))}


if __name__ == "__main__":
    torch.manual_seed(0)
    ids = torch.randint(0, 256, (1, 64), dtype=torch.int32)
    loomref.export(MambaLM(), {"ids": ids}, sys.argv[1], seed=7)
