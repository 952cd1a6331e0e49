"""PyTorch twin of examples/mamba2_lm.loom with the module layout (and so the
state_dict keys) of mamba_ssm's MambaLMHeadModel with Mamba2 mixers and no
MLP: backbone.embedding, backbone.layers.N.{norm,mixer}, backbone.norm_f,
and lm_head tied to the embedding (its duplicate key lm_head.weight is in
the file and unused). Computed in float64 after the embedding lookup."""
import sys

import torch
from torch import nn
import torch.nn.functional as F

import loomref
from mamba2_ref import Mamba2
# mamba_lm's RMSNorm; on float64 activations its float32 weight promotes exactly.
from mamba_lm_ref import RMSNorm


class Block(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.norm = RMSNorm(d_model)
        self.mixer = Mamba2(d_model, d_state=32, d_conv=4, expand=2, headdim=32, ngroups=1)

    def forward(self, h):
        return h + self.mixer(self.norm(h))


class Backbone(nn.Module):
    def __init__(self, vocab, d_model, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, d_model)
        self.layers = nn.ModuleList(Block(d_model) for _ in range(layers))
        self.norm_f = RMSNorm(d_model)

    def forward(self, ids):
        h = self.embedding(ids).double()
        for layer in self.layers:
            h = layer(h)
        return self.norm_f(h)


class Mamba2LM(nn.Module):
    def __init__(self, vocab=256, d_model=64, layers=2):
        super().__init__()
        self.backbone = Backbone(vocab, d_model, layers)
        self.lm_head = nn.Linear(d_model, vocab, bias=False)
        self.lm_head.weight = self.backbone.embedding.weight

    def forward(self, ids):
        return {"logits": F.linear(self.backbone(ids.long()), self.lm_head.weight.double())}


if __name__ == "__main__":
    torch.manual_seed(0)
    ids = torch.randint(0, 256, (1, 64), dtype=torch.int32)
    model = Mamba2LM()
    mixer_keys = sorted(k.split("mixer.", 1)[1] for k in model.state_dict()
                        if k.startswith("backbone.layers.0.mixer."))
    assert mixer_keys == sorted(["dt_bias", "A_log", "D", "in_proj.weight", "conv1d.weight",
                                 "conv1d.bias", "norm.weight", "out_proj.weight"]), mixer_keys
    loomref.export(model, {"ids": ids}, sys.argv[1], seed=7)
