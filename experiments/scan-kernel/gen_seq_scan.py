#!/usr/bin/env python3
"""Experiment (issue 9): a sequential-over-L CUDA kernel for loom.selective_scan, as MLIR text
(printed to stdout; build.sh lowers it to PTX like gen_block_scan.py's kernel).

The block scan (gen_block_scan.py) parallelizes L, and pays for it per state with a warp scan,
a barrier and a second pass over the thread's steps. Here every state is carried in registers
along the whole sequence instead: G lanes per (batch, channel), each with S = N / G states; the
batch and channel axes alone give the parallelism (B·D·G threads). Per group of E = G steps:
lane g computes Δ (softplus) and Δ·u of step g, and the group's values are broadcast with
shuffles; every lane then updates its S states over the E steps (one exponential per (step,
state): the floor) and accumulates its part of y for each step; a transposing butterfly
reduction over the G lanes leaves lane g with step g's y, which it gates and stores. u, Δ and z
of the next group and B, C of the lane's states (4-wide loads) are loaded one group ahead.

usage: gen_seq_scan.py B D L N G [--threads T] > kernel.mlir
  (static shapes; G in {4, 8, 16} dividing N, L a multiple of G, D a multiple of T / G;
  delta_softplus, A given as A_log, D, z and Δ bias present: the form loom.mamba uses)
"""
import argparse
parser = argparse.ArgumentParser()
for name in ("B", "D", "L", "N", "G"):
    parser.add_argument(name, type=int)
parser.add_argument("--threads", type=int, default=128)
args = parser.parse_args()
B, D, L, N, G, T = args.B, args.D, args.L, args.N, args.G, args.threads
S, E, CH = N // G, G, T // G
assert N % G == 0 and G in (4, 8, 16) and L % E == 0 and D % CH == 0 and T % 32 == 0
GROUPS = L // E
LOG2E = 1.4426950408889634
LN2 = 0.6931471805599453
from mlirtext import out, emit, v, const, fop, iop, intr, sel
ty3 = f"memref<{B}x{D}x{L}xf32>"
tyBCv = f"memref<{B}x{N}x{L//4}xvector<4xf32>>"
tyA = f"memref<{D}x{N}xf32>"; tyD = f"memref<{D}xf32>"
emit("module attributes {gpu.container_module} {")
emit('  gpu.module @loom_scan [#nvvm.target<chip = "sm_80", O = 3>] {')
emit(f"    gpu.func @scan(%u: {ty3}, %dt: {ty3}, %alog: {tyA}, %bm: {tyBCv}, %cm: {tyBCv}, "
     f"%dskip: {tyD}, %z: {ty3}, %bias: {tyD}, %y: {ty3}) kernel "
     f"attributes {{gpu.known_block_size = array<i32: {T}, 1, 1>}} {{")
def load(buf, idx, ty):
    r = v(); emit(f"      {r} = memref.load {buf}[{idx}] : {ty}"); return r
def extract(vec, i):
    r = v(); emit(f"      {r} = vector.extract {vec}[{i}] : f32 from vector<4xf32>"); return r
def shfl(kind, x, lane_or_mask):
    r = v(); ok = v()
    emit(f"      {r}, {ok} = gpu.shuffle {kind} {x}, {lane_or_mask}, {W32} : f32"); return r

blk = v(); emit(f"      {blk} = gpu.block_id x")
bb = v(); emit(f"      {bb} = gpu.block_id y")
t = v(); emit(f"      {t} = gpu.thread_id x")
W32 = const((32,))
g = iop("remui", t, const(G))
d = iop("addi", iop("muli", blk, const(CH)), iop("divui", t, const(G)))
lane = iop("remui", t, const(32))
base = iop("subi", lane, g)  # the channel's first lane in the warp
base32 = v(); emit(f"      {base32} = arith.index_cast {base} : index to i32")
log2e = const(LOG2E); ln2 = const(LN2); one = const(1.0); zero = const(0.0)
c0 = const(0); c1 = const(1)
bias = load("%bias", d, tyD); dsk = load("%dskip", d, tyD)
# A·log2 e of the lane's states (decays are powers of 2)
states = [iop("addi", iop("muli", g, const(S)), const(s)) for s in range(S)]
a2 = [fop("mulf", intr("ex2.approx.ftz.f", fop("mulf", load("%alog", f"{d}, {n}", tyA), log2e)),
          const(-LOG2E)) for n in states]
# the lane's step g in group grp: index of u, Δ, z, y; B, C: vectors grp·E/4 + k
def step_loads(grp):
    l = iop("addi", iop("muli", grp, const(E)), g)
    vals = [load(buf, f"{bb}, {d}, {l}", ty3) for buf in ("%u", "%dt", "%z")]
    for buf in ("%bm", "%cm"):
        for n in states:
            for k in range(E // 4):
                vals.append(load(buf, f"{bb}, {n}, {iop('addi', iop('muli', grp, const(E // 4)), const(k))}", tyBCv))
    return vals
first = step_loads(c0)
NV = len(first) - 3
inits = [f"%h{s} = {zero}" for s in range(S)] + [f"%p{j} = {x}" for j, x in enumerate(first)]
types = ["f32"] * S + ["f32"] * 3 + ["vector<4xf32>"] * NV
emit(f"      %hs:{len(types)} = scf.for %grp = {c0} to {const(GROUPS)} step {c1} iter_args({', '.join(inits)}) -> ({', '.join(types)}) {{")
nxt = step_loads(iop("minui", iop("addi", "%grp", c1), const(GROUPS - 1)))
u_, dt_, z_ = "%p0", "%p1", "%p2"
x = fop("addf", dt_, bias)
c20 = const(20.0)
xm = v(); emit(f"      {xm} = arith.minimumf {x}, {c20} : f32")
ex = intr("ex2.approx.ftz.f", fop("mulf", xm, log2e))
lg = fop("mulf", intr("lg2.approx.ftz.f", fop("addf", one, ex)), ln2)
sr = fop("mulf", ex, const(0.2)); sr = fop("addf", sr, const(-0.25)); sr = fop("mulf", ex, sr)
sr = fop("addf", sr, const(1.0 / 3)); sr = fop("mulf", ex, sr); sr = fop("addf", sr, const(-0.5))
sr = fop("mulf", ex, sr); sr = fop("addf", sr, one); sr = fop("mulf", ex, sr)
small = v(); emit(f"      {small} = arith.cmpf olt, {ex}, {const(1.0 / 16)} : f32")
big = v(); emit(f"      {big} = arith.cmpf ogt, {x}, {c20} : f32")
delta = sel(big, x, sel(small, sr, lg))
du = fop("mulf", delta, u_)
deltas, dus = [], []
for e in range(E):
    src = v(); emit(f"      {src} = arith.addi {base32}, {const((e,))} : i32")
    deltas.append(shfl("idx", delta, src)); dus.append(shfl("idx", du, src))
hs = [f"%h{s}" for s in range(S)]
acc = [None] * E
vec = 3
bvals, cvals = [], []
for s in range(S):
    bvals.append([extract(f"%p{vec + s * (E // 4) + k // 4}", k % 4) for k in range(E)])
for s in range(S):
    cvals.append([extract(f"%p{vec + S * (E // 4) + s * (E // 4) + k // 4}", k % 4) for k in range(E)])
for s in range(S):
    h = hs[s]
    for e in range(E):
        decay = intr("ex2.approx.ftz.f", fop("mulf", deltas[e], a2[s]))
        h = fop("addf", fop("mulf", decay, h), fop("mulf", dus[e], bvals[s][e]))
        term = fop("mulf", cvals[s][e], h)
        acc[e] = term if acc[e] is None else fop("addf", acc[e], term)
    hs[s] = h
# butterfly over the G lanes: at half-size m a lane keeps the half of the steps its bit m picks
m = G // 2
while m >= 1:
    bit = v(); emit(f"      {bit} = arith.andi {g}, {const(m)} : index")
    upper = v(); emit(f"      {upper} = arith.cmpi ne, {bit}, {c0} : index")
    mask = const((m,))
    nacc = []
    for i in range(m):
        send = sel(upper, acc[i], acc[i + m]); keep = sel(upper, acc[i + m], acc[i])
        nacc.append(fop("addf", keep, shfl("xor", send, mask)))
    acc = nacc
    m //= 2
yv = fop("addf", acc[0], fop("mulf", dsk, u_))
gate = intr("div.approx.ftz.f", z_, fop("addf", one, intr("ex2.approx.ftz.f", fop("mulf", z_, const(-LOG2E)))))
l = iop("addi", iop("muli", "%grp", const(E)), g)
emit(f"      memref.store {fop('mulf', yv, gate)}, %y[{bb}, {d}, {l}] : {ty3}")
emit(f"      scf.yield {', '.join(hs + nxt)} : {', '.join(types)}")
emit("      }")
emit("      gpu.return"); emit("    }"); emit("  }"); emit("}")
print("\n".join(out))
