#!/usr/bin/env python3
"""Benchmark: the Mamba-2 block (mamba_ssm Mamba2 defaults at d_model 768:
d_inner 1536, 24 heads of 64, d_state 128, one group, d_conv 4) and the
Hydra block (d_state 64, d_conv 7), Loom vs PyTorch on this CPU, in the
same run, 2 threads each.

The PyTorch peer is the block in fp32 with the chunked SSD algorithm for the
scan (chunks of 128 by default: quadratic "attention-like" form inside a chunk, the
state carried across chunks), the fast form of LAYERS.md §3; Hydra runs it
on the flipped sequence for its backward direction, as the module does.
Loom's scan is the chunked SSD algorithm by default (`--knob
ssd_scan.chunked=0`: the sequential recurrence; `--knob ssd_scan.chunk=N`).

Prints min / median latency (ms) and PyTorch/Loom (above 1: Loom is faster).

usage: /usr/bin/python3 test/bench/bench_mamba2.py [--runs 5] [--shapes 1x1024,1x2048]
           [--knob ssd_scan.chunked=0 ...]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOOMC = os.path.join(ROOT, "build", "bin", "loomc")
THREADS = 2
D_MODEL, HEADDIM = 768, 64
CONFIG = {"mamba2": {"d_state": 128, "d_conv": 4}, "hydra": {"d_state": 64, "d_conv": 7}}


def spec(block, batch, length):
    c = CONFIG[block]
    return (f"model bench {{\n  input x: f32[{batch}, {length}, {D_MODEL}]\n"
            f"  mixer = {block}(x, d_state={c['d_state']}, d_conv={c['d_conv']}, expand=2, "
            f"headdim={HEADDIM}, ngroups=1)\n  output y = mixer\n}}\n")


def time_ms(function, runs, warmup=1):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return {"min": min(times), "median": statistics.median(times)}


def ssd(x, dt, a, b, c, chunk=64):
    """Chunked SSD. x [B, L, H, P], dt [B, L, H], a [H], b, c [B, L, N] (one group)."""
    import torch
    import torch.nn.functional as F
    batch, length, heads, dim = x.shape
    pad = -length % chunk
    if pad:
        x, dt = F.pad(x, (0, 0, 0, 0, 0, pad)), F.pad(dt, (0, 0, 0, pad))
        b, c = F.pad(b, (0, 0, 0, pad)), F.pad(c, (0, 0, 0, pad))
    chunks = x.shape[1] // chunk
    x = (x * dt[..., None]).view(batch, chunks, chunk, heads, dim)
    b, c = b.view(batch, chunks, chunk, -1), c.view(batch, chunks, chunk, -1)
    log_decay = (dt * a).view(batch, chunks, chunk, heads).permute(0, 3, 1, 2)  # [B,H,c,q]
    cum = torch.cumsum(log_decay, -1)
    # Inside a chunk: y_i = Σ_{j≤i} (C_i·B_j) exp(cum_i − cum_j) x_j.
    mask = torch.ones(chunk, chunk, dtype=torch.bool, device=cum.device).tril()
    seg = (cum[..., :, None] - cum[..., None, :]).masked_fill(~mask, float("-inf")).exp()
    scores = torch.einsum("bcin,bcjn->bcij", c, b)[:, None] * seg            # [B,H,c,i,j]
    y = torch.einsum("bhcij,bcjhp->bcihp", scores, x)
    # Chunk states and their recurrence.
    to_end = torch.exp(cum[..., -1:] - cum)                                  # [B,H,c,q]
    states = torch.einsum("bcjn,bhcj,bcjhp->bchpn", b, to_end, x)
    state = x.new_zeros(batch, heads, dim, b.shape[-1])
    carried = []
    for k in range(chunks):
        carried.append(state)
        state = torch.exp(cum[:, :, k, -1])[..., None, None] * state + states[:, k]
    carried = torch.stack(carried, 1)                                        # [B,c,H,P,N]
    y = y + torch.einsum("bcin,bchpn,bhci->bcihp", c, carried, torch.exp(cum))
    return y.reshape(batch, chunks * chunk, heads, dim)[:, :length]


def gated_norm(y, z, weight, before):
    import torch
    import torch.nn.functional as F
    if not before:
        y = y * F.silu(z)
    y = y * torch.rsqrt(y.pow(2).mean(-1, keepdim=True) + 1e-5) * weight
    return y * F.silu(z) if before else y


def make_forward(block, batch, length, device="cpu", chunk=128):
    """The PyTorch block (random weights) as a closure over its input."""
    import torch
    import torch.nn.functional as F
    d_state, d_conv = CONFIG[block]["d_state"], CONFIG[block]["d_conv"]
    inner = 2 * D_MODEL
    heads = inner // HEADDIM
    directions = 2 if block == "hydra" else 1
    conv_dim = inner + 2 * directions * d_state
    rand = lambda *shape: torch.randn(*shape, device=device)
    in_proj = rand(2 * inner + directions * (2 * d_state + heads), D_MODEL) / D_MODEL ** 0.5
    conv_w, conv_b = rand(conv_dim, 1, d_conv) / 2, rand(conv_dim) / 2
    dt_bias, a = rand(heads) - 4, -torch.rand(heads, device=device) * 4
    d, norm_w = torch.ones(heads, device=device), torch.ones(inner, device=device)
    fc_d = rand(heads, inner) / inner ** 0.5
    out_proj = rand(D_MODEL, inner) / inner ** 0.5
    x = rand(batch, length, D_MODEL)

    def forward():
        z, xbc, dt = F.linear(x, in_proj).split([inner, conv_dim, directions * heads], -1)
        padding = d_conv - 1 if block == "mamba2" else d_conv // 2
        xbc = F.silu(F.conv1d(xbc.transpose(1, 2), conv_w, conv_b, padding=padding,
                              groups=conv_dim)[..., :length].transpose(1, 2))
        xs = xbc[..., :inner].reshape(batch, length, heads, HEADDIM)
        bc = xbc[..., inner:]
        if block == "mamba2":
            y = ssd(xs, F.softplus(dt + dt_bias), a, bc[..., :d_state], bc[..., d_state:], chunk)
            y = y + d[:, None] * xs
        else:
            flip = lambda t: torch.flip(t, (1,))
            fwd = ssd(xs, F.softplus(dt[..., :heads] + dt_bias), a, bc[..., :d_state],
                      bc[..., d_state:2 * d_state], chunk)
            bwd = flip(ssd(flip(xs), F.softplus(flip(dt[..., heads:]) + dt_bias), a,
                           flip(bc[..., 2 * d_state:3 * d_state]),
                           flip(bc[..., 3 * d_state:]), chunk))
            shift = lambda t: F.pad(t, (0, 0, 0, 0, 1, 0))[:, :length]
            back = lambda t: F.pad(t, (0, 0, 0, 0, 0, 1))[:, 1:]
            y = shift(fwd) + back(bwd) + xs * (F.linear(xbc[..., :inner], fc_d) + d)[..., None]
        y = gated_norm(y.reshape(batch, length, inner), z, norm_w, block == "hydra")
        return F.linear(y, out_proj)

    return forward


def peer(request):
    import torch
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    forward = make_forward(request["block"], request["batch"], request["length"],
                           chunk=request["chunk"])
    with torch.no_grad():
        return time_ms(forward, request["runs"])


def run_peer(request):
    environment = dict(os.environ, OMP_NUM_THREADS=str(THREADS))
    output = subprocess.run([sys.executable, __file__, "--peer", json.dumps(request)],
                            env=environment, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def run_loom(text, runs, workdir, knobs=()):
    path, exe = os.path.join(workdir, "model.loom"), os.path.join(workdir, "model")
    with open(path, "w") as f:
        f.write(text)
    command = [LOOMC, path, "--random-weights", "-o", exe]
    for knob in knobs:
        command += ["--knob", knob]
    subprocess.run(command, check=True)
    environment = dict(os.environ, HL_NUM_THREADS=str(THREADS))
    output = subprocess.run([exe, "--bench", str(runs), "--quiet"], env=environment,
                            check=True, capture_output=True, text=True).stdout
    match = re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", output)
    if not match:
        sys.exit(f"unexpected benchmark output: {output!r}")
    return {"min": float(match.group(1)), "median": float(match.group(2))}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shapes", default="1x1024,1x2048", help="comma-separated BxL")
    parser.add_argument("--blocks", default="mamba2,hydra")
    parser.add_argument("--chunk", type=int, default=128,
                        help="SSD chunk of the PyTorch peer (128 was the fastest of 64/128/256 "
                             "at L = 1024 here)")
    parser.add_argument("--knob", action="append", default=[],
                        help="a loomc --knob for the Loom build (repeatable)")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        print(json.dumps(peer(json.loads(args.peer))))
        return
    print(f"threads: {THREADS} each; {args.runs} runs; times in ms (min / median); "
          f"knobs: {' '.join(args.knob) or 'defaults'}")
    print(f"{'block':7} {'B':>2} {'L':>5} {'loom':>19} {'pytorch (chunked SSD)':>23} "
          f"{'pytorch/loom':>12}")
    with tempfile.TemporaryDirectory() as workdir:
        for block in args.blocks.split(","):
            for shape in args.shapes.split(","):
                batch, length = (int(v) for v in shape.split("x"))
                loom = run_loom(spec(block, batch, length), args.runs, workdir, args.knob)
                torch_time = run_peer({"block": block, "batch": batch, "length": length,
                                       "runs": args.runs, "chunk": args.chunk})
                print(f"{block:7} {batch:2} {length:5} {loom['min']:8.1f} / "
                      f"{loom['median']:8.1f} {torch_time['min']:10.1f} / "
                      f"{torch_time['median']:10.1f} {torch_time['min'] / loom['min']:11.2f}x",
                      flush=True)


if __name__ == "__main__":
    main()
