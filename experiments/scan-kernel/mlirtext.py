"""The MLIR-text writer shared by the scan-kernel generators: `out` collects the lines,
v() names a fresh SSA value, and each helper emits one op and returns its result."""
out = []
emit = out.append
_count = 0


def v():
    global _count
    _count += 1
    return f"%v{_count}"


def const(x):
    """An f32 (float), i32 (a 1-tuple) or index (int) constant."""
    r = v()
    if isinstance(x, float): emit(f"      {r} = arith.constant {x!r} : f32")
    elif isinstance(x, tuple): emit(f"      {r} = arith.constant {x[0]} : i32")
    else: emit(f"      {r} = arith.constant {x} : index")
    return r


def fop(op, a, b):
    r = v(); emit(f"      {r} = arith.{op} {a}, {b} fastmath<contract> : f32"); return r


def iop(op, a, b):
    r = v(); emit(f"      {r} = arith.{op} {a}, {b} : index"); return r


def intr(name, *xs):
    r = v(); emit(f'      {r} = llvm.call_intrinsic "llvm.nvvm.{name}"({", ".join(xs)}) : ({", ".join(["f32"]*len(xs))}) -> f32'); return r


def sel(cond, a, b):
    r = v(); emit(f"      {r} = arith.select {cond}, {a}, {b} : f32"); return r
