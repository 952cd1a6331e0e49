// The Funcs an op's emitter (lib/Halide) hands to the op's schedules: the
// contract between an algorithm and its schedules.
#ifndef LOOM_SCHEDULES_OPFUNCS_H
#define LOOM_SCHEDULES_OPFUNCS_H

#include <Halide.h>

#include <cstdint>
#include <vector>

namespace loom {

// Dimension order: Halide's dimension 0 is PyTorch's last (contiguous) one, so
// a [N, C, H, W] tensor is f(x, y, c, n).

/// linear: result(o, rows...) = accumulate(o, rows...), where accumulate
/// starts at the bias (or 0) and its one update adds
/// x(k, rows...) · weight(k, o) over `reduction` = k in [0, inFeatures).
struct LinearFuncs {
  Halide::Func result;
  Halide::Func accumulate;
  Halide::RDom reduction;
  int64_t inFeatures = 0;
  /// The input and weight as the accumulation reads them (input(k, rows...),
  /// weight(k, o)), for schedules that stage them (schedules/cuda/gemm.cpp).
  Halide::Func input;
  Halide::Func weight;
  /// `result` is an extern stage running the SGEMM kernel
  /// (lib/Halide/GemmKernel.h); the other Funcs are unset.
  bool externKernel = false;
};

/// conv1d / conv2d: result(x, [y,] c, n) = accumulate(...), where accumulate
/// starts at the bias (or 0) and its one update adds
/// paddedInput(...) · weight(...) over `reduction` = (kx, [ky,] input channel
/// of the group). `paddedInput` is the zero-padded input when padding is
/// non-zero (undefined otherwise: the input is read directly).
struct ConvolutionFuncs {
  Halide::Func result;
  Halide::Func accumulate;
  Halide::Func paddedInput;
  Halide::RDom reduction;
  int spatialDims = 2;
  int64_t groups = 1;
  int64_t inChannelsPerGroup = 0;
  int64_t outChannels = 0;
  std::vector<int64_t> kernel;       // Halide order: kx[, ky]
  std::vector<int64_t> stride;       // Halide order
  std::vector<int64_t> inputExtents; // Halide order: x, [y,] c, n
  /// The op's input (before padding) and weight as the accumulation reads
  /// them, for schedules that stage them (schedules/cuda/depthwise.cpp).
  Halide::Func input;
  Halide::Func weight;
  std::vector<int64_t> dilation; // Halide order
};

/// layer_norm / rms_norm over the last dimension (Halide dimension 0): each of
/// `sums` is a Func of the row coordinates that starts at 0 and has one
/// update summing over `reduction` (the normalized dimension). layer_norm:
/// {sum of x, sum of squared deviations}; rms_norm: {sum of squares}.
struct NormFuncs {
  Halide::Func result;
  std::vector<Halide::Func> sums;
  Halide::RDom reduction;
};

/// softmax along Halide dimension `axis`: `maximum` and `sum` are Funcs of
/// all coordinates but `axis` (which they reduce over `reduction`, in an
/// update), `exponential` = exp(x - maximum) has all coordinates.
struct SoftmaxFuncs {
  Halide::Func result;
  Halide::Func maximum;
  Halide::Func exponential;
  Halide::Func sum;
  Halide::RDom reduction;
  int axis = 0;
};

/// global_avg_pool2d: result(0, 0, c, n) = sum(c, n) / (H·W); `sum` starts at
/// 0 and its update runs over `reduction` = (x, y).
struct GlobalAvgPool2DFuncs {
  Halide::Func result;
  Halide::Func sum;
  Halide::RDom reduction;
};

/// The active-site list of one (mask, resolution), built once and shared by
/// every sparse layer at that resolution (lib/Halide/EmitSparse.cpp). Sites
/// are numbered in raster order over rows r = n·H + y: `active(x, r)` (u8),
/// `rowCount(r)`, `rowStart(r)` (exclusive prefix, a sequential scan),
/// `count()`, `prefix(x, r)` (sequential along each row), `index(x, r)` (the
/// site's number, or `capacity` = N·H·W when inactive) and `sites(i)` (the
/// site's linear pixel x + W·r, scattered by an update over active pixels).
struct SparseSiteFuncs {
  Halide::Func active, rowCount, rowStart, count, prefix, index, sites;
  int64_t width = 0, rows = 0, capacity = 0;
  /// `active` is a max over blocks of a finer mask (a downsampled resolution).
  bool activeReduces = false;
};

/// A compact stage of a sparse op: `compact(c, i)` holds channel c of active
/// site i. Its pure definition is undefined; update 0 writes the rows i <
/// count over `sites` (an RDom whose predicate bounds the loop by the count)
/// and update 1 writes the zero row at `capacity` that inactive neighbours
/// read (CUDA: no update 1, update 0's sites reach row `capacity` and write
/// zero there). sparse_conv2d adds `accumulate(co, i)` (the bias, then one update
/// over `reduction` = (input channel, tap)); sparse_layer_norm adds
/// per-site statistics `perSite` (Funcs of i, summing over `reduction`).
struct SparseCompactFuncs {
  Halide::Func compact;
  Halide::RDom sites;
  int64_t channels = 0;
  int64_t capacity = 0;
  Halide::Func accumulate;
  Halide::RDom reduction;
  std::vector<Halide::Func> perSite;
  /// Extra per-layer Funcs that are materialized once: the re-laid weights
  /// and, for k > 1 or stride > 1, the neighbour map.
  Halide::Func weights;
  Halide::Func neighbours;
  /// sparse_conv2d: gathered(ci, tap, i), input channel ci of site i's
  /// neighbour at `tap` (inline on the CPU; CUDA stages vectors of it).
  Halide::Func gathered;
  Halide::RDom neighbourSites;
  /// A gather of a dense [N, C, H, W] tensor at the active sites (its reads
  /// are a plane apart per channel, a transpose for the schedule to tile).
  bool gathersDense = false;
};

/// selective_scan: `scan(d, k, b)` holds, for k < L, the scan's readout
/// Σ_n h·C at step k and, for k in [L, L + N), the state h[k − L]. It starts
/// at 0; its one update runs over `steps` = (j in [0, N], l in [0, L)), j
/// innermost: j < N advances state j to step l, j = N writes the readout of
/// step l. `result(l, d, b)` adds D·u and the silu(z) gate. `stagedU` and
/// `stagedDelta` (d, l, b) are u and the (softplus'd, biased) Δ with the
/// channel innermost, so the scan reads them as vectors over d; `decay`
/// (d, n) is A, transposed likewise (times log2 e in the chunked form, which
/// exponentiates in base 2).
///
/// The chunked form (`chunk` > 0, for GPUs) splits L into K = ⌈L/chunk⌉
/// chunks scanned in parallel:
///   pass 1: `chunkScan(j, d, c, b)` runs chunk c from a zero state over
///     `chunkSteps` (r in [0, chunk)); j < N is state j, j = N sums Δ.
///     `chunkEnd(d, j, c, b)` stores it (pure definition);
///   pass 2: `carried(d, j, c, b)` (pure definition undef; one update over
///     `carrySteps` = c in [0, K), sequential) = chunkEnd(c) +
///     exp(A·ΣΔ_c) · carried(c − 1): the true state at the end of chunk c.
///     j stays a pure variable (the states are independent; slot N just
///     copies ΣΔ), so a schedule can run the states in parallel;
///   pass 3: `scan(k, d, c, b)` starts from carried(c − 1) (0 for c = 0):
///     k < N is the state, k in [N, N + chunk) the readout of step
///     c·chunk + k − N; its update runs over `steps` = (j in [0, N],
///     r in [0, chunk)) like the sequential form's.
/// `result(l, d, b)` reads scan(N + l % chunk, d, l / chunk, b). stagedU
/// and stagedDelta are then (d, l, b) Funcs meant to be inlined or wrapped.
struct SelectiveScanFuncs {
  Halide::Func result;
  Halide::Func scan;
  Halide::Func stagedU;
  Halide::Func stagedDelta;
  Halide::Func decay;
  /// B and C as (l, n, b), the step innermost; inlined unless staged.
  Halide::Func stagedB, stagedC;
  Halide::RDom steps;
  int64_t batch = 0, channels = 0, length = 0, states = 0;
  /// Whether `decay` holds A·log2 e (decays computed as powers of 2).
  bool decayBase2 = false;
  /// Chunked form only (chunk == 0: the sequential form).
  int64_t chunk = 0, chunks = 0;
  Halide::Func chunkScan;
  Halide::Func chunkEnd;
  Halide::Func carried;
  Halide::RDom chunkSteps;
  /// `result` is an extern stage running the block-scan kernel
  /// (lib/Halide/ScanKernel.h); the other Funcs are unset.
  bool externKernel = false;
  Halide::RDom carrySteps;
};

/// ssd_scan (Mamba-2): `scan(p, k, h, b)` is laid out as SelectiveScanFuncs'
/// scan, per head: k < L holds the readout of step k, k in [L, L + N) the
/// state column n = k − L of the head's [P, N] state, with the head dimension
/// p innermost. Its update runs over `steps` = (j in [0, N], l in [0, L)).
/// `stepDelta` and `stepDecay` = exp(Δ·A) are (h, l, b): one value per head
/// and step. `result(p, h, l, b)` adds D·x and the silu(z) gate.
struct SSDScanFuncs {
  Halide::Func result;
  Halide::Func scan;
  Halide::Func stepDelta;
  Halide::Func stepDecay;
  Halide::RDom steps;
  int64_t batch = 0, length = 0, heads = 0, headDim = 0, states = 0;
  /// The chunked SSD form (chunk > 0; `scan`, `stepDecay` and `steps` are
  /// then undefined). Positions s of the scan order (s = L − 1 − l when
  /// reversed) are split into `chunks` chunks of `chunk` steps, s = c·Q + i;
  /// steps past L have Δ = 0. All of these are (…, h or g, c, b):
  ///   chunkDelta(h, i, c, b)  Δ of step i of chunk c (0 past L);
  ///   cumulative(h, i, c, b)  Σ_{r ≤ i} Δ_r·A_h (s0 Δ·A, s1 over `cumSteps`
  ///                           adds the previous entry; no update when Q = 1);
  ///   inputWeight(h, j, c, b) exp(cum_{Q−1} − cum_j)·Δ_j (decay to chunk end);
  ///   scores(j, i, g, c, b)   C_i·B_j over n (pure; `scoreSum` is the sum);
  ///   weight(j, i, h, c, b)   scores·exp(cum_i − cum_j)·Δ_j for j ≤ i, else 0;
  ///   chunkX(p, j, h, c, b)   x at step j of chunk c;
  ///   chunkB(n, j, h, c, b), chunkC(n, i, h, c, b)  B and C of head h's
  ///                           group at step j (i) of chunk c (scoreB,
  ///                           scoreC: the same per group g, for scores);
  ///   chunkLocal(p, n, h, c, b) Σ_j inputWeight·x_j[p]·B_j[n] (the chunk's
  ///                           end state from zero; update over `localSteps`);
  ///   chunkState(p, n, h, c, b) = chunkLocal, then (`carrySteps`, only when
  ///                           chunks > 1) the carry over c: += exp(cum_{Q−1,c})·
  ///                           chunkState(c − 1), sequential in c;
  ///   diagonal(p, i, h, c, b) Σ_{j ≤ i} weight(j, i)·x_j[p] (`diagonalSteps`);
  ///   offDiagonal(p, i, h, c, b) Σ_n C_i[n]·chunkState(p, n, c − 1)
  ///                           (`offSteps`; undefined when chunks == 1);
  ///   chunkOut(p, i, h, c, b) diagonal + exp(cum_i)·offDiagonal.
  int64_t chunk = 0, chunks = 0, groups = 0;
  Halide::Func chunkDelta, cumulative, inputWeight, scores, scoreSum, weight, chunkX;
  Halide::Func chunkLocal, chunkState, diagonal, offDiagonal, chunkOut;
  Halide::RDom cumSteps, scoreSteps, localSteps, carrySteps, diagonalSteps, offSteps;
  Halide::Func chunkB, chunkC, scoreB, scoreC;
};

/// nested_ffn with a run-time hidden width `width` (an int32 scalar
/// parameter of the pipeline, in [1, hiddenSize]):
///   hiddenAccumulate(j, rows...) starts at fc1 bias (or 0), its one update
///     adds x(k, rows...) · fc1_weight(k, j) over `inputReduction` (k < dModel);
///   hidden(j, rows...) = activation(hiddenAccumulate(j, rows...)), needed
///     for j in [0, width);
///   outputAccumulate(o, rows...) starts at fc2 bias (or 0), its one update
///     adds hidden(j, rows...) · fc2_weight(j, o) over `hiddenReduction`
///     (j < width);
///   result(o, rows...) = outputAccumulate(o, rows...).
/// Schedules specialize on `width == g` for every g of `granularities`.
struct NestedFFNFuncs {
  Halide::Func result;
  Halide::Func outputAccumulate;
  Halide::RDom hiddenReduction;
  Halide::Func hidden;
  Halide::Func hiddenAccumulate;
  Halide::RDom inputReduction;
  Halide::Expr width;
  std::vector<int64_t> granularities;
  int64_t dModel = 0;
  int64_t hiddenSize = 0;
  /// The Funcs the two products read, for schedules that stage them:
  /// input(k, rows...), fc1Weight(k, j), fc2Weight(j, o).
  Halide::Func input;
  Halide::Func fc1Weight;
  Halide::Func fc2Weight;
};

/// nested_embedding with a run-time width `width`: result(i, rows...) is
/// x(i, rows...) · scale(rows...) for i < width and 0 past it; with
/// normalization `sumSquares(rows...)` starts at 0 and its update sums x² over
/// `reduction` (i < width); it is undefined without normalization.
struct NestedEmbeddingFuncs {
  Halide::Func result;
  Halide::Func sumSquares;
  Halide::RDom reduction;
  Halide::Expr width;
  std::vector<int64_t> granularities;
};

/// transpose: result(vars...) = input(permuted vars...). `inputInner` is the
/// result dimension that walks the input's dimension 0, and `resultInner`
/// the input dimension that result's dimension 0 walks (Halide order; both
/// 0 when the contiguous dimension stays in place).
struct TransposeFuncs {
  Halide::Func result;
  Halide::Func input;
  int inputInner = 0;
  int resultInner = 0;
};

} // namespace loom

#endif // LOOM_SCHEDULES_OPFUNCS_H
