// Halide lowering of the sparse ops (SparK). Every (mask, resolution) gets one
// active-site list (SparseSiteFuncs), shared by every layer at that
// resolution. A sparse value is held compactly, compact(c, i) for the active
// sites i in raster order plus a zero row at index `capacity` that inactive
// neighbours read, so sparse layers chain without dense passes; its dense
// [N, C, H, W] form is a gather through the site index, materialized only
// for consumers that need it. Every compact stage loops over the active
// sites alone: its RDom's predicate `i < count` bounds the loop.
#include "lib/Halide/EmitSparse.h"

#include "dialect/LoomDialect.h"
#include "schedules/ScheduleUtil.h"
#include "schedules/SparseSchedules.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>
#include <set>

using namespace mlir;
using namespace Halide;
using loom::schedules::KnobValues;
using loom::schedules::ScheduleContext;

namespace loom {

namespace {

int i32(int64_t value) { return static_cast<int>(value); }

std::vector<int64_t> shapeOf(Value value) {
  auto shape = cast<RankedTensorType>(value.getType()).getShape();
  return std::vector<int64_t>(shape.begin(), shape.end());
}

/// A mask up to exact identity: a root value and a chain of resamplings,
/// normalized so that equal masks reached along different paths share one
/// site list (down(d) after up(u) with d | u is up(u / d)).
struct MaskKey {
  Value root;
  std::vector<std::pair<bool, int64_t>> chain; // (upsample?, factor)

  void push(bool up, int64_t factor) {
    if (factor == 1)
      return;
    if (!chain.empty() && chain.back().first == up) {
      chain.back().second *= factor;
      return;
    }
    if (!up && !chain.empty() && chain.back().first && chain.back().second % factor == 0) {
      chain.back().second /= factor;
      if (chain.back().second == 1)
        chain.pop_back();
      return;
    }
    chain.push_back({up, factor});
  }
  std::string str() const {
    std::string text = std::to_string(reinterpret_cast<uintptr_t>(root.getAsOpaquePointer()));
    for (auto [up, factor] : chain)
      text += (up ? "u" : "d") + std::to_string(factor);
    return text;
  }
};

MaskKey keyOf(Value mask) {
  Operation *def = mask.getDefiningOp();
  if (auto down = dyn_cast_or_null<MaskDownsampleOp>(def)) {
    MaskKey key = keyOf(down.getMask());
    key.push(false, down.getFactor());
    return key;
  }
  if (auto up = dyn_cast_or_null<MaskUpsampleOp>(def)) {
    MaskKey key = keyOf(up.getMask());
    key.push(true, up.getFactor());
    return key;
  }
  return MaskKey{mask, {}};
}

struct Sites {
  SparseSiteFuncs funcs;
  int64_t batch = 0, height = 0, width = 0;
  int64_t capacity() const { return batch * height * width; }
};

struct SparseValue {
  Sites *sites = nullptr;
  Func compact;
  int64_t channels = 0;
};

} // namespace

struct SparseLowering::Impl {
  // A constructor, not aggregate initialization: clang rejects the latter
  // for the DenseMap members (their default constructor is explicit).
  Impl(Target target, ScheduleTarget scheduleTarget, TensorLookup tensor, Namer uniqueName)
      : target(std::move(target)), scheduleTarget(scheduleTarget), tensor(std::move(tensor)),
        uniqueName(std::move(uniqueName)) {}

  Target target;
  ScheduleTarget scheduleTarget;
  TensorLookup tensor;
  Namer uniqueName;

  std::map<std::string, std::unique_ptr<Sites>> sitesByKey;
  std::map<std::string, std::pair<Func, RDom>> neighbourMaps;
  std::set<std::string> scheduledNeighbours;
  llvm::DenseMap<Value, SparseValue> sparseValues;
  /// Ops this lowering defined -> their compact stages (none for mask ops).
  llvm::DenseMap<Operation *, std::vector<SparseCompactFuncs>> stages;
  llvm::DenseMap<Operation *, Func> denseResults;
  bool cpu() const { return scheduleTarget == ScheduleTarget::Cpu; }

  Sites *sitesFor(const MaskKey &key);
  Func neighboursFor(Sites *in, Sites *out, int64_t kernelH, int64_t kernelW,
                     int64_t stride, int64_t padH, int64_t padW, RDom &domain);
  /// The compact rows of `value` at `sites`: its own when it is a sparse value
  /// there, otherwise a gather of its dense form at the active sites.
  Func compactOf(Operation *op, Value value, Sites *sites, const std::string &name);
  /// compact(c, i) = value(c, i) for active i, zero row at capacity.
  /// With siteMultiple ≥ 1 the site loop runs over blocks of that many sites
  /// (a schedule's register tile), as the RDom (site in block, block).
  SparseCompactFuncs defineCompact(Sites *sites, int64_t channels, const std::string &name,
                                   const std::function<Expr(Expr, Expr)> &value,
                                   int64_t siteMultiple = 0);
  Func denseOf(const SparseValue &value, const std::string &name);
  std::optional<Func> emitOp(Operation *op, const std::string &name);
};

SparseLowering::SparseLowering(const Target &target, ScheduleTarget scheduleTarget,
                               TensorLookup tensor, Namer uniqueName)
    : impl(new Impl(target, scheduleTarget, std::move(tensor), std::move(uniqueName))) {}

SparseLowering::~SparseLowering() = default;

Sites *SparseLowering::Impl::sitesFor(const MaskKey &key) {
  std::string id = key.str();
  auto found = sitesByKey.find(id);
  if (found != sitesByKey.end())
    return found->second.get();

  auto sites = std::make_unique<Sites>();
  Var x("x"), r("r");
  Func active(uniqueName("mask_active"));
  if (key.chain.empty()) {
    std::vector<int64_t> shape = shapeOf(key.root);
    sites->batch = shape[0];
    sites->height = shape[2];
    sites->width = shape[3];
    Func mask = tensor(key.root).func; // (x, y, 0, n)
    int h = i32(sites->height);
    active(x, r) = Halide::cast(UInt(8), mask(x, r % h, 0, r / h) != 0.0f);
  } else {
    MaskKey parentKey = key;
    auto [up, factor] = parentKey.chain.back();
    parentKey.chain.pop_back();
    Sites *parent = sitesFor(parentKey);
    sites->batch = parent->batch;
    int f = i32(factor), ph = i32(parent->height), pw = i32(parent->width);
    if (up) {
      sites->height = parent->height * factor;
      sites->width = parent->width * factor;
      int h = i32(sites->height);
      active(x, r) = parent->funcs.active(x / f, (r % h) / f + (r / h) * ph);
    } else {
      sites->height = (parent->height + factor - 1) / factor;
      sites->width = (parent->width + factor - 1) / factor;
      int h = i32(sites->height);
      RDom block(0, f, 0, f, uniqueName("mask_block"));
      Expr px = x * f + block.x, py = (r % h) * f + block.y;
      Expr inside = px < pw && py < ph;
      active(x, r) = maximum(select(inside,
                                    parent->funcs.active(min(px, pw - 1),
                                                         min(py, ph - 1) + (r / h) * ph),
                                    Halide::cast(UInt(8), 0)));
    }
  }
  SparseSiteFuncs &funcs = sites->funcs;
  funcs.active = active;
  funcs.activeReduces = !key.chain.empty() && !key.chain.back().first;
  funcs.width = sites->width;
  funcs.rows = sites->batch * sites->height;
  funcs.capacity = sites->capacity();
  int width = i32(funcs.width), rows = i32(funcs.rows), capacity = i32(funcs.capacity);

  std::string base = active.name();
  funcs.rowCount = Func(uniqueName(base + "_row_count"));
  RDom row(0, width, base + "_row");
  funcs.rowStart = Func(uniqueName(base + "_row_start"));
  funcs.prefix = Func(uniqueName(base + "_prefix"));
  if (cpu()) {
    funcs.rowCount(r) = 0;
    funcs.rowCount(r) += cast(Int(32), Expr(active(row, r)));
    // Exclusive prefix over rows: a short sequential scan (one value per row).
    funcs.rowStart(r) = 0;
    if (rows > 1) {
      RDom scan(1, rows - 1, base + "_scan");
      funcs.rowStart(scan) = funcs.rowStart(scan - 1) + funcs.rowCount(scan - 1);
    }
    // Within a row, a sequential prefix along x; rows are independent.
    funcs.prefix(x, r) = funcs.rowStart(r);
    if (width > 1) {
      RDom along(1, width - 1, base + "_along");
      funcs.prefix(along, r) =
          funcs.prefix(along - 1, r) + cast(Int(32), Expr(active(along - 1, r)));
    }
  } else {
    // On the GPU every start is its own sum, so that all of them are computed
    // at once (a scan would run in one thread, or force the mask to the
    // host): a row's start sums the counts of the rows before it, a pixel's
    // prefix the pixels before it in its row. O(rows) and O(width) reads per
    // value, from lines that every thread of a block shares in L1. Inline
    // sums (no update stages): one kernel per Func, as each launch costs.
    funcs.rowCount(r) = sum(cast(Int(32), Expr(active(row, r))));
    RDom before(0, rows, base + "_before");
    funcs.rowStart(r) = sum(select(before < r, funcs.rowCount(before), 0));
    RDom left(0, width, base + "_left");
    funcs.prefix(x, r) =
        funcs.rowStart(r) + sum(select(left < x, cast(Int(32), Expr(active(left, r))), 0));
  }
  funcs.count = Func(uniqueName(base + "_count"));
  funcs.count() = funcs.rowStart(rows - 1) + funcs.rowCount(rows - 1);
  funcs.index = Func(uniqueName(base + "_index"));
  funcs.index(x, r) = select(active(x, r) != 0, funcs.prefix(x, r), capacity);
  // The site list: each active pixel writes its linear position at its index
  // (distinct indices, so rows may scatter in parallel).
  funcs.sites = Func(uniqueName(base + "_sites"));
  Var i("i");
  funcs.sites(i) = undef<int32_t>();
  RDom pixels(0, width, 0, rows, base + "_pixels");
  pixels.where(active(pixels.x, pixels.y) != 0);
  funcs.sites(clamp(funcs.index(pixels.x, pixels.y), 0, capacity - 1)) =
      pixels.x + pixels.y * width;

  ScheduleContext context;
  context.target = target;
  cpu() ? schedules::scheduleSparseSitesCpu(funcs, context)
        : schedules::scheduleSparseSitesCuda(funcs, context);
  Sites *result = sites.get();
  sitesByKey[id] = std::move(sites);
  return result;
}

Func SparseLowering::Impl::neighboursFor(Sites *in, Sites *out, int64_t kernelH,
                                         int64_t kernelW, int64_t stride, int64_t padH,
                                         int64_t padW, RDom &domain) {
  std::string id = std::to_string(reinterpret_cast<uintptr_t>(in)) + "_" +
                   std::to_string(reinterpret_cast<uintptr_t>(out)) + "_" +
                   std::to_string(kernelH) + "x" + std::to_string(kernelW) + "s" +
                   std::to_string(stride) + "p" + std::to_string(padH) + "," +
                   std::to_string(padW);
  auto cached = neighbourMaps.find(id);
  if (cached != neighbourMaps.end()) {
    domain = cached->second.second;
    return cached->second.first;
  }
  Func map(uniqueName("neighbours"));
  Var t("t"), i("i");
  int taps = i32(kernelH * kernelW);
  int capacityOut = i32(out->capacity());
  domain = RDom(0, taps, 0, capacityOut, map.name() + "_r");
  domain.where(domain.y < out->funcs.count());
  // Site i at output pixel (x, y) of image n reads input pixel
  // (x·s + kx − pw, y·s + ky − ph); outside the image or inactive, the zero row.
  int wOut = i32(out->width), hOut = i32(out->height);
  int wIn = i32(in->width), hIn = i32(in->height);
  Expr pixel = clamp(out->funcs.sites(domain.y), 0, capacityOut - 1);
  Expr x = pixel % wOut, rowOut = pixel / wOut;
  Expr y = rowOut % hOut, n = rowOut / hOut;
  Expr kx = domain.x % i32(kernelW), ky = domain.x / i32(kernelW);
  Expr qx = x * i32(stride) + kx - i32(padW), qy = y * i32(stride) + ky - i32(padH);
  Expr inside = qx >= 0 && qx < wIn && qy >= 0 && qy < hIn;
  Expr index = in->funcs.index(clamp(qx, 0, wIn - 1), clamp(qy, 0, hIn - 1) + n * hIn);
  map(t, i) = undef<int32_t>();
  map(domain.x, domain.y) = select(inside, index, i32(in->capacity()));
  neighbourMaps[id] = {map, domain};
  return map;
}

SparseCompactFuncs
SparseLowering::Impl::defineCompact(Sites *sites, int64_t channels, const std::string &name,
                                    const std::function<Expr(Expr, Expr)> &value,
                                    int64_t siteMultiple) {
  SparseCompactFuncs funcs;
  funcs.channels = channels;
  funcs.capacity = sites->capacity();
  funcs.compact = Func(name);
  Var c("c"), i("i");
  funcs.compact(c, i) = undef<float>();
  if (!cpu()) {
    // On the GPU the zero row is written by the same kernel, one launch
    // less per stage (launches cost more than the work here): the site loop
    // runs on to the block holding row `capacity`, stores 0 there, and its
    // rows past the count are never read. The loop bound stays on the
    // device: every block tests the count and empty ones exit.
    Expr row;
    if (siteMultiple < 1) {
      funcs.sites = RDom(0, i32(funcs.capacity) + 1, name + "_site");
      row = funcs.sites.x;
      funcs.sites.where(row < sites->funcs.count() || row == i32(funcs.capacity));
    } else {
      int blocks = i32(funcs.capacity / siteMultiple + 1);
      funcs.sites = RDom(0, i32(siteMultiple), 0, blocks, name + "_site");
      Expr first = funcs.sites.y * i32(siteMultiple);
      funcs.sites.where(first < sites->funcs.count() ||
                        first + i32(siteMultiple) > i32(funcs.capacity));
      row = first + funcs.sites.x;
    }
    funcs.compact(c, row) = select(row == i32(funcs.capacity), 0.0f, value(c, row));
    return funcs;
  }
  if (siteMultiple < 1) {
    funcs.sites = RDom(0, i32(funcs.capacity), name + "_site");
    funcs.sites.where(funcs.sites.x < sites->funcs.count());
    funcs.compact(c, funcs.sites.x) = value(c, funcs.sites.x);
  } else {
    // Blocks of siteMultiple sites, guarded by the block's first site alone
    // so that the guard (and the loop bound Halide derives from it) covers
    // the whole block, register tile included. The last block also writes
    // the rows up to the next multiple: rows past the count that no reader
    // reaches (update 1 rewrites the zero row afterwards).
    int blocks = i32((funcs.capacity + siteMultiple - 1) / siteMultiple);
    funcs.sites = RDom(0, i32(siteMultiple), 0, blocks, name + "_site");
    Expr first = funcs.sites.y * i32(siteMultiple);
    funcs.sites.where(first < sites->funcs.count());
    funcs.compact(c, first + funcs.sites.x) = value(c, first + funcs.sites.x);
  }
  funcs.compact(c, i32(funcs.capacity)) = 0.0f;
  return funcs;
}

Func SparseLowering::Impl::compactOf(Operation *op, Value value, Sites *sites,
                                     const std::string &name) {
  auto found = sparseValues.find(value);
  if (found != sparseValues.end() && found->second.sites == sites)
    return found->second.compact;
  // A dense tensor (or one sparse at other sites): M · x at the active sites
  // is x there, so gather x; inactive neighbours read the zero row.
  Func dense = tensor(value).func; // (x, y, c, n)
  int64_t channels = shapeOf(value)[1];
  int w = i32(sites->width), h = i32(sites->height);
  int capacity = i32(sites->capacity());
  SparseCompactFuncs funcs =
      defineCompact(sites, channels, name, [&](Expr c, Expr i) {
        Expr pixel = clamp(sites->funcs.sites(i), 0, capacity - 1);
        Expr row = pixel / w;
        return dense(pixel % w, row % h, c, row / h);
      });
  funcs.gathersDense = true;
  stages[op].push_back(funcs);
  return funcs.compact;
}

Func SparseLowering::Impl::denseOf(const SparseValue &value, const std::string &name) {
  Func dense(name);
  Var x("x"), y("y"), c("c"), n("n");
  int h = i32(value.sites->height), capacity = i32(value.sites->capacity());
  dense(x, y, c, n) =
      value.compact(c, clamp(value.sites->funcs.index(x, y + n * h), 0, capacity));
  return dense;
}

std::optional<Func> SparseLowering::Impl::emitOp(Operation *op, const std::string &name) {
  Value result = op->getResult(0);
  std::vector<int64_t> shape = shapeOf(result);
  Var c("c"), i("i"), x("x"), y("y"), n("n");

  // Mask resampling: dense masks for dense consumers; sparse ops key their
  // site lists on the masks' provenance instead (keyOf).
  if (auto down = dyn_cast<MaskDownsampleOp>(op)) {
    Func mask = tensor(down.getMask()).func;
    auto in = shapeOf(down.getMask());
    int f = i32(down.getFactor()), h = i32(in[2]), w = i32(in[3]);
    RDom block(0, f, 0, f, name + "_block");
    Expr px = x * f + block.x, py = y * f + block.y;
    Func dense(name);
    dense(x, y, c, n) = maximum(select(px < w && py < h,
                                       mask(min(px, w - 1), min(py, h - 1), 0, n), 0.0f));
    denseResults[op] = dense;
    stages[op];
    return dense;
  }
  if (auto up = dyn_cast<MaskUpsampleOp>(op)) {
    Func mask = tensor(up.getMask()).func;
    int f = i32(up.getFactor());
    Func dense(name);
    dense(x, y, c, n) = mask(x / f, y / f, 0, n);
    denseResults[op] = dense;
    stages[op];
    return dense;
  }

  Sites *sites = nullptr;
  SparseCompactFuncs funcs;
  if (auto conv = dyn_cast<SparseConv2DOp>(op)) {
    MaskKey keyIn = keyOf(conv.getMask());
    Sites *sitesIn = sitesFor(keyIn);
    int64_t stride = conv.getStride();
    MaskKey keyOut = keyIn;
    keyOut.push(false, stride);
    sites = sitesFor(keyOut);
    auto weightShape = shapeOf(conv.getWeight()); // [Cout, Cin, KH, KW]
    int64_t outChannels = weightShape[0], inChannels = weightShape[1];
    int64_t kernelH = weightShape[2], kernelW = weightShape[3];
    int taps = i32(kernelH * kernelW);
    auto padding = conv.getPaddingOrDefault();
    Func input = compactOf(op, conv.getInput(), sitesIn, uniqueName(name + "_input"));

    // Weights re-laid as (co, ci, tap): a vector of output channels per load.
    Func weight = tensor(conv.getWeight()).func; // (kx, ky, ci, co)
    Func weights(uniqueName(name + "_weights"));
    Var co("co"), ci("ci"), t("t");
    Expr weightChannel = cpu() ? Expr(co) : min(co, i32(outChannels) - 1);
    weights(co, ci, t) = weight(t % i32(kernelW), t / i32(kernelW), ci, weightChannel);

    Func accumulate(uniqueName(name + "_accumulate"));
    RDom reduction(0, i32(inChannels), 0, taps, name + "_r");
    bool identity = taps == 1 && stride == 1 && padding[0] == 0 && padding[1] == 0;
    Func neighbours;
    RDom neighbourSites;
    int capacityIn = i32(sitesIn->capacity());
    if (!identity)
      neighbours = neighboursFor(sitesIn, sites, kernelH, kernelW, stride, padding[0],
                                 padding[1], neighbourSites);
    // The input row that site i reads at `tap`.
    auto rowOf = [&](Expr tap) {
      return identity ? clamp(i, 0, capacityIn) : clamp(neighbours(tap, i), 0, capacityIn);
    };
    // A CUDA register tile may cover channels past the last (partial tiles are
    // guarded at the store, not in the tile): clamp the channel of every read.
    Expr channel = cpu() ? Expr(c) : min(c, i32(outChannels) - 1);
    Expr bias = conv.getBias() ? tensor(conv.getBias()).func(channel) : Expr(0.0f);
    // The input row of site i's neighbour at tap t, as a Func of (ci, t, i) so
    // that a schedule can load several input channels of a row at once.
    Func gathered(uniqueName(name + "_gathered"));
    Var gt("t");
    gathered(ci, gt, i) = input(ci, rowOf(gt));
    accumulate(c, i) = bias;
    accumulate(c, i) += weights(c, reduction.x, reduction.y) *
                        gathered(reduction.x, reduction.y, i);
    FailureOr<KnobValues> knobs = schedules::knobValuesFor(op, scheduleTarget);
    // Sites per register tile (CPU) or per thread block (CUDA: site threads ×
    // sites per thread): the unit the site loop is bounded in.
    int64_t tileSites = 1;
    if (succeeded(knobs))
      tileSites = cpu() ? knobs->get("tile_sites")
                        : knobs->get("tile_y") * knobs->get("reg_sites");
    tileSites = std::max<int64_t>(1, tileSites);
    funcs = defineCompact(sites, outChannels, uniqueName(name + "_compact"),
                          [&](Expr cc, Expr ii) { return accumulate(cc, ii); }, tileSites);
    funcs.accumulate = accumulate;
    funcs.reduction = reduction;
    funcs.weights = weights;
    funcs.neighbours = neighbours;
    funcs.neighbourSites = neighbourSites;
    funcs.gathered = gathered;
  } else if (auto norm = dyn_cast<SparseBatchNormOp>(op)) {
    sites = sitesFor(keyOf(norm.getMask()));
    Func input = compactOf(op, norm.getInput(), sites, uniqueName(name + "_input"));
    Func mean = tensor(norm.getRunningMean()).func, var = tensor(norm.getRunningVar()).func,
         weight = tensor(norm.getWeight()).func, bias = tensor(norm.getBias()).func;
    float eps = static_cast<float>(norm.getEps().convertToDouble());
    funcs = defineCompact(sites, shape[1], uniqueName(name + "_compact"), [&](Expr cc, Expr ii) {
      Expr scale = weight(cc) / sqrt(var(cc) + eps);
      return (input(cc, ii) - mean(cc)) * scale + bias(cc);
    });
  } else if (auto norm = dyn_cast<SparseLayerNormOp>(op)) {
    sites = sitesFor(keyOf(norm.getMask()));
    Func input = compactOf(op, norm.getInput(), sites, uniqueName(name + "_input"));
    Func weight = tensor(norm.getWeight()).func, bias = tensor(norm.getBias()).func;
    float eps = static_cast<float>(norm.getEps().convertToDouble());
    int64_t channels = shape[1];
    RDom over(0, i32(channels), name + "_r");
    // Two passes (mean, then squared deviations) as PyTorch: no cancellation.
    Func sum(uniqueName(name + "_sum")), squares(uniqueName(name + "_squared_deviation"));
    sum(i) = 0.0f;
    sum(i) += input(over, i);
    Expr mean = sum(i) / static_cast<float>(channels);
    squares(i) = 0.0f;
    Expr deviation = input(over, i) - mean;
    squares(i) += deviation * deviation;
    Func normalized(uniqueName(name + "_normalized"));
    normalized(c, i) = (input(c, i) - mean) /
                           sqrt(squares(i) / static_cast<float>(channels) + eps) *
                           weight(c) +
                       bias(c);
    funcs = defineCompact(sites, channels, uniqueName(name + "_compact"),
                          [&](Expr cc, Expr ii) { return normalized(cc, ii); });
    funcs.reduction = over;
    funcs.perSite = {sum, squares};
  } else if (isa<ReluOp, SiluOp, TanhOp, GeluOp, AddOp, MulOp>(op)) {
    // Ops that map zero to zero keep a sparse value sparse; every operand
    // must be sparse at the same sites with the result's shape.
    std::vector<Func> operands;
    for (Value operand : op->getOperands()) {
      auto found = sparseValues.find(operand);
      if (found == sparseValues.end() || shapeOf(operand) != shape ||
          (sites && found->second.sites != sites))
        return std::nullopt;
      sites = found->second.sites;
      operands.push_back(found->second.compact);
    }
    Func unaryResult;
    auto math = [&](Expr cc, Expr ii) -> Expr {
      Expr a = operands[0](cc, ii);
      return llvm::TypeSwitch<Operation *, Expr>(op)
          .Case([&](ReluOp) { return max(a, 0.0f); })
          .Case([&](SiluOp) { return a / (1.0f + exp(-a)); })
          .Case([&](TanhOp) { return tanh(a); })
          .Case([&](GeluOp gelu) {
            if (gelu.getApproximate() == "tanh") {
              const float sqrtTwoOverPi = 0.7978845608028654f;
              return 0.5f * a * (1.0f + tanh(sqrtTwoOverPi * (a + 0.044715f * a * a * a)));
            }
            return 0.5f * a * (1.0f + erf(a * static_cast<float>(M_SQRT1_2)));
          })
          .Case([&](AddOp) { return a + operands[1](cc, ii); })
          .Case([&](MulOp) { return a * operands[1](cc, ii); });
    };
    funcs = defineCompact(sites, shape[1], uniqueName(name + "_compact"), math);
  } else {
    return std::nullopt;
  }
  stages[op].push_back(funcs);
  SparseValue value{sites, funcs.compact, shape[1]};
  sparseValues[result] = value;
  Func dense = denseOf(value, name);
  denseResults[op] = dense;
  return dense;
}

std::optional<Func> SparseLowering::emit(Operation *op, const std::string &name) {
  return impl->emitOp(op, name);
}

bool SparseLowering::handles(Operation *op) const { return impl->stages.count(op); }

LogicalResult SparseLowering::schedule(Operation *op) {
  FailureOr<KnobValues> knobs = schedules::knobValuesFor(op, impl->scheduleTarget);
  if (failed(knobs))
    return failure();
  bool cpu = impl->cpu();
  for (SparseCompactFuncs funcs : impl->stages[op]) {
    // A neighbour map shared by several layers is scheduled once.
    if (funcs.neighbours.defined() &&
        !impl->scheduledNeighbours.insert(funcs.neighbours.name()).second)
      funcs.neighbours = Func();
    ScheduleContext context;
    context.stored = funcs.compact;
    context.extents = {funcs.channels, funcs.capacity + 1};
    context.knobs = *knobs;
    context.target = impl->target;
    if (funcs.accumulate.defined())
      cpu ? schedules::scheduleSparseConv2DCpu(funcs, context)
          : schedules::scheduleSparseConv2DCuda(funcs, context);
    else
      cpu ? schedules::scheduleSparseCompactCpu(funcs, context)
          : schedules::scheduleSparseCompactCuda(funcs, context);
  }
  // The dense form is materialized only for consumers that are not compact
  // stages of their own (dense ops, outputs).
  Value result = op->getResult(0);
  bool denseUse = llvm::any_of(result.getUsers(), [&](Operation *user) {
    if (isa<MaskDownsampleOp, MaskUpsampleOp>(user) || !handles(user))
      return true;
    return false;
  });
  if (!denseUse)
    return success();
  Func dense = impl->denseResults[op];
  std::vector<int64_t> shape = shapeOf(result);
  std::vector<int64_t> extents(shape.rbegin(), shape.rend());
  if (cpu) {
    // Rows in parallel, and within a row every channel: the compact rows of
    // one image row stay in cache while all channels are read from them.
    int lanes = impl->target.natural_vector_size<float>();
    Var x = dense.args()[0], y = dense.args()[1], c = dense.args()[2], n = dense.args()[3];
    Var rows("rows");
    dense.compute_root().reorder(x, c, y, n).fuse(y, n, rows).parallel(rows);
    if (extents[0] >= lanes)
      dense.vectorize(x, lanes, TailStrategy::ShiftInwards);
  } else {
    schedules::schedulePointwiseCuda(dense, extents, 64, 4);
  }
  return success();
}

} // namespace loom
