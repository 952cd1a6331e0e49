// Halide algorithms of the state-space ops: the selective scan as one
// sequential update over L whose state lives next to its readout, so that a
// schedule can keep the state in a few cache lines (LAYERS.md §3).
#include "lib/Halide/EmitSSM.h"

#include <functional>

using namespace Halide;

namespace loom {

namespace {

/// PyTorch's softplus (beta 1, threshold 20), with a series for log(1 + e)
/// when e is tiny so that very negative inputs keep their precision.
Expr softplus(Expr x) {
  Expr e = exp(min(x, 20.0f));
  Expr series = e * (1.0f + e * (-0.5f + e * (1.0f / 3.0f)));
  return select(x > 20.0f, x, select(e < 1.0f / 1024.0f, series, log(1.0f + e)));
}

Expr silu(Expr x) { return x / (1.0f + exp(-x)); }

/// 2^x on the GPU's special-function unit (PTX ex2.approx.ftz, relative error
/// about 2^-22; subnormal results flush to 0): one instruction where Halide's
/// exp is a ~20-instruction polynomial.
Expr ptxExp2(Expr x) {
  return Internal::Call::make(Float(32), "llvm.nvvm.ex2.approx.ftz.f", {std::move(x)},
                              Internal::Call::PureExtern);
}

/// log2(x) on the special-function unit (PTX lg2.approx.ftz: absolute error
/// about 2^-22 for x in [0.5, 2]).
Expr ptxLog2(Expr x) {
  return Internal::Call::make(Float(32), "llvm.nvvm.lg2.approx.ftz.f", {std::move(x)},
                              Internal::Call::PureExtern);
}

/// x / y with PTX div.approx.ftz (2 ulp; a reciprocal and a multiply) where
/// IEEE division is a ~10-instruction sequence with a slow path.
Expr ptxDivide(Expr x, Expr y) {
  return Internal::Call::make(Float(32), "llvm.nvvm.div.approx.ftz.f",
                              {std::move(x), std::move(y)}, Internal::Call::PureExtern);
}

/// 2^x on the CPU in 11 vector instructions where Halide's exp takes ~20:
/// x = k + f with k = round(x) and f in [−0.5, 0.5]; 2^f = 1 + f·q(f) with q
/// a degree-4 relative minimax fit of (2^f − 1)/f, and 2^k added to the
/// exponent bits. The 1 is exact on purpose: a decay near 1 (|Δ·A| small,
/// a long memory) repeats its error over ~1/|Δ·A| steps, so what counts is
/// the error relative to 1 − 2^f, not to 2^f. A plain minimax fit of 2^f of
/// the same degree (relative error 2.3e-7, but 1.2e-7 off at f = 0) fails
/// the long-memory numeric test; this one is within f32 rounding of exp
/// there (relative error 2.2e-7, 0 at f = 0). x is clamped to [−126, 127] so
/// that k plus the exponent stays a normal float: the scan's decays have
/// x ≤ 0, and 2^−126 next to an O(1) state is as good as the true value
/// (`nonPositive`: x ≤ 0 is known, no upper clamp).
/// k is rounded without conversions: adding 1.5·2^23 leaves round(x) in the
/// low mantissa bits of the sum (its ulp is 1), subtracting it again gives
/// k as a float, and the sum's bits shifted left by 23 are k's exponent
/// field (the magic's own bits shift out). Two additions replace k =
/// int(x − 0.5) and its conversion back (an addition and two conversions;
/// Halide's 16-lane round is 4 instructions); strict_float keeps Halide's
/// simplifier from folding (x + c) − c to x.
Expr polynomialExp2(Expr x, bool nonPositive) {
  constexpr float magic = 12582912.0f; // 1.5·2^23
  x = nonPositive ? max(x, -126.0f) : clamp(x, -126.0f, 127.0f);
  Expr shifted = strict_float(x + magic);
  Expr f = x - strict_float(shifted - magic);
  // q's coefficients, highest degree first (Horner).
  static const float coefficients[] = {0.001333352760411799f, 0.009666245430707932f,
                                       0.05550500378012657f, 0.24022351205348969f,
                                       0.6931471228599548f};
  Expr q = coefficients[0];
  for (size_t i = 1; i < std::size(coefficients); ++i)
    q = q * f + coefficients[i];
  Expr p = f * q + 1.0f;
  return reinterpret<float>(reinterpret<int>(p) + (reinterpret<int>(shifted) << 23));
}

/// softplus on the CPU in ~24 vector instructions where Halide's exp and log
/// take ~60: max(x, 0) + log(1 + e) with e = e^−|x| in (0, 1] from
/// polynomialExp2 and log(1 + e) = e·r(e), r a degree-8 relative fit of
/// log(1 + e)/e on [0, 1] (relative error 2.1e-7 evaluated in f32). No
/// range reduction is needed because 1 + e stays in (1, 2], and none of
/// PyTorch's thresholds: for x > 20 the log term is below x's rounding, and
/// for x ≪ 0 e·r(e) keeps e's relative precision (e is floored at 2^−126).
Expr cpuSoftplus(Expr x) {
  Expr e = polynomialExp2(-abs(x) * float(M_LOG2E), /*nonPositive=*/true);
  static const float coefficients[] = {
      0.005232669413089752f, -0.029505137354135513f, 0.07822578400373459f,
      -0.1366323083639145f,  0.19105999171733856f,   -0.2484298050403595f,
      0.3331909775733948f,   -0.4999949336051941f,   0.9999999403953552f};
  Expr r = coefficients[0];
  for (size_t i = 1; i < std::size(coefficients); ++i)
    r = r * e + coefficients[i];
  return max(x, 0.0f) + e * r;
}

/// How the selective scan evaluates exp, softplus and silu. The decays
/// exp(Δ·A) are always 2^(Δ·A·log2 e) (A is pre-scaled): on the GPU with
/// ex2.approx; on the CPU with `fast` a polynomial, else Halide's exp. With
/// `fast`, softplus and silu use the special-function unit on the GPU and
/// the same polynomials on the CPU (a third of the time of a CPU scan step
/// went to Halide's exp and log in them).
struct ScanMath {
  bool gpu = false;
  bool fast = false;
  /// Whether every decay exponent Δ·A is ≤ 0 (A = −exp(A_log), Δ softplus'd).
  bool nonPositive = false;

  Expr exp2(Expr x) const {
    if (gpu)
      return ptxExp2(std::move(x));
    return fast ? polynomialExp2(std::move(x), nonPositive) : exp(std::move(x) * float(M_LN2));
  }

  /// softplus as the shared one (PyTorch's threshold 20, a series for tiny
  /// e^x) without `fast`; the fast CPU form is cpuSoftplus; the fast GPU
  /// form takes e^x and the log from the special-function unit and widens
  /// the series to e^x < 1/16 (5 terms, relative error < 2e-7), where
  /// lg2.approx's absolute error would be a large relative one.
  Expr softplus(Expr x) const {
    if (!gpu && fast)
      return cpuSoftplus(std::move(x));
    if (!fast)
      return loom::softplus(std::move(x));
    Expr e = ptxExp2(min(x, 20.0f) * float(M_LOG2E));
    Expr series = e * (1.0f + e * (-1.0f / 2 + e * (1.0f / 3 + e * (-1.0f / 4 + e / 5))));
    return select(x > 20.0f, x,
                  select(e < 1.0f / 16, series, ptxLog2(1.0f + e) * float(M_LN2)));
  }

  Expr silu(Expr x) const {
    if (!gpu && fast)
      return x / (1.0f + polynomialExp2(-x * float(M_LOG2E), /*nonPositive=*/false));
    if (!fast)
      return loom::silu(std::move(x));
    // For x ≪ 0 the denominator overflows to inf and x / inf = −0, the limit.
    return ptxDivide(x, 1.0f + ptxExp2(-x * float(M_LOG2E)));
  }
};

void emitSequentialScan(SelectiveScanFuncs &funcs, const ScanMath &math,
                        const std::string &name);
void emitChunkedScan(SelectiveScanFuncs &funcs, const ScanMath &math, int64_t chunk,
                     const std::string &name);

} // namespace

SelectiveScanFuncs emitSelectiveScan(const Tensor &u, const Tensor &delta, const Tensor &a,
                                     const Tensor &b, const Tensor &c, const Tensor *d,
                                     const Tensor *z, const Tensor *deltaBias,
                                     bool deltaSoftplus, bool aIsLog, int64_t chunk,
                                     bool gpu, bool fastMath, const std::string &name) {
  SelectiveScanFuncs funcs;
  funcs.batch = u.shape[0];
  funcs.channels = u.shape[1];
  funcs.length = u.shape[2];
  funcs.states = a.shape[1];
  Var l("l"), ch("d"), batch("b"), n("n");
  const ScanMath math{gpu, fastMath, aIsLog && deltaSoftplus};

  funcs.decay = Func(name + "_decay");
  Expr aValue = a.at({ch, n});
  // A = −exp(A_log); on the GPU with fast math on the special-function unit
  // (a GPU thread computes the N entries of its channel itself).
  Expr aEntry = !aIsLog          ? aValue
                : gpu && fastMath ? -ptxExp2(aValue * float(M_LOG2E))
                                  : -exp(aValue);
  // Decays are exponentiated in base 2 (ScanMath::exp2): A·log2 e, except
  // in the sequential form without fast math, which keeps Halide's exp.
  funcs.decayBase2 = chunk > 0 || fastMath;
  funcs.decay(ch, n) = funcs.decayBase2 ? aEntry * float(M_LOG2E) : aEntry;

  funcs.stagedU = Func(name + "_staged_u");
  funcs.stagedU(ch, l, batch) = u.at({batch, ch, l});
  funcs.stagedDelta = Func(name + "_staged_delta");
  Expr dt = delta.at({batch, ch, l});
  if (deltaBias)
    dt += deltaBias->at({ch});
  funcs.stagedDelta(ch, l, batch) = deltaSoftplus ? math.softplus(dt) : dt;
  // B and C with the step innermost (inlined unless a schedule stages them).
  funcs.stagedB = Func(name + "_staged_b");
  funcs.stagedB(l, n, batch) = b.at({batch, n, l});
  funcs.stagedC = Func(name + "_staged_c");
  funcs.stagedC(l, n, batch) = c.at({batch, n, l});

  if (chunk > 0) {
    emitChunkedScan(funcs, math, chunk, name);
  } else {
    emitSequentialScan(funcs, math, name);
  }

  funcs.result = Func(name);
  Expr chunkLength = static_cast<int>(funcs.chunk);
  Expr y = funcs.chunk > 0 ? funcs.scan(static_cast<int>(funcs.states) + l % chunkLength, ch,
                                        l / chunkLength, batch)
                           : funcs.scan(ch, l, batch);
  if (d)
    y += d->at({ch}) * u.at({batch, ch, l});
  if (z)
    y *= math.silu(z->at({batch, ch, l}));
  funcs.result(l, ch, batch) = y;
  return funcs;
}

namespace {

void emitSequentialScan(SelectiveScanFuncs &funcs, const ScanMath &math,
                        const std::string &name) {
  const int length = static_cast<int>(funcs.length), states = static_cast<int>(funcs.states);
  Var ch("d"), batch("b"), k("k");
  // One update writes one location per step, so the state slots and the
  // readout share a Func: j < N advances state j, j = N reads out. After the
  // schedule unrolls j, each copy keeps one branch of the selects.
  funcs.scan = Func(name + "_scan");
  funcs.scan(ch, k, batch) = 0.0f;
  funcs.steps = RDom(0, states + 1, 0, length, name + "_step");
  Expr j = funcs.steps.x, step = funcs.steps.y;
  Expr slot = clamp(j, 0, states - 1);
  Expr stepDelta = funcs.stagedDelta(ch, step, batch);
  Expr exponent = stepDelta * funcs.decay(ch, slot);
  Expr decay = funcs.decayBase2 ? math.exp2(exponent) : exp(exponent);
  Expr state = decay * funcs.scan(ch, length + slot, batch) +
               stepDelta * funcs.stagedU(ch, step, batch) * funcs.stagedB(step, slot, batch);
  Expr readout = 0.0f;
  for (int s = 0; s < states; ++s)
    readout += funcs.scan(ch, length + s, batch) * funcs.stagedC(step, Expr(s), batch);
  funcs.scan(ch, select(j < states, length + slot, step), batch) =
      select(j < states, state, readout);
}

void emitChunkedScan(SelectiveScanFuncs &funcs, const ScanMath &math, int64_t chunkSteps,
                     const std::string &name) {
  const int length = static_cast<int>(funcs.length), states = static_cast<int>(funcs.states);
  // The schedule unrolls a chunk to keep its readouts in registers: 128
  // steps is plenty (K·N carried states per channel stay small).
  const int chunk = static_cast<int>(std::min<int64_t>({chunkSteps, funcs.length, 128}));
  const int chunks = (length + chunk - 1) / chunk;
  funcs.chunk = chunk;
  funcs.chunks = chunks;
  Var ch("d"), batch("b"), k("k"), j("j"), chunkIndex("c");

  // Step r of chunk `at` is position at·chunk + r. Positions past L (the
  // ragged last chunk) leave the state as it is (`advance`). They must not
  // be written as Δ = 0: the decay 2^(0·A) would become a constant that
  // Halide hoists out of the kernel into host code, where the PTX
  // intrinsic does not exist.
  auto stepAt = [&](Expr chunkIndexExpr, Expr r) { return chunkIndexExpr * chunk + r; };
  bool ragged = length % chunk != 0;
  // Clamped only where a chunk overhangs L: an unclamped index lets the
  // schedule load a thread's chunk with aligned vector loads.
  auto inside = [&](Expr position) { return ragged ? min(position, length - 1) : position; };
  auto deltaAt = [&](Expr position) {
    return funcs.stagedDelta(ch, inside(position), batch);
  };
  auto inputAt = [&](Expr position) { return funcs.stagedU(ch, inside(position), batch); };
  auto advance = [&](Expr position, Expr next, Expr previous) {
    return ragged ? select(position < length, next, previous) : next;
  };

  // Pass 1: each chunk from a zero state; j = N accumulates ΣΔ (the chunk's
  // total decay is exp(A·ΣΔ)). j is a pure variable: every state advances at
  // every step, independently of the others.
  funcs.chunkScan = Func(name + "_chunk_scan");
  funcs.chunkScan(j, ch, chunkIndex, batch) = 0.0f;
  funcs.chunkSteps = RDom(0, chunk, name + "_chunk_step");
  {
    Expr position = stepAt(chunkIndex, funcs.chunkSteps.x);
    Expr dt = deltaAt(position);
    Expr slot = clamp(j, 0, states - 1);
    Expr previous = funcs.chunkScan(j, ch, chunkIndex, batch);
    Expr state = math.exp2(dt * funcs.decay(ch, slot)) * previous +
                 dt * inputAt(position) * funcs.stagedB(inside(position), slot, batch);
    funcs.chunkScan(j, ch, chunkIndex, batch) =
        advance(position, select(j < states, state, previous + dt), previous);
  }
  funcs.chunkEnd = Func(name + "_chunk_end");
  funcs.chunkEnd(ch, j, chunkIndex, batch) = funcs.chunkScan(j, ch, chunkIndex, batch);

  // Pass 2: carry the states across chunks, sequentially over c:
  // carried(c) = end(c) + exp(A·ΣΔ_c) · carried(c − 1). It is a Func of its
  // own because Halide wants every self-reference of an update at the same
  // pure coordinates: ΣΔ_c (slot N) is read from `chunkEnd`. The state j
  // stays a pure variable (the N states are independent), so a schedule can
  // run them in parallel; slot N copies ΣΔ. The pure definition is undef:
  // the update writes every chunk.
  if (chunks > 1) {
    funcs.carried = Func(name + "_carried");
    funcs.carried(ch, j, chunkIndex, batch) = undef<float>();
    funcs.carrySteps = RDom(0, chunks, name + "_carry_step");
    Expr at = funcs.carrySteps.x;
    Expr slot = clamp(j, 0, states - 1);
    funcs.carried(ch, j, at, batch) =
        funcs.chunkEnd(ch, j, at, batch) +
        select(j < states && at > 0,
               math.exp2(funcs.decay(ch, slot) * funcs.chunkEnd(ch, states, at, batch)) *
                   funcs.carried(ch, j, max(at - 1, 0), batch),
               0.0f);
  }

  // Pass 3: each chunk again, from its true initial state, reading out
  // every step (the state slots and the readout share a Func, as in the
  // sequential form).
  funcs.scan = Func(name + "_scan");
  Expr initial = chunks > 1 ? select(chunkIndex > 0 && k < states,
                                     funcs.carried(ch, clamp(k, 0, states - 1),
                                                    max(chunkIndex - 1, 0), batch),
                                     0.0f)
                            : Expr(0.0f);
  funcs.scan(k, ch, chunkIndex, batch) = initial;
  funcs.steps = RDom(0, states + 1, 0, chunk, name + "_step");
  Expr slotIndex = funcs.steps.x, r = funcs.steps.y;
  Expr position = stepAt(chunkIndex, r);
  Expr dt = deltaAt(position);
  Expr slot = clamp(slotIndex, 0, states - 1);
  Expr clamped = inside(position);
  Expr previous = funcs.scan(slot, ch, chunkIndex, batch);
  Expr state = advance(position,
                       math.exp2(dt * funcs.decay(ch, slot)) * previous +
                           dt * inputAt(position) * funcs.stagedB(clamped, slot, batch),
                       previous);
  Expr readout = 0.0f;
  for (int s = 0; s < states; ++s)
    readout += funcs.scan(s, ch, chunkIndex, batch) * funcs.stagedC(clamped, Expr(s), batch);
  funcs.scan(select(slotIndex < states, slot, states + r), ch, chunkIndex, batch) =
      select(slotIndex < states, state, readout);
}

} // namespace

namespace {

/// The sequential recurrence: as in emitSelectiveScan, the state columns
/// next to the readout, one update over L (`scan`).
void emitSequentialSSD(SSDScanFuncs &funcs, const Tensor &x, const Tensor &b,
                       const Tensor &c, Expr aValue, bool reverse, const std::string &name) {
  const int length = static_cast<int>(funcs.length), states = static_cast<int>(funcs.states);
  const int headsPerGroup = static_cast<int>(funcs.heads / funcs.groups);
  Var p("p"), l("l"), head("h"), batch("b"), k("k");
  funcs.stepDecay = Func(name + "_step_decay");
  funcs.stepDecay(head, l, batch) = exp(funcs.stepDelta(head, l, batch) * aValue);

  funcs.scan = Func(name + "_scan");
  funcs.scan(p, k, head, batch) = 0.0f;
  funcs.steps = RDom(0, states + 1, 0, length, name + "_step");
  Expr j = funcs.steps.x, step = funcs.steps.y;
  // The position in L of the step-th step of the scan.
  Expr at = reverse ? length - 1 - step : step;
  Expr slot = clamp(j, 0, states - 1);
  Expr group = head / headsPerGroup;
  Expr state = funcs.stepDecay(head, at, batch) * funcs.scan(p, length + slot, head, batch) +
               funcs.stepDelta(head, at, batch) * x.at({batch, at, head, p}) *
                   b.at({batch, at, group, slot});
  Expr readout = 0.0f;
  for (int s = 0; s < states; ++s)
    readout += funcs.scan(p, length + s, head, batch) * c.at({batch, at, group, Expr(s)});
  funcs.scan(p, select(j < states, length + slot, at), head, batch) =
      select(j < states, state, readout);
}

/// The chunked SSD algorithm (Mamba-2's "state space duality"): inside a
/// chunk the quadratic, attention-like form (C·Bᵀ masked by the decays
/// between steps, times x: matrix products), across chunks the recurrence
/// on the chunk end states (one scalar decay per head and chunk). The work
/// is O(L·Q) per head, linear in L for a fixed chunk length Q.
void emitChunkedSSD(SSDScanFuncs &funcs, const Tensor &x, const Tensor &b, const Tensor &c,
                    Expr aValue, bool reverse, int64_t chunkSteps, const std::string &name) {
  const int length = static_cast<int>(funcs.length), states = static_cast<int>(funcs.states);
  const int headsPerGroup = static_cast<int>(funcs.heads / funcs.groups);
  const int chunk = static_cast<int>(std::min<int64_t>(chunkSteps, funcs.length));
  const int chunks = (length + chunk - 1) / chunk;
  funcs.chunk = chunk;
  funcs.chunks = chunks;
  Var p("p"), n("n"), i("i"), j("j"), head("h"), group("g"), chunkIndex("c"), batch("b");

  // Step r of chunk `at` in scan order, and its position in L (clamped: the
  // steps past L of a ragged last chunk read the last position; their Δ is 0,
  // so they add nothing to any state or readout).
  auto scanStep = [&](Expr r) { return chunkIndex * chunk + r; };
  auto position = [&](Expr r) {
    Expr s = min(scanStep(r), length - 1);
    return reverse ? length - 1 - s : s;
  };
  auto bAt = [&](Expr state, Expr r, Expr g) { return b.at({batch, position(r), g, state}); };
  auto cAt = [&](Expr state, Expr r, Expr g) { return c.at({batch, position(r), g, state}); };
  Expr headGroup = head / headsPerGroup;

  funcs.chunkDelta = Func(name + "_chunk_delta");
  funcs.chunkDelta(head, i, chunkIndex, batch) =
      select(scanStep(i) < length, funcs.stepDelta(head, position(i), batch), 0.0f);

  // Cumulative log-decay inside the chunk: cum_i = Σ_{r ≤ i} Δ_r·A.
  funcs.cumulative = Func(name + "_cumulative");
  funcs.cumulative(head, i, chunkIndex, batch) =
      funcs.chunkDelta(head, i, chunkIndex, batch) * aValue;
  if (chunk > 1) {
    funcs.cumSteps = RDom(1, chunk - 1, name + "_cum_step");
    Expr r = funcs.cumSteps.x;
    funcs.cumulative(head, r, chunkIndex, batch) +=
        funcs.cumulative(head, r - 1, chunkIndex, batch);
  }
  auto cum = [&](Expr r) { return funcs.cumulative(head, r, chunkIndex, batch); };

  funcs.inputWeight = Func(name + "_input_weight");
  funcs.inputWeight(head, j, chunkIndex, batch) =
      exp(cum(chunk - 1) - cum(j)) * funcs.chunkDelta(head, j, chunkIndex, batch);

  // C_i·B_j, shared by the heads of a group; B and C of the group in chunk
  // layout (what a schedule stages per (group, chunk) block).
  funcs.scoreB = Func(name + "_score_b");
  funcs.scoreB(n, j, group, chunkIndex, batch) = bAt(n, j, group);
  funcs.scoreC = Func(name + "_score_c");
  funcs.scoreC(n, i, group, chunkIndex, batch) = cAt(n, i, group);
  funcs.scoreSum = Func(name + "_score_sum");
  funcs.scoreSum(j, i, group, chunkIndex, batch) = 0.0f;
  funcs.scoreSteps = RDom(0, states, name + "_score_step");
  funcs.scoreSum(j, i, group, chunkIndex, batch) +=
      funcs.scoreC(funcs.scoreSteps.x, i, group, chunkIndex, batch) *
      funcs.scoreB(funcs.scoreSteps.x, j, group, chunkIndex, batch);
  funcs.scores = Func(name + "_scores");
  funcs.scores(j, i, group, chunkIndex, batch) = funcs.scoreSum(j, i, group, chunkIndex, batch);

  // The masked decay matrix L[i, j] = exp(cum_i − cum_j) (j ≤ i) times the
  // scores and Δ_j: y_diag = weight·x. min(·, 0) keeps the unused j > i
  // entries finite.
  funcs.weight = Func(name + "_weight");
  funcs.weight(j, i, head, chunkIndex, batch) =
      select(j <= i,
             funcs.scores(j, i, headGroup, chunkIndex, batch) * exp(min(cum(i) - cum(j), 0.0f)) *
                 funcs.chunkDelta(head, j, chunkIndex, batch),
             0.0f);

  funcs.chunkX = Func(name + "_chunk_x");
  funcs.chunkX(p, j, head, chunkIndex, batch) = x.at({batch, position(j), head, p});
  // B and C of a head's group in chunk layout: what a schedule stages per
  // (head, chunk) block for the two P·N products.
  funcs.chunkB = Func(name + "_chunk_b");
  funcs.chunkB(n, j, head, chunkIndex, batch) = bAt(n, j, headGroup);
  funcs.chunkC = Func(name + "_chunk_c");
  funcs.chunkC(n, i, head, chunkIndex, batch) = cAt(n, i, headGroup);

  // The chunk's end state from a zero start: Σ_j exp(cum_end − cum_j)·Δ_j·x_j ⊗ B_j.
  funcs.chunkLocal = Func(name + "_chunk_local");
  funcs.chunkLocal(p, n, head, chunkIndex, batch) = 0.0f;
  funcs.localSteps = RDom(0, chunk, name + "_local_step");
  {
    Expr r = funcs.localSteps.x;
    funcs.chunkLocal(p, n, head, chunkIndex, batch) +=
        funcs.inputWeight(head, r, chunkIndex, batch) *
        funcs.chunkX(p, r, head, chunkIndex, batch) * funcs.chunkB(n, r, head, chunkIndex, batch);
  }
  // The carry: the end state of chunk c including every earlier chunk,
  // sequential over c (the decay of a whole chunk is one scalar per head).
  funcs.chunkState = Func(name + "_chunk_state");
  funcs.chunkState(p, n, head, chunkIndex, batch) =
      funcs.chunkLocal(p, n, head, chunkIndex, batch);
  if (chunks > 1) {
    funcs.carrySteps = RDom(1, chunks - 1, name + "_carry_step");
    Expr at = funcs.carrySteps.x;
    funcs.chunkState(p, n, head, at, batch) +=
        exp(funcs.cumulative(head, chunk - 1, at, batch)) *
        funcs.chunkState(p, n, head, at - 1, batch);
  }

  // Inside the chunk: Σ_{j ≤ i} weight(j, i)·x_j (the where clause halves
  // the work; the weights past the diagonal are 0 anyway).
  funcs.diagonal = Func(name + "_diagonal");
  funcs.diagonal(p, i, head, chunkIndex, batch) = 0.0f;
  funcs.diagonalSteps = RDom(0, chunk, name + "_diagonal_step");
  funcs.diagonalSteps.where(funcs.diagonalSteps.x <= i);
  {
    Expr r = funcs.diagonalSteps.x;
    funcs.diagonal(p, i, head, chunkIndex, batch) +=
        funcs.weight(r, i, head, chunkIndex, batch) * funcs.chunkX(p, r, head, chunkIndex, batch);
  }
  Expr out = funcs.diagonal(p, i, head, chunkIndex, batch);
  // From the chunks before: C_i·state_{c−1}, decayed by exp(cum_i).
  if (chunks > 1) {
    funcs.offDiagonal = Func(name + "_off_diagonal");
    funcs.offDiagonal(p, i, head, chunkIndex, batch) = 0.0f;
    funcs.offSteps = RDom(0, states, name + "_off_step");
    Expr s = funcs.offSteps.x;
    funcs.offDiagonal(p, i, head, chunkIndex, batch) +=
        funcs.chunkC(s, i, head, chunkIndex, batch) *
        funcs.chunkState(p, s, head, max(chunkIndex - 1, 0), batch);
    out += select(chunkIndex > 0,
                  exp(cum(i)) * funcs.offDiagonal(p, i, head, chunkIndex, batch), 0.0f);
  }
  funcs.chunkOut = Func(name + "_chunk_out");
  funcs.chunkOut(p, i, head, chunkIndex, batch) = out;
}

} // namespace

SSDScanFuncs emitSSDScan(const Tensor &x, const Tensor &dt, const Tensor &a,
                         const Tensor &b, const Tensor &c, const Tensor *d, const Tensor *z,
                         const Tensor *dtBias, bool dtSoftplus, bool aIsLog, bool reverse,
                         bool shift, int64_t chunk, const std::string &name) {
  SSDScanFuncs funcs;
  funcs.batch = x.shape[0];
  funcs.length = x.shape[1];
  funcs.heads = x.shape[2];
  funcs.headDim = x.shape[3];
  funcs.groups = b.shape[2];
  funcs.states = b.shape[3];
  const int length = static_cast<int>(funcs.length);
  Var p("p"), l("l"), head("h"), batch("b");

  funcs.stepDelta = Func(name + "_step_delta");
  Expr delta = dt.at({batch, l, head});
  if (dtBias)
    delta += dtBias->at({head});
  funcs.stepDelta(head, l, batch) = dtSoftplus ? softplus(delta) : delta;
  Expr aValue = aIsLog ? -exp(a.at({head})) : a.at({head});

  // The readout of step `s` of the scan order (in [0, L)).
  std::function<Expr(Expr)> readoutAt;
  if (chunk > 0) {
    emitChunkedSSD(funcs, x, b, c, aValue, reverse, chunk, name);
    const int q = static_cast<int>(funcs.chunk);
    readoutAt = [&funcs, q, p, head, batch](Expr s) {
      return funcs.chunkOut(p, s % q, head, s / q, batch);
    };
  } else {
    emitSequentialSSD(funcs, x, b, c, aValue, reverse, name);
    // The sequential scan stores readouts at positions in L.
    readoutAt = [&funcs, reverse, length, p, head, batch](Expr s) {
      return funcs.scan(p, reverse ? length - 1 - s : s, head, batch);
    };
  }

  funcs.result = Func(name);
  // Step of the scan order at position l, and the one whose readout l takes:
  // the step before with `shift` (nothing before the first).
  Expr step = reverse ? length - 1 - l : l;
  Expr y = shift ? select(step > 0, readoutAt(max(step - 1, 0)), 0.0f) : readoutAt(step);
  if (d)
    y += d->at({head}) * x.at({batch, l, head, p});
  if (z)
    y *= silu(z->at({batch, l, head, p}));
  funcs.result(p, head, l, batch) = y;
  return funcs;
}

NormFuncs emitGatedRMSNorm(const Tensor &input, const Tensor &gate, const Tensor &weight,
                           int64_t groupSize, bool normBeforeGate, double eps,
                           const std::string &name) {
  int rank = input.rank();
  std::vector<Var> all = makeVars(rank, {"i"}); // PyTorch order
  Var last = all.back();
  std::vector<Var> rows; // Halide order, all but the last
  for (int dim = rank - 2; dim >= 0; --dim)
    rows.push_back(all[dim]);
  int64_t channels = input.shape.back();
  if (groupSize == 0)
    groupSize = channels;
  // Element i of the row at `rows`, in Halide order, as the norm sees it.
  auto element = [&](const Tensor &tensor, Expr i) {
    std::vector<Expr> args = {i};
    args.insert(args.end(), rows.begin(), rows.end());
    return tensor.func(args);
  };
  auto normalized = [&](Expr i) {
    Expr value = element(input, i);
    return normBeforeGate ? value : value * silu(element(gate, i));
  };

  NormFuncs funcs;
  funcs.reduction = RDom(0, static_cast<int>(groupSize), name + "_r");
  // One sum of squares per (group, row).
  Var group("g");
  std::vector<Var> sumArgs = {group};
  sumArgs.insert(sumArgs.end(), rows.begin(), rows.end());
  Func squares(name + "_sum_squares");
  squares(sumArgs) = 0.0f;
  Expr value = normalized(group * static_cast<int>(groupSize) + funcs.reduction.x);
  squares(sumArgs) += value * value;

  std::vector<Expr> rowSum = {last / static_cast<int>(groupSize)};
  rowSum.insert(rowSum.end(), rows.begin(), rows.end());
  Expr meanSquare = squares(rowSum) / static_cast<float>(groupSize);
  Expr y = normalized(last) / sqrt(meanSquare + static_cast<float>(eps)) * weight.at({last});
  if (normBeforeGate)
    y *= silu(element(gate, last));
  funcs.result = Func(name);
  define(funcs.result, all, y);
  funcs.sums = {squares};
  return funcs;
}

} // namespace loom
