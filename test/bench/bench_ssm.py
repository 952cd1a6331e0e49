#!/usr/bin/env python3
"""Benchmark: loom.selective_scan and the Mamba block (d_model 768: D = 1536,
N = 16, d_conv 4, dt_rank 48) for B in {1, 8}, L in {1024, 4096}, Loom vs
PyTorch on this CPU, in the same run, 2 threads each.

PyTorch runs every form of the scan (alone and inside the Mamba twin),
eagerly and with torch.compile (Inductor's C++ backend; timed after its
compilation, each compiled output checked against the eager one):
  loop     the straightforward recurrence (one step of L at a time on
           [B, D, N]); eager only (compiled, it would unroll L steps);
  chunked  chunks scanned in closed form with cumulative sums
           (h_t = e_t · (h_0 + Σ_{s≤t} x_s / e_s), e_t = exp(A · Σ_{r≤t} Δ_r)),
           torch.cumsum; valid while |A|·ΣΔ over a chunk stays inside f32's
           exponent range (a form whose output is not finite is reported
           "failed", not timed);
  tri      the same closed form with no scan op: the within-chunk sums are
           products with a triangular ones matrix, the state carried across
           chunks by a short loop (Inductor generates all of it).
Before timing, every form is checked against the loop in float64 and the
compiled forms in float32 (`--check` does only that).

The peer is Debian's PyTorch (/usr/bin/python3: 1.13, generic BLAS, no
torch.compile), the one the project installs. torch.compile needs PyTorch 2,
which Debian 12 does not ship and the project's scripts do not install from
PyPI: give an interpreter that has it with `--python PY` (repeatable; each is
timed in the same run) to compare with it too. build/torch-venv/bin/python is
used by default where it exists.

Prints per shape each form's min / median latency (ms) and x = PyTorch /
Loom (above 1: Loom is faster), the best PyTorch form, the scan's achieved
bytes/s (u, Δ, z read and y written once, B and C once per batch) against a
STREAM-style triad measured in the same run, the load average, and a
summary table with "x best PyTorch" (best PyTorch min / Loom min).

usage: /usr/bin/python3 test/bench/bench_ssm.py [--runs 10] [--loop-runs 1]
           [--only scan] [--shapes 1x1024,8x4096] [--forms chunked,tri]
           [--no-compile] [--budget 8] [--check] [--python PY]
           [--knob ss.chunk=32] [--variant ss.fast_math=0]
  (--budget: seconds of timed runs per PyTorch configuration, at least 3
  runs; --loop-max: the loop form only where B·L is at most this)
"""
import argparse
import json
import math
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
D_MODEL, D_INNER, D_STATE, D_CONV = 768, 1536, 16, 4
DT_RANK = math.ceil(D_MODEL / 16)
SHAPES = [(1, 1024), (1, 4096), (8, 1024), (8, 4096)]


def scan_spec(batch, length):
    return f"""model bench_scan {{
  input u: f32[{batch}, {D_INNER}, {length}]
  input delta: f32[{batch}, {D_INNER}, {length}]
  input B: f32[{batch}, {D_STATE}, {length}]
  input C: f32[{batch}, {D_STATE}, {length}]
  input z: f32[{batch}, {D_INNER}, {length}]
  ss = selective_scan(u, delta, B, C, z)
  output y = ss
}}"""


def block_spec(batch, length):
    return f"""model bench_mamba {{
  input x: f32[{batch}, {length}, {D_MODEL}]
  mixer = mamba(x, d_state={D_STATE}, d_conv={D_CONV}, expand=2)
  output y = mixer
}}"""


def scan_bytes(batch, length):
    return 4 * (4 * batch * D_INNER * length + 2 * batch * D_STATE * length)


#----------------------------------------------------------------------------
# The PyTorch peers (run in a subprocess with a clean environment)
#----------------------------------------------------------------------------

def torch_forms():
    """(scan_loop, scan_chunked, Mamba): the forms other scripts use."""
    forms = torch_scan_forms()
    return forms["loop"], forms["chunked"], forms["Mamba"]


def torch_scan_forms():
    """The PyTorch scans by name (loop, chunked, tri) and the Mamba twin."""
    import torch
    import torch.nn.functional as F

    def scan_loop(u, delta, a, b, c, d, z, bias):
        delta = F.softplus(delta + bias[:, None])
        h = u.new_zeros(u.shape[0], u.shape[1], a.shape[1])
        ys = []
        for t in range(u.shape[2]):
            dt = delta[:, :, t, None]
            h = torch.exp(dt * a) * h + dt * b[:, None, :, t] * u[:, :, t, None]
            ys.append((h * c[:, None, :, t]).sum(-1))
        return (torch.stack(ys, -1) + d[:, None] * u) * F.silu(z)

    def scan_chunked(u, delta, a, b, c, d, z, bias, chunk=64):
        delta = F.softplus(delta + bias[:, None])
        batch, channels, length = u.shape
        h = u.new_zeros(batch, channels, 1, a.shape[1])
        y = torch.empty_like(u)
        bt, ct = b.transpose(1, 2), c.transpose(1, 2)
        du = delta * u
        for s in range(0, length, chunk):
            e = torch.exp(torch.cumsum(delta[:, :, s:s + chunk], -1).unsqueeze(-1)
                          * a.unsqueeze(1))                                   # [B,D,T,N]
            x = du[:, :, s:s + chunk, None] * bt[:, None, s:s + chunk]
            hs = torch.cumsum(x.div_(e), 2).add_(h).mul_(e)
            y[:, :, s:s + chunk] = (hs * ct[:, None, s:s + chunk]).sum(-1)
            h = hs[:, :, -1:]
        return (y + d[:, None] * u) * F.silu(z)

    def scan_tri(u, delta, a, b, c, d, z, bias, chunk=64, group=None):
        """The chunked closed form with no scan op, so that torch.compile's
        Inductor can generate it: within chunks of `chunk` steps the
        cumulative sums are products with a lower-triangular ones matrix
        (cumsum of Δ: [.., T] @ triᵀ; of x / e: tri @ [.., T, N]), all chunks
        of a group at once; the state is carried across the group's chunks
        by a short loop over [B, D, N] (h ← e_end·h + local_end), and across
        groups of `group` steps (None: all of L) by the outer loop, which
        bounds the [B, D, group, N] temporaries. L is zero-padded to a
        multiple of the chunk (Δ = 0 there: no decay, no input)."""
        delta = F.softplus(delta + bias[:, None])
        batch, channels, length = u.shape
        states = a.shape[1]
        du = delta * u
        pad = (-length) % chunk
        if pad:
            delta, du, b, c = (F.pad(t, (0, pad)) for t in (delta, du, b, c))
        total = length + pad
        group = total if group is None else max(chunk, group - group % chunk)
        tri = torch.ones(chunk, chunk, dtype=u.dtype, device=u.device).tril()  # [t, s]: s ≤ t
        h = u.new_zeros(batch, channels, states)
        ys = []
        for s0 in range(0, total, group):
            g = min(group, total - s0)
            nc = g // chunk
            dl = delta[:, :, s0:s0 + g].reshape(batch, channels, nc, chunk)
            e = torch.exp((dl @ tri.t()).unsqueeze(-1) * a[:, None, None, :])   # [B,D,nc,T,N]
            bt = b[:, :, s0:s0 + g].reshape(batch, states, nc, chunk).permute(0, 2, 3, 1)
            ct = c[:, :, s0:s0 + g].reshape(batch, states, nc, chunk).permute(0, 2, 3, 1)
            x = du[:, :, s0:s0 + g].reshape(batch, channels, nc, chunk, 1) * bt[:, None] / e
            cum = tri @ x                                   # Σ_{s≤t} x_s / e_s in the chunk
            decay, local_end = e[..., -1, :], e[..., -1, :] * cum[..., -1, :]   # [B,D,nc,N]
            starts = []
            for k in range(nc):
                starts.append(h)
                h = decay[:, :, k] * h + local_end[:, :, k]
            hs = torch.stack(starts, 2).unsqueeze(3)        # state before each chunk
            ys.append(((hs + cum) * e * ct[:, None]).sum(-1).reshape(batch, channels, g))
        y = torch.cat(ys, -1)[..., :length] if len(ys) > 1 else ys[0][..., :length]
        return (y + d[:, None] * u) * F.silu(z)

    class Mamba(torch.nn.Module):
        def __init__(self, scan):
            super().__init__()
            self.scan = scan
            self.in_proj = torch.nn.Linear(D_MODEL, 2 * D_INNER, bias=False)
            self.conv1d = torch.nn.Conv1d(D_INNER, D_INNER, D_CONV, groups=D_INNER,
                                          padding=D_CONV - 1)
            self.x_proj = torch.nn.Linear(D_INNER, DT_RANK + 2 * D_STATE, bias=False)
            self.dt_proj = torch.nn.Linear(DT_RANK, D_INNER)
            # mamba_ssm's initialisation: Δ = softplus(bias) log-uniform in
            # [0.001, 0.1], the small steps of a trained Mamba. (With
            # Linear's default bias, Δ ≈ 0.7 and the chunked closed forms
            # overflow: their chunks need |A|·ΣΔ inside f32's exponent range.)
            dt = torch.exp(torch.rand(D_INNER) * (math.log(0.1) - math.log(0.001))
                           + math.log(0.001)).clamp(min=1e-4)
            with torch.no_grad():
                self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
            self.A_log = torch.nn.Parameter(
                torch.log(torch.arange(1, D_STATE + 1.0)).repeat(D_INNER, 1))
            self.D = torch.nn.Parameter(torch.ones(D_INNER))
            self.out_proj = torch.nn.Linear(D_INNER, D_MODEL, bias=False)

        def forward(self, x):
            length = x.shape[1]
            xs, z = self.in_proj(x).chunk(2, dim=-1)
            u = F.silu(self.conv1d(xs.transpose(1, 2))[..., :length])
            dt, b, c = self.x_proj(u.transpose(1, 2)).split([DT_RANK, D_STATE, D_STATE], -1)
            delta = (dt @ self.dt_proj.weight.t()).transpose(1, 2)
            y = self.scan(u, delta, -torch.exp(self.A_log), b.transpose(1, 2),
                          c.transpose(1, 2), self.D, z.transpose(1, 2), self.dt_proj.bias)
            return self.out_proj(y.transpose(1, 2))

    return {"loop": scan_loop, "chunked": scan_chunked, "tri": scan_tri, "Mamba": Mamba}


def time_ms(function, runs, warmup, budget_s=None):
    """Min and median ms of `runs` calls after `warmup` calls; with
    `budget_s`, fewer runs (at least 3) where they would take longer than
    that (the slow peers at 8x4096), the count reported as "runs"."""
    start = time.perf_counter()
    for _ in range(warmup):
        function()
    if budget_s is not None and warmup:
        each = (time.perf_counter() - start) / warmup
        runs = min(runs, max(3, int(budget_s / max(each, 1e-9))))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return {"min": min(times), "median": statistics.median(times), "runs": runs}


# The PyTorch configurations timed on the CPU: form -> [(label, keyword
# arguments)]. chunked: cumsum over chunks of 64 or 128 steps (the fastest
# eager and compiled chunks found at 1x1024); tri: chunks of 32 in groups of
# 512 steps (the fastest compiled tri setting of c8/c16/c32 × g256/g512 at
# 1x1024; the triangular products cost 2·T flops per element of the
# [B, D, L, N] state, and the groups bound the temporaries: [B, D, 512, N]
# is 200 MB at B = 8). CPU_COMPILE: the forms handed to torch.compile (the
# loop form would unroll L steps: not compiled).
CPU_CONFIGS = {
    "scan": {"loop": [("loop", {})],
             "chunked": [("chunked c64", {"chunk": 64}), ("chunked c128", {"chunk": 128})],
             "tri": [("tri c32 g512", {"chunk": 32, "group": 512})]},
    # The block's Δ (mamba_ssm's initialisation, up to ~0.13) needs chunks of
    # at most 32: |A|·ΣΔ reaches 115 over 64 steps (measured at 1x1024), and
    # the closed form's e^{A·ΣΔ} underflows, its output inf/NaN.
    "block": {"loop": [("loop", {})],
              # (c16 measured level with c32 compiled at 1x1024, slower eager; its
              # compilation at L = 4096, 256 unrolled chunks, takes minutes here)
              "chunked": [("chunked c32", {"chunk": 32})],
              "tri": [("tri c32 g512", {"chunk": 32, "group": 512})]}}
CPU_COMPILE = ("chunked", "tri")


def scan_inputs(torch, batch, channels, length, states=D_STATE, dtype=None, device="cpu"):
    """Δ ≈ softplus(−4 ± 1): the small steps of a trained Mamba."""
    options = {"dtype": dtype or torch.float32, "device": device}
    u = torch.randn(batch, channels, length, **options)
    delta = torch.randn(batch, channels, length, **options) - 4
    z = torch.randn(batch, channels, length, **options)
    b = torch.randn(batch, states, length, **options)
    c = torch.randn(batch, states, length, **options)
    a = -torch.arange(1, states + 1.0, **options).repeat(channels, 1)
    d, bias = torch.ones(channels, **options), torch.zeros(channels, **options)
    return u, delta, a, b, c, d, z, bias


def check_forms(torch, compile_too, device="cpu"):
    """Catches a wrong peer before it is timed: every chunked form (several
    chunk/group settings, a ragged last chunk, L = 1) against the loop in
    float64 (within 1e-9), and, where torch.compile exists, the compiled
    chunked and tri forms in float32 against the float64 loop (within 1e-4
    of the output's scale). Returns lines to print; raises on a mismatch."""
    forms = torch_scan_forms()
    lines = []
    for batch, channels, length, chunk, group in ((2, 8, 37, 8, None), (2, 8, 64, 8, 24),
                                                  (1, 5, 200, 64, 128), (2, 3, 1, 16, None)):
        torch.manual_seed(length)
        inputs = scan_inputs(torch, batch, channels, length, 4, torch.float64, device)
        u, delta, a, b, c, d, z, bias = inputs
        # Larger, varied steps and decays than the benchmark's (every path of
        # the closed form matters), still inside its exponent range.
        delta = delta + 2
        a = -torch.rand(channels, 4, dtype=torch.float64, device=device) * 8 - 0.1
        bias = torch.randn(channels, dtype=torch.float64, device=device) * 0.3
        inputs = (u, delta, a, b, c, d, z, bias)
        reference = forms["loop"](*inputs)
        for name, kwargs in (("chunked", {"chunk": chunk}),
                             ("tri", {"chunk": chunk, "group": group})):
            error = (forms[name](*inputs, **kwargs) - reference).abs().max().item()
            if not error < 1e-9:
                raise AssertionError(f"{name} {kwargs} differs from the loop at "
                                     f"B={batch} D={channels} L={length}: {error:.3g}")
        lines.append(f"check: chunked and tri = loop (float64, B={batch} D={channels} "
                     f"L={length} chunk {chunk} group {group}) within 1e-9")
    if compile_too:
        torch.manual_seed(1)
        inputs = scan_inputs(torch, 2, 16, 300, D_STATE, torch.float64, device)
        reference = forms["loop"](*inputs)
        scale = reference.abs().max().item()
        single = [t.float() for t in inputs]
        for name, kwargs in (("chunked", {"chunk": 64}), ("tri", {"chunk": 16, "group": 128}),
                             ("tri", {"chunk": 64, "group": None})):
            compiled = torch.compile(lambda *x, f=forms[name], k=kwargs: f(*x, **k),
                                     dynamic=False)
            error = (compiled(*single).double() - reference).abs().max().item()
            if not error < 1e-4 * scale:
                raise AssertionError(f"torch.compile of {name} {kwargs} differs from the "
                                     f"float64 loop: {error:.3g} (scale {scale:.3g})")
            lines.append(f"check: torch.compile({name} {kwargs}) in float32 = float64 loop "
                         f"within {error / scale:.1e} of max|y|")
    return lines


def compiled_or_error(torch, function, expected, warmup_calls=2):
    """torch.compile(function), run until compiled (not timed), checked
    against the eager output `expected` (a miscompiled peer is no peer)."""
    compiled = torch.compile(function, dynamic=False)
    for _ in range(warmup_calls):
        out = compiled()
    error = (out - expected).abs().max().item()
    scale = expected.abs().max().item()
    if not error <= 1e-3 * scale:
        raise AssertionError(f"compiled output differs from eager: {error:.3g} "
                             f"(scale {scale:.3g})")
    return compiled


def peer(request):
    import torch
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    forms = torch_scan_forms()
    can_compile = hasattr(torch, "compile")
    if request["what"] == "triad":
        # STREAM triad a = b + s·c on arrays far larger than the caches;
        # counted as 3 arrays moved (STREAM's convention).
        n = 32 * 1024 * 1024
        a, b, c = torch.empty(n), torch.rand(n), torch.rand(n)
        t = time_ms(lambda: torch.add(b, c, alpha=3.0, out=a), 10, 2)
        return {"GBps": 3 * 4 * n / (t["min"] * 1e-3) / 1e9}
    if request["what"] == "check":
        return {"lines": check_forms(torch, can_compile and request["compile"]),
                "version": torch.__version__}
    batch, length = request["batch"], request["length"]
    result = {}
    if request["what"] in MIXERS:
        return mixer_peer(torch, request)
    with torch.no_grad():
        if request["what"] == "scan":
            inputs = scan_inputs(torch, batch, D_INNER, length)
            make = lambda form, kwargs: (lambda: forms[form](*inputs, **kwargs))
        else:
            x = torch.randn(batch, length, D_MODEL)
            modules = {}

            def make(form, kwargs):
                if (form, str(kwargs)) not in modules:
                    torch.manual_seed(0)
                    modules[form, str(kwargs)] = Mamba(
                        lambda *a: forms[form](*a, **kwargs)).eval()
                module = modules[form, str(kwargs)]
                return lambda: module(x)
            Mamba = forms["Mamba"]
        for form in request["forms"]:
            for label, kwargs in CPU_CONFIGS[request["what"]][form]:
                function = make(form, kwargs)
                runs = request["loop_runs"] if form == "loop" else request["runs"]
                if runs <= 0:
                    continue
                if form != "loop" and not torch.isfinite(function()).all():
                    # A closed form whose chunk is too long for these Δ: no peer.
                    result["eager " + label] = {"error": "non-finite output: |A|·ΣΔ over a "
                                                "chunk beyond f32's exponent range"}
                    continue
                result["eager " + label] = time_ms(function, runs, 1, request["budget_s"])
                if not (request["compile"] and can_compile and form in CPU_COMPILE):
                    continue
                try:
                    compiled = compiled_or_error(torch, function, function())
                    result["compile " + label] = time_ms(compiled, request["runs"], 1,
                                                         request["budget_s"])
                except Exception as error:  # reported, not fatal: the other forms stand
                    result["compile " + label] = {
                        "error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
                torch._dynamo.reset()
    return result


# The Mamba-2 and Hydra blocks (bench_mamba2's configurations and PyTorch
# peer: the block with the chunked SSD scan, chunks of 128 and 64).
MIXERS = ("mamba2", "hydra")
MIXER_CONFIGS = [("ssd c128", {"chunk": 128}), ("ssd c64", {"chunk": 64})]


def mixer_peer(torch, request):
    import bench_mamba2
    result = {}
    with torch.no_grad():
        for label, kwargs in MIXER_CONFIGS:
            torch.manual_seed(0)
            function = bench_mamba2.make_forward(request["what"], request["batch"],
                                                 request["length"], **kwargs)
            result["eager " + label] = time_ms(function, request["runs"], 1, request["budget_s"])
            if not (request["compile"] and hasattr(torch, "compile")):
                continue
            try:
                compiled = compiled_or_error(torch, function, function())
                result["compile " + label] = time_ms(compiled, request["runs"], 1,
                                                     request["budget_s"])
            except Exception as error:  # reported, not fatal
                result["compile " + label] = {
                    "error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
            torch._dynamo.reset()
    return result


def peer_environment():
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    environment["OMP_NUM_THREADS"] = str(THREADS)
    return environment


def run_peer(request, python=sys.executable):
    output = subprocess.run([python, __file__, "--peer", json.dumps(request)],
                            env=peer_environment(), check=True, capture_output=True,
                            text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


#----------------------------------------------------------------------------
# Loom
#----------------------------------------------------------------------------

def run_loom(spec, runs, workdir, knobs):
    path = os.path.join(workdir, "model.loom")
    exe = os.path.join(workdir, "model")
    with open(path, "w") as f:
        f.write(spec)
    command = [LOOMC, path, "--random-weights", "-o", exe]
    for knob in knobs:
        command += ["--knob", knob]
    subprocess.run(command, check=True)
    # Inputs default to zeros: the scan does the same work for any values.
    environment = dict(os.environ, HL_NUM_THREADS=str(THREADS))
    output = subprocess.run([exe, "--bench", str(runs), "--quiet"], env=environment,
                            check=True, capture_output=True, text=True).stdout
    match = re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", output)
    if not match:
        sys.exit(f"unexpected benchmark output: {output!r}")
    return {"min": float(match.group(1)), "median": float(match.group(2))}


def default_pythons():
    """The PyTorch to time: PyTorch 2 from PyPI in build/torch-venv where it is
    installed (MKL, AVX-512 kernels and torch.compile: the stronger peer),
    else Debian's (1.13: generic BLAS, no torch.compile; see the usage)."""
    venv = os.path.join(ROOT, "build", "torch-venv", "bin", "python")
    return [venv] if os.path.exists(venv) else ["/usr/bin/python3"]


def fmt(t):
    if "error" in t:
        return f"{'failed':>19}"
    return f"{t['min']:8.2f} / {t['median']:8.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--loop-runs", type=int, default=1,
                        help="runs of the (slow) loop-over-L PyTorch form (0: skip it)")
    parser.add_argument("--loop-max", type=int, default=8 * 1024,
                        help="time the loop form only where B·L is at most this (default "
                             "8192: at 8x4096 one call takes minutes)")
    parser.add_argument("--only", choices=["scan", "block", "mixers"],
                        help="one of the ops (mixers: the Mamba-2 and Hydra blocks)")
    parser.add_argument("--mixer-shapes", default="1x1024",
                        help="BxL of the Mamba-2 and Hydra blocks (comma-separated; '' for none)")
    parser.add_argument("--shapes", default=",".join(f"{b}x{l}" for b, l in SHAPES),
                        help="comma-separated BxL (default: all four)")
    parser.add_argument("--forms", default="loop,chunked,tri",
                        help="PyTorch scan forms to time (comma-separated)")
    parser.add_argument("--python", action="append",
                        help="a Python with PyTorch to time (repeatable; default: "
                             "build/torch-venv/bin/python if present, else /usr/bin/python3)")
    parser.add_argument("--no-compile", action="store_true", help="no torch.compile peers")
    parser.add_argument("--budget", type=float, default=8.0,
                        help="seconds of timed runs per PyTorch configuration: fewer runs "
                             "(at least 3) where --runs would take longer")
    parser.add_argument("--check", action="store_true",
                        help="only check the PyTorch forms against the loop, and exit")
    parser.add_argument("--knob", action="append", default=[],
                        help="a loomc --knob for the Loom side (repeatable)")
    parser.add_argument("--variant", action="append", default=[],
                        help="scan: also time Loom with this extra knob (repeatable; "
                             "one row each, printed after the shape's main row)")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        print(json.dumps(peer(json.loads(args.peer))))
        return
    pythons = args.python or default_pythons()
    forms = args.forms.split(",")
    versions = {}
    for python in pythons:
        checked = run_peer({"what": "check", "compile": not args.no_compile}, python)
        versions[python] = checked["version"]
        for line in checked["lines"]:
            print(f"torch {checked['version']}: {line}", flush=True)
    if args.check:
        return
    # The triad again after every shape; the best one is the machine's
    # bandwidth (on a shared machine, a single early measurement can land
    # in a busy moment).
    triad = run_peer({"what": "triad"})["GBps"]
    print(f"threads: {THREADS} each; runs: loom {args.runs}, pytorch {args.runs} (loop form "
          f"{args.loop_runs}, only where B·L <= {args.loop_max}); times in ms (min / median); "
          f"torch.compile times after its compilation; load average {os.getloadavg()[0]:.2f}")
    print(f"STREAM triad (torch, {THREADS} threads): {triad:.1f} GB/s")
    summary = []
    with tempfile.TemporaryDirectory() as workdir:
        for what in ("scan", "block") + MIXERS:
            if args.only and args.only != ("mixers" if what in MIXERS else what):
                continue
            by_length = {}
            shapes = args.mixer_shapes if what in MIXERS else args.shapes
            shapes = [tuple(int(v) for v in s.split("x")) for s in shapes.split(",") if s]
            for batch, length in shapes:
                if what in MIXERS:
                    import bench_mamba2
                    spec = bench_mamba2.spec(what, batch, length)
                else:
                    spec = scan_spec(batch, length) if what == "scan" else block_spec(batch,
                                                                                      length)
                print(f"\n{what} B={batch} L={length} (load average "
                      f"{os.getloadavg()[0]:.2f})", flush=True)
                loom = run_loom(spec, args.runs, workdir, args.knob)
                by_length[(batch, length)] = loom["min"]
                line = f"  {'loom':34} {fmt(loom)}"
                if what == "scan":
                    rate = scan_bytes(batch, length) / (loom["min"] * 1e-3) / 1e9
                    line += f"  {rate:6.1f} GB/s, {rate / triad:.0%} of triad"
                print(line, flush=True)
                peers = {}
                for python in pythons:
                    loop_runs = args.loop_runs if (python == pythons[0]
                                                   and batch * length <= args.loop_max) else 0
                    times = run_peer({"what": what, "batch": batch, "length": length,
                                      "runs": args.runs, "loop_runs": loop_runs,
                                      "forms": forms, "compile": not args.no_compile,
                                      "budget_s": args.budget},
                                     python)
                    for label, t in times.items():
                        name = f"torch {versions[python]} {label}"
                        peers[name] = t
                        note = f"  ({t['error']})" if "error" in t else \
                            f"  x {t['min'] / loom['min']:.2f} ({t['runs']} runs)"
                        print(f"  {name:34} {fmt(t)}{note}", flush=True)
                    if ("loop" in forms and not loop_runs and python == pythons[0]
                            and what not in MIXERS):
                        print(f"  (loop form skipped: B·L > --loop-max {args.loop_max})")
                timed = {k: v for k, v in peers.items() if "error" not in v}
                fastest = min(timed, key=lambda k: timed[k]["min"])
                eager = [v["min"] for k, v in timed.items() if " eager " in k]
                compiled = [v["min"] for k, v in timed.items() if " compile " in k]
                ratio = timed[fastest]["min"] / loom["min"]
                print(f"  best PyTorch: {fastest} {timed[fastest]['min']:.2f} ms; "
                      f"x best PyTorch = {ratio:.2f} (above 1: Loom faster)", flush=True)
                summary.append((what, batch, length, loom, fastest, timed[fastest],
                                min(eager) / loom["min"] if eager else float("nan"),
                                min(compiled) / loom["min"] if compiled else float("nan")))
                if what == "scan":
                    again = run_peer({"what": "triad"})["GBps"]
                    if again > triad:
                        triad = again
                        print(f"  (triad measured again: {triad:.1f} GB/s, used from here on; "
                              f"rows above used the lower value)", flush=True)
                for variant in args.variant if what == "scan" else []:
                    other = run_loom(spec, args.runs, workdir, args.knob + [variant])
                    rate = scan_bytes(batch, length) / (other["min"] * 1e-3) / 1e9
                    print(f"  {variant}: {other['min']:8.2f} / {other['median']:8.2f} "
                          f"x best PyTorch {timed[fastest]['min'] / other['min']:.2f}, default "
                          f"is {other['min'] / loom['min']:.2f}x faster; {rate:.1f} GB/s "
                          f"{rate / triad:.0%} of triad", flush=True)
            for batch in (1, 8):
                if (batch, 4096) not in by_length or (batch, 1024) not in by_length:
                    continue
                print(f"{what}: B={batch} time(L=4096) / time(L=1024) = "
                      f"{by_length[(batch, 4096)] / by_length[(batch, 1024)]:.2f} "
                      f"(4.00 = linear in L)")
    print(f"\n## Summary (ms, min / median; x = PyTorch min / Loom min, above 1: Loom faster; "
          f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())})")
    print(f"{'op':5} {'B':>2} {'L':>5} {'loom':>19} {'best PyTorch':>19} {'which':34} "
          f"{'x best PyTorch':>14} {'x eager':>8} {'x compile':>9}")
    for what, batch, length, loom, fastest, t, x_eager, x_compile in summary:
        print(f"{what:5} {batch:2} {length:5} {fmt(loom)} {fmt(t)} {fastest:34} "
              f"{t['min'] / loom['min']:14.2f} {x_eager:8.2f} {x_compile:9.2f}")


if __name__ == "__main__":
    main()
