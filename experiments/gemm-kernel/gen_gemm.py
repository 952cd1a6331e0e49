"""Generates the register-tiled SGEMM of loom.linear as MLIR GPU-dialect text:
y[M, N] = x[M, K] · W[N, K]ᵀ (+ bias[N]), both operands K-contiguous.
Block tile BM×BN, slabs of BK along K staged (transposed: As[k][m], Ws[k][n], rows padded)
in double-buffered shared memory; each thread owns RM×RN outputs in registers as
(RM/4)×(RN/4) sub-tiles of 4×4 (rows sub·BM/(RM/4) + ty·4 + i), read from shared memory
with 16-byte loads; the next slab's global float4 loads are in flight during the FMAs; one
barrier per slab. Ragged M, N: clamped loads, guarded stores; ragged K (K % BK ≠ 0):
zero-filled loads. Needs K % 4 == 0 and N % 4 == 0.
usage: gen_gemm.py M N K BM BN BK RM RN PAD BIAS(0|1) [SYMBOL [MINCTA]]   (MINCTA > 0: .maxntid
and .minnctapersm MINCTA, which caps the registers at 64K / (threads · MINCTA))"""
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scan-kernel"))
from mlirtext import out, emit, v, const, fop, iop

M, N, K, BM, BN, BK, RM, RN, PAD, BIAS = map(int, sys.argv[1:11])
SYM = sys.argv[11] if len(sys.argv) > 11 else "gemm"
assert K % 4 == 0 and N % 4 == 0 and RM % 4 == 0 and RN % 4 == 0 and PAD % 4 == 0
TY, TX = BM // RM, BN // RN
T = TX * TY
MINCTA = f", nvvm.maxntid = array<i32: {T}, 1, 1>, nvvm.minctasm = {int(sys.argv[12])} : i32" if len(sys.argv) > 12 and int(sys.argv[12]) else ""
KQ = BK // 4
LA, LW = BM * KQ // T, BN * KQ // T
assert LA * T == BM * KQ and LW * T == BN * KQ and LA > 0 and LW > 0, "loads do not divide"
S = (K + BK - 1) // BK
WS = "#gpu.address_space<workgroup>"
SA, SW = BM + PAD, BN + PAD
xT = f"memref<{M}x{K // 4}xvector<4xf32>>"
wT = f"memref<{N}x{K // 4}xvector<4xf32>>"
bT = f"memref<{N // 4}xvector<4xf32>>"
yT = f"memref<{M}x{N // 4}xvector<4xf32>>"
asF, asV = f"memref<2x{BK}x{SA}xf32, {WS}>", f"memref<2x{BK}x{SA // 4}xvector<4xf32>, {WS}>"
wsF, wsV = f"memref<2x{BK}x{SW}xf32, {WS}>", f"memref<2x{BK}x{SW // 4}xvector<4xf32>, {WS}>"
rawA, rawW = f"memref<{2 * BK * SA * 4}xi8, {WS}>", f"memref<{2 * BK * SW * 4}xi8, {WS}>"


def view(raw, rawT, T):
    r = v(); emit(f"      {r} = memref.view {raw}[{c0}][] : {rawT} to {T}"); return r


def load(mem, idx, T):
    r = v(); emit(f"      {r} = memref.load {mem}[{idx}] : {T}"); return r


def store(val, mem, idx, T):
    emit(f"      memref.store {val}, {mem}[{idx}] : {T}")


def extract(vec, i):
    r = v(); emit(f"      {r} = vector.extract {vec}[{i}] : f32 from vector<4xf32>"); return r


bn_, bm_, t = v(), v(), v()
emit(f"      {bn_} = gpu.block_id x")
emit(f"      {bm_} = gpu.block_id y")
emit(f"      {t} = gpu.thread_id x")
c0, c1, c2 = const(0), const(1), const(2)
m0 = iop("muli", bm_, const(BM))
n0 = iop("muli", bn_, const(BN))
tx = iop("remui", t, const(TX))
ty = iop("divui", t, const(TX))
As, Asv = view("%rawA", rawA, asF), view("%rawA", rawA, asV)
Ws, Wsv = view("%rawW", rawW, wsF), view("%rawW", rawW, wsV)
zero4 = v(); emit(f"      {zero4} = arith.constant dense<0.0> : vector<4xf32>")

# Per thread: the rows/k-quads of its global loads (fixed), clamped into the matrix.
def slots(L, base, extent, lastRow):
    res = []
    for j in range(L):
        f = iop("addi", t, const(j * T))
        row = iop("divui", f, const(KQ))
        kq = iop("remui", f, const(KQ))
        g = iop("minui", iop("addi", base, row), const(lastRow))
        res.append((row, kq, g))
    return res
aSlots = slots(LA, m0, M, M - 1)
wSlots = slots(LW, n0, N, N - 1)


def loadSlab(s):
    """Global float4 loads of slab s (an index value): A then W."""
    vals = []
    for (sl, mem, T_) in ((aSlots, "%x", xT), (wSlots, "%w", wT)):
        for (row, kq, g) in sl:
            k = iop("addi", iop("muli", s, const(KQ)), kq)
            if K % BK:
                inside = v(); emit(f"      {inside} = arith.cmpi ult, {k}, {const(K // 4)} : index")
                kc = iop("minui", k, const(K // 4 - 1))
                raw = load(mem, f"{g}, {kc}", T_)
                r = v(); emit(f"      {r} = arith.select {inside}, {raw}, {zero4} : vector<4xf32>")
                vals.append(r)
            else:
                vals.append(load(mem, f"{g}, {k}", T_))
    return vals


def storeSlab(vals, buf):
    i = 0
    for (sl, mem, T_) in ((aSlots, As, asF), (wSlots, Ws, wsF)):
        for (row, kq, g) in sl:
            for e in range(4):
                k = iop("addi", iop("muli", kq, const(4)), const(e))
                store(extract(vals[i], e), mem, f"{buf}, {k}, {row}", T_)
            i += 1


# Sub-tile vector indices in the shared rows: (sub·BM/(RM/4) + ty·4)/4.
aVec = [iop("addi", const(sub * BM // RM), ty) for sub in range(RM // 4)]
wVec = [iop("addi", const(sub * BN // RN), tx) for sub in range(RN // 4)]


def compute(acc, buf):
    acc = list(acc)
    for kk in range(BK):
        ck = const(kk)
        a = [e for vi in aVec for e in (lambda q: [extract(q, i) for i in range(4)])(load(Asv, f"{buf}, {ck}, {vi}", asV))]
        w = [e for vi in wVec for e in (lambda q: [extract(q, i) for i in range(4)])(load(Wsv, f"{buf}, {ck}, {vi}", wsV))]
        for r in range(RM):
            for c in range(RN):
                acc[r * RN + c] = fop("addf", fop("mulf", a[r], w[c]), acc[r * RN + c])
    return acc


storeSlab(loadSlab(c0), c0)
emit("      gpu.barrier")
zero = const(0.0)
NA = RM * RN
inits = ", ".join(f"%acc{i} = {zero}" for i in range(NA))
types = ", ".join(["f32"] * NA)
# Every slab's product inside the loop (a peeled last slab lets LLVM sink its FMAs into the
# guarded stores, keeping all its shared loads live: 190 registers); the last iteration
# reloads the last slab into the idle buffer, unused.
emit(f"      %sum:{NA} = scf.for %s = {c0} to {const(S)} step {c1} iter_args({inits}) -> ({types}) {{")
nxt = loadSlab(iop("minui", iop("addi", "%s", c1), const(S - 1)))
buf = iop("remui", "%s", c2)
acc = compute([f"%acc{i}" for i in range(NA)], buf)
storeSlab(nxt, iop("subi", c1, buf))
emit("      gpu.barrier")
emit(f"      scf.yield {', '.join(acc)} : {types}")
emit("      }")
acc = [f"%sum#{i}" for i in range(NA)]

# Epilogue: bias, float4 stores of rows/columns inside the matrix.
bias = []
for sub in range(RN // 4):
    n = iop("addi", n0, iop("muli", iop("addi", const(sub * BN // RN), tx), const(4)))
    bias.append(n)
biasV = [load("%bias", iop("minui", iop("divui", n, const(4)), const(N // 4 - 1)), bT) for n in bias] if BIAS else None
for r in range(RM):
    sub, i = divmod(r, 4)
    m = iop("addi", m0, iop("addi", const(sub * BM // (RM // 4) + i), iop("muli", ty, const(4))))
    if M % BM:
        ok = v(); emit(f"      {ok} = arith.cmpi ult, {m}, {const(M)} : index")
        emit(f"      scf.if {ok} {{")
    for cs in range(RN // 4):
        vec = v()
        emit(f"      {vec} = vector.from_elements {', '.join(acc[r * RN + cs * 4 + e] for e in range(4))} : vector<4xf32>")
        if BIAS:
            vb = v(); emit(f"      {vb} = arith.addf {vec}, {biasV[cs]} : vector<4xf32>"); vec = vb
        nq = iop("divui", bias[cs], const(4))
        if N % BN:
            ok2 = v(); emit(f"      {ok2} = arith.cmpi ult, {nq}, {const(N // 4)} : index")
            emit(f"      scf.if {ok2} {{")
        store(vec, "%y", f"{m}, {nq}", yT)
        if N % BN: emit("      }")
    if M % BM: emit("      }")

params = [f"%x: {xT}", f"%w: {wT}"] + ([f"%bias: {bT}"] if BIAS else []) + [f"%y: {yT}"]
print("module attributes {gpu.container_module} {")
print(f"  gpu.module @{SYM} {{")
print(f"    gpu.func @{SYM}({', '.join(params)}) workgroup(%rawA : {rawA} {{llvm.align = 16 : i64}}, "
      f"%rawW : {rawW} {{llvm.align = 16 : i64}}) kernel attributes {{gpu.known_block_size = array<i32: {T}, 1, 1>{MINCTA}}} {{")
print("\n".join(out))
print("      gpu.return\n    }\n  }\n}")
