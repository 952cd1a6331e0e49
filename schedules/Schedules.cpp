// The knob registry: every schedule's knobs and their defaults, in one place.
#include "schedules/Schedules.h"
#include "schedules/Tuning.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

using namespace loom;
using namespace loom::schedules;

namespace {

// Vector width 0 means the target's natural width for f32 (16 lanes with
// AVX-512, 8 with AVX2, 4 with NEON).
#define LOOM_VECTOR_WIDTH_KNOB                                                           \
  { "vector_width", 0, "f32 lanes per vector (0: the target's natural width)", 0 }
#define LOOM_PARALLEL_GRAIN_KNOB                                                         \
  { "parallel_grain", 16384, "minimum output elements per parallel task" }
#define LOOM_GPU_TILE_KNOBS                                                              \
  {"tile_x", 64, "threads per block along the innermost dimension"}, {                   \
    "tile_y", 4, "threads per block along the fused outer dimensions"                    \
  }

// The shared-memory-staged matrix product (schedules/cuda/gemm.cpp).
#define LOOM_GEMM_CUDA_KNOBS                                                              \
  {"gemm_min_rows", 16, "rows from which products are staged in shared memory"},        \
  {"gemm_reg_cols", 4, "staged product: output features per thread, in registers"},     \
  {"gemm_reg_rows", 8, "staged product: rows per thread, in registers"},                \
  {"gemm_threads_x", 16, "staged product: threads per block along the features"},       \
  {"gemm_threads_y", 8, "staged product: threads per block along the rows"},            \
  {"gemm_slab", 32, "staged product: reduction elements per shared-memory slab"},       \
  {"gemm_unroll", 8, "staged product: unroll factor of the loop over a slab"},          \
  {"gemm_pad", 1, "staged product: padding of a slab's rows in shared memory (1 or 4)"}, \
  {"gemm_min_blocks", 264, "staged product: smaller register tiles until this many blocks"}, \
  {"gemm_warp_min_blocks", 1 << 30, "warp-tiled product (one warp per block, accumulators " \
   "in registers) from this many blocks on; else the staged product (off: not faster under " \
   "Halide's 64-register JIT cap, experiments/gemm-registers; it relies on one warp's "   \
   "lanes running in step between its shared stores and loads)"},                                       \
  {"gemm_warp_cols", 4, "warp-tiled product: output features per lane"},                    \
  {"gemm_warp_rows", 32, "warp-tiled product: rows per lane"},                              \
  {"gemm_warp_slab", 16, "warp-tiled product: reduction elements per shared-memory slab"},  \
  {"gemm_pad_warp", 4, "warp-tiled product: padding of the input slab's rows in shared memory"}, \
  {"gemm_pad_warp_rhs", 4, "warp-tiled product: padding of the weight slab's rows"},        \
  {"gemm_warp_raster", 1, "warp-tiled product: 1 row blocks on blockIdx.x, 2 column blocks"}, \
  {"gemm_warp_unroll", 1, "warp-tiled product: unroll factor of the loop over a slab"}

const Knob linearCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"tile_out", 4, "output features per register tile"},
    {"tile_rows", 4, "rows (tokens) per register tile"},
    {"block_out", 64, "output features per parallel task (weights kept in L1/L2)"},
};
const Knob linearCuda[] = {
    {"tile_x", 16, "threads per block along the output features"},
    {"tile_y", 16, "threads per block along the rows"},
    {"unroll_reduction", 4, "unroll factor of the loop over input features"},
    {"reg_features", 4, "output features per thread, in registers (1 with reg_rows 1: one output per thread)"},
    {"reg_rows", 4, "rows (tokens) per thread, in registers"},
    {"min_threads", 16384,
     "smaller register tiles until this many threads have work (a small layer needs threads)"},
    LOOM_GEMM_CUDA_KNOBS,
    {"kernel", 1,
     "1: loomc's register-tiled SGEMM kernel (MLIR GPU code lowered to PTX, an extern stage; "
     "0.92-1.06x cuBLAS on the H100, experiments/gemm-kernel) when K and N are multiples of 4, "
     "there are at least kernel_min_rows rows and kernel_min_features output features, every "
     "input is a buffer and no elementwise op is fused after the linear; otherwise, and with "
     "0, the Halide schedules (the knobs above)",
     0},
    {"kernel_tile", 0,
     "SGEMM kernel's block tile: 1 128x128, 2 64x128 (8x8 outputs per thread), 3 64x64 (4x4); "
     "0: 64x64 when N <= 128, else 64x128",
     0},
    {"kernel_min_rows", 256, "rows (tokens) from which the SGEMM kernel is used"},
    {"kernel_min_features", 32, "output features from which the SGEMM kernel is used"},
};

const Knob convolutionCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"tile_width", 4, "vectors along the output width per register tile"},
    {"tile_channels", 6, "output channels per register tile"},
    {"parallel_grain", 16384,
     "minimum elements per parallel task of the zero-padded input copy"},
};
// conv2d adds the knobs of the depthwise schedule (schedules/cpu/depthwise.cpp).
#define LOOM_DEPTHWISE_CPU_KNOBS                                                         \
  {"depthwise_tile_rows", 6, "depthwise: output rows per register tile"},                \
      {"depthwise_tile_vectors", 4, "depthwise: vectors along the width per register tile"}, \
      {"depthwise_task_rows", 0,                                                         \
       "depthwise: output rows per parallel task (0: the whole plane)", 0},                 \
      {"depthwise_unroll_ky", 63,                                                        \
       "depthwise: unroll the kernel rows when there are at most this many (0: never)", 0}
const Knob conv2dCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"tile_width", 4, "vectors along the output width per register tile"},
    {"tile_channels", 6, "output channels per register tile"},
    {"parallel_grain", 16384,
     "minimum elements per parallel task of the zero-padded input copy"},
    {"depthwise", 1, "use the depthwise schedule when groups == channels (0: the general one)", 0},
    LOOM_DEPTHWISE_CPU_KNOBS,
};
const Knob convolutionCuda[] = {
    {"tile_x", 16, "threads per block along the output width"},
    {"tile_y", 4, "threads per block along the output height (conv1d: channels)"},
    {"tile_channels", 4, "threads per block along the output channels (conv2d)"},
};
const Knob conv1dCuda[] = {
    {"tile_x", 32, "threads per block along the positions"},
    {"tile_y", 4, "threads per block along the output channels (fused with the batch)"},
    {"items", 4, "consecutive positions per thread (unrolled: each tap loaded once per thread)"},
};
// conv2d and hyper_zzw add the knobs of the CUDA depthwise schedule
// (schedules/cuda/depthwise.cpp).
#define LOOM_DEPTHWISE_CUDA_KNOBS                                                        \
  {"depthwise_threads_x", 64, "depthwise: threads per block along the width (evened out over the tiles)"}, \
      {"depthwise_threads_y", 4, "depthwise: threads per block along the height"},      \
      {"depthwise_thread_rows", 16, "depthwise: output rows per thread (register tile; evened out)"}, \
      {"depthwise_unroll_kx", 15,                                                        \
       "depthwise: unroll the kernel columns when there are at most this many (0: never)", 0}, \
      {"depthwise_unroll_ky", 63,                                                        \
       "depthwise: unroll the kernel rows when there are at most this many (0: never)", 0}, \
      {"depthwise_min_blocks", 256,                                                      \
       "depthwise: shorten tiles until there are this many blocks (about 2 per H100 SM)", 0}, \
      {"depthwise_split_kx", 0,                                                          \
       "depthwise: thread groups per block that split the kernel columns, partial sums "  \
       "added in shared memory (0: automatic, for small grids and kernels of >= 16 "      \
       "columns; 1: none)", 0}
const Knob conv2dCuda[] = {
    {"tile_x", 16, "threads per block along the output width"},
    {"tile_y", 4, "threads per block along the output height (conv1d: channels)"},
    {"tile_channels", 4, "threads per block along the output channels (conv2d)"},
    {"depthwise", 1, "use the depthwise schedule when groups == channels (0: the general one)", 0},
    LOOM_DEPTHWISE_CUDA_KNOBS,
};

const Knob rowReductionCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    LOOM_PARALLEL_GRAIN_KNOB,
};
const Knob rowReductionCuda[] = {
    {"tile_x", 64, "threads per block along the reduced rows' elements"},
    {"tile_y", 4, "rows per block"},
    {"warp_reduce", 1,
     "1: each row statistic is reduced by a warp (coalesced loads, shuffles; tile_y rows "
     "per block); 0: by one thread",
     0},
};

const Knob pointwiseCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    LOOM_PARALLEL_GRAIN_KNOB,
};
const Knob pointwiseCuda[] = {
    LOOM_GPU_TILE_KNOBS,
};
const Knob transposeCuda[] = {
    LOOM_GPU_TILE_KNOBS,
    {"tile", 32,
     "a transpose that moves the contiguous dimension: square tiles of this size staged in "
     "shared memory (read and written coalesced; 0, or a tile that does not divide the "
     "extents or fit 48 KiB: one element per thread, tile_x × tile_y)",
     0},
    {"rows", 8, "threads per block along the tile's second dimension (each copies tile/rows rows)"},
};

const Knob sparseConvolutionCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"tile_sites", 6, "active sites per register tile (6 × 4 vectors: 24 of the 32 AVX-512 registers)"},
    {"tile_channels", 4, "vectors of output channels per register tile"},
    LOOM_PARALLEL_GRAIN_KNOB,
};
const Knob sparseConvolutionCuda[] = {
    {"tile_x", 16, "threads per block along the output channels"},
    {"tile_y", 8, "threads per block along the active sites"},
    {"reg_channels", 4, "output channels per thread (a register tile, one vector)"},
    {"reg_sites", 4, "active sites per thread (a register tile, unrolled)"},
    {"reg_inputs", 8, "input channels per vector load of an input row (1: scalar loads)"},
    {"shared_weights", 0, "1: stage the block's weights in shared memory (when ≤ 48 KiB)", 0},
};

const Knob selectiveScanCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"chunk", 64, "steps of L whose u and Δ are staged (transposed) at a time"},
    {"chunked_scan", 0,
     "1: the GPU's chunked three-pass scan (chunks of `chunk` steps), to test it", 0},
    {"fast_math", 1,
     "1: decays exp(Δ·A) by a polynomial 2^x, softplus and silu by that 2^x and a polynomial "
     "log(1 + e) (0: Halide's exp and log)",
     0},
};
const Knob selectiveScanCuda[] = {
    {"threads", 64, "channels (one thread each) per block of the scan kernels"},
    {"chunk", 16,
     "steps of L per chunk of the chunked scan (unrolled, staged in registers; at most 128)"},
    {"fast_math", 1, "1: softplus and silu on the special-function unit (ex2/lg2/div.approx)",
     0},
    {"bc_steps", 2,
     "steps of B and C staged in registers at a time (1, 2 or 4): 4 is one broadcast "
     "ld.v4 per state, 2 issues a pair's scalar loads ahead (fastest on the H100)"},
    {"carry_unroll", 8,
     "chunks unrolled in the carry pass (their chunk ends stay in registers between them)"},
    {"kernel", 1,
     "1: the single-pass block-scan kernel (MLIR GPU code lowered to PTX, an extern stage) "
     "when a chunk of 128 to 1024 steps divides L, every input is a buffer and no "
     "elementwise op is fused after the scan; otherwise, and with 0, the chunked Halide "
     "schedule (the knobs above)",
     0},
};

const Knob ssdScanCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"chunked", 1, "1: the chunked SSD algorithm; 0: the sequential recurrence", 0},
    {"chunk", 32, "steps of L per chunk of the chunked SSD algorithm"},
};
const Knob ssdScanCuda[] = {
    LOOM_GPU_TILE_KNOBS,
    {"threads", 32,
     "threads along the head dimension per block (chunked: each computes P / threads of p)"},
    {"chunked", 1, "1: the chunked SSD algorithm; 0: the sequential recurrence", 0},
    {"chunk", 32, "steps of L per chunk of the chunked SSD algorithm"},
    {"rows", 8, "chunked: states per thread of the chunk-state kernel (register tile)"},
    {"state_block", 128,
     "chunked: states per block of the chunk-state kernel (fewer if its shared x and B "
     "exceed 48 KiB)"},
    {"out_rows", 8, "chunked: steps per thread of the output kernel (register tile)"},
    {"block_rows", 32,
     "chunked: steps per block of the output kernel (fewer if its shared weights and C "
     "exceed 48 KiB)"},
    {"unroll_n", 8,
     "chunked: states per unrolled iteration of the output kernel's sum over the state "
     "(loads in flight); used when it divides N"},
};

const Knob hyperKernelCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
};
const Knob hyperKernelCuda[] = {
    {"tile_x", 32, "threads per block along the hidden units (output layer: kernel x)"},
    {"tile_y", 8, "threads per block along the kernel positions"},
};
const Knob hyperZZWCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    LOOM_PARALLEL_GRAIN_KNOB,
    {"depthwise_tile_rows", 8, "output rows per register tile"},
    {"depthwise_tile_vectors", 4, "vectors along the width per register tile"},
    {"depthwise_task_rows", 0, "output rows per parallel task (0: the whole plane)", 0},
    {"depthwise_unroll_ky", 64, "unroll the kernel rows when there are at most this many (0: never)", 0},
    {"fuse_kernel", 1,
     "compute the context-dependent kernel inside each channel task (0: once per call)", 0},
};
const Knob hyperZZWCuda[] = {
    {"tile_x", 16, "threads per block along the output width"},
    {"tile_y", 8, "threads per block along the output height"},
    {"fuse_kernel", 1,
     "compute the block's W*Z in shared memory (0: a kernel of its own, once per call)", 0},
    LOOM_DEPTHWISE_CUDA_KNOBS,
};

const Knob nestedFFNCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"tile_out", 4, "output features (hidden units) per register tile"},
    {"tile_rows", 4, "rows (tokens) per register tile"},
    {"block_out", 64, "output features (hidden units) per parallel task, at most"},
    {"block_bytes", 131072,
     "fc2 weight bytes per parallel task of the down projection (sets its block per width)"},
};
const Knob nestedFFNCuda[] = {
    {"tile_x", 32, "threads per block along the (hidden or output) features"},
    {"tile_y", 8, "threads per block along the rows"},
    {"unroll_reduction", 4, "unroll factor of the loops over features"},
    LOOM_GEMM_CUDA_KNOBS,
};

struct RegistryEntry {
  const char *opName;
  llvm::ArrayRef<Knob> cpu;
  llvm::ArrayRef<Knob> cuda;
};

const RegistryEntry registry[] = {
    {"loom.linear", linearCpu, linearCuda},
    {"loom.conv1d", convolutionCpu, conv1dCuda},
    {"loom.conv2d", conv2dCpu, conv2dCuda},
    {"loom.layer_norm", rowReductionCpu, rowReductionCuda},
    {"loom.rms_norm", rowReductionCpu, rowReductionCuda},
    {"loom.softmax", rowReductionCpu, rowReductionCuda},
    {"loom.global_avg_pool2d", rowReductionCpu, rowReductionCuda},
    {"loom.batch_norm", pointwiseCpu, pointwiseCuda},
    {"loom.relu", pointwiseCpu, pointwiseCuda},
    {"loom.silu", pointwiseCpu, pointwiseCuda},
    {"loom.sigmoid", pointwiseCpu, pointwiseCuda},
    {"loom.tanh", pointwiseCpu, pointwiseCuda},
    {"loom.softplus", pointwiseCpu, pointwiseCuda},
    {"loom.gelu", pointwiseCpu, pointwiseCuda},
    {"loom.add", pointwiseCpu, pointwiseCuda},
    {"loom.mul", pointwiseCpu, pointwiseCuda},
    {"loom.max_pool2d", pointwiseCpu, pointwiseCuda},
    {"loom.avg_pool2d", pointwiseCpu, pointwiseCuda},
    {"loom.embedding", pointwiseCpu, pointwiseCuda},
    {"loom.reshape", pointwiseCpu, pointwiseCuda},
    {"loom.transpose", pointwiseCpu, transposeCuda},
    {"loom.concat", pointwiseCpu, pointwiseCuda},
    {"loom.slice", pointwiseCpu, pointwiseCuda},
    {"loom.sparse_conv2d", sparseConvolutionCpu, sparseConvolutionCuda},
    {"loom.sparse_batch_norm", pointwiseCpu, pointwiseCuda},
    {"loom.sparse_layer_norm", pointwiseCpu, pointwiseCuda},
    {"loom.mask_downsample", pointwiseCpu, pointwiseCuda},
    {"loom.mask_upsample", pointwiseCpu, pointwiseCuda},
    {"loom.selective_scan", selectiveScanCpu, selectiveScanCuda},
    {"loom.ssd_scan", ssdScanCpu, ssdScanCuda},
    {"loom.gated_rms_norm", rowReductionCpu, rowReductionCuda},
    {"loom.hyper_kernel", hyperKernelCpu, hyperKernelCuda},
    {"loom.hyper_zzw", hyperZZWCpu, hyperZZWCuda},
    {"loom.fold_batch_norm_weight", pointwiseCpu, pointwiseCuda},
    {"loom.fold_batch_norm_bias", pointwiseCpu, pointwiseCuda},
    {"loom.embed_kernel", pointwiseCpu, pointwiseCuda},
    {"loom.nested_ffn", nestedFFNCpu, nestedFFNCuda},
    {"loom.nested_embedding", rowReductionCpu, rowReductionCuda},
    // The copy made when an output returns an input, a parameter or a value
    // already returned by an earlier output.
    {"loom.output", pointwiseCpu, pointwiseCuda},
};

} // namespace

llvm::ArrayRef<Knob> loom::schedules::knobsFor(llvm::StringRef opName,
                                               ScheduleTarget target) {
  for (const RegistryEntry &entry : registry)
    if (opName == entry.opName)
      return target == ScheduleTarget::Cpu ? entry.cpu : entry.cuda;
  return {};
}

void loom::schedules::printKnobRegistry(llvm::raw_ostream &os) {
  for (const RegistryEntry &entry : registry)
    for (ScheduleTarget target : {ScheduleTarget::Cpu, ScheduleTarget::Cuda}) {
      llvm::ArrayRef<Knob> knobs = target == ScheduleTarget::Cpu ? entry.cpu : entry.cuda;
      if (knobs.empty())
        continue;
      os << entry.opName << (target == ScheduleTarget::Cpu ? " cpu:\n" : " cuda:\n");
      for (const Knob &knob : knobs)
        os << "  " << knob.name << "=" << knob.defaultValue << "  (min " << knob.minimum
           << ")  " << knob.help << "\n";
    }
}

namespace {
/// Candidate values of the knobs `loomc tune` searches, by knob name (the
/// same name means the same kind of quantity in every schedule). A knob not
/// listed here gets half, once and twice its default.
struct TuningCandidates {
  const char *knob;
  ScheduleTarget target;
  std::initializer_list<int64_t> values; // empty: never searched
};
const TuningCandidates tuningTable[] = {
    {"vector_width", ScheduleTarget::Cpu, {0, 4, 8, 16}},
    {"parallel_grain", ScheduleTarget::Cpu, {4096, 16384, 65536}},
    {"tile_out", ScheduleTarget::Cpu, {2, 4, 6, 8}},
    {"tile_rows", ScheduleTarget::Cpu, {1, 2, 4, 6, 8}},
    {"block_out", ScheduleTarget::Cpu, {16, 32, 64, 128, 256}},
    {"tile_width", ScheduleTarget::Cpu, {1, 2, 4, 6}},
    {"tile_channels", ScheduleTarget::Cpu, {2, 4, 6, 8}},
    {"tile_sites", ScheduleTarget::Cpu, {2, 4, 6, 8}},
    {"depthwise", ScheduleTarget::Cpu, {0, 1}},
    {"depthwise_tile_rows", ScheduleTarget::Cpu, {2, 4, 6, 8}},
    {"depthwise_tile_vectors", ScheduleTarget::Cpu, {1, 2, 4}},
    {"depthwise_task_rows", ScheduleTarget::Cpu, {0, 4, 8, 16}},
    {"fuse_kernel", ScheduleTarget::Cpu, {0, 1}},
    {"chunk", ScheduleTarget::Cpu, {16, 32, 64, 128}},
    {"block_bytes", ScheduleTarget::Cpu, {32768, 65536, 131072, 262144}},
    // Test-only code paths and unroll limits: not searched.
    {"chunked_scan", ScheduleTarget::Cpu, {}},
    {"depthwise_unroll_ky", ScheduleTarget::Cpu, {}},
    {"tile_x", ScheduleTarget::Cuda, {8, 16, 32, 64}},
    {"tile_y", ScheduleTarget::Cuda, {1, 2, 4, 8, 16}},
    {"tile_channels", ScheduleTarget::Cuda, {1, 2, 4, 8}},
    {"unroll_reduction", ScheduleTarget::Cuda, {1, 2, 4, 8}},
    {"reg_features", ScheduleTarget::Cuda, {1, 2, 4, 8}},
    {"reg_rows", ScheduleTarget::Cuda, {1, 2, 4, 8}},
    {"threads", ScheduleTarget::Cuda, {32, 64, 128}},
    {"depthwise_unroll_kx", ScheduleTarget::Cuda, {}},
    {"depthwise_unroll_ky", ScheduleTarget::Cuda, {}},
    {"warp_reduce", ScheduleTarget::Cuda, {0, 1}},
    // Accuracy trade-offs are the user's to make, not the tuner's.
    {"fast_math", ScheduleTarget::Cpu, {}},
    {"fast_math", ScheduleTarget::Cuda, {}},
};
} // namespace

std::vector<int64_t> loom::schedules::tuningCandidates(llvm::StringRef opName,
                                                       ScheduleTarget target, const Knob &knob) {
  (void)opName; // candidates depend on the knob; the op is there for exceptions to come
  std::vector<int64_t> values;
  bool listed = false;
  for (const TuningCandidates &entry : tuningTable)
    if (entry.target == target && knob.name == llvm::StringRef(entry.knob)) {
      values.assign(entry.values.begin(), entry.values.end());
      listed = true;
    }
  if (listed && values.empty())
    return {};
  if (!listed) {
    if (knob.defaultValue <= 0)
      return {};
    values = {knob.defaultValue / 2, knob.defaultValue, knob.defaultValue * 2};
  }
  values.push_back(knob.defaultValue);
  llvm::erase_if(values, [&](int64_t value) { return value < knob.minimum; });
  llvm::sort(values);
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::string loom::schedules::scheduleName(llvm::StringRef opName, ScheduleTarget target) {
  llvm::StringRef mnemonic = opName;
  mnemonic.consume_front("loom.");
  return (mnemonic + (target == ScheduleTarget::Cpu ? "_cpu" : "_cuda")).str();
}

int64_t KnobValues::get(llvm::StringRef name) const {
  auto it = values.find(name);
  if (it == values.end())
    llvm::report_fatal_error(llvm::Twine("schedule asked for undeclared knob '") + name +
                             "'");
  return it->second;
}

mlir::FailureOr<KnobValues> loom::schedules::knobValuesFor(mlir::Operation *op,
                                                           ScheduleTarget target) {
  llvm::StringRef opName = op->getName().getStringRef();
  llvm::ArrayRef<Knob> knobs = knobsFor(opName, target);
  llvm::StringMap<int64_t> values;
  for (const Knob &knob : knobs)
    values[knob.name] = knob.defaultValue;

  auto schedule = op->getAttrOfType<mlir::DictionaryAttr>("loom.schedule");
  if (!schedule)
    return KnobValues(std::move(values));
  std::string expectedName = scheduleName(opName, target);
  for (mlir::NamedAttribute entry : schedule) {
    llvm::StringRef key = entry.getName().getValue();
    if (key == "name") {
      auto name = llvm::dyn_cast<mlir::StringAttr>(entry.getValue());
      if (!name || name.getValue() != expectedName)
        return op->emitError() << "loom.schedule names schedule " << entry.getValue()
                               << " but lowering for this "
                               << "target uses '" << expectedName << "'";
      continue;
    }
    auto it = values.find(key);
    if (it == values.end()) {
      llvm::SmallVector<llvm::StringRef> valid;
      for (const Knob &knob : knobs)
        valid.push_back(knob.name);
      return op->emitError() << "schedule '" << expectedName << "' has no knob '" << key
                             << "' (valid: "
                             << (valid.empty() ? std::string("none")
                                               : llvm::join(valid, ", "))
                             << ")";
    }
    auto value = llvm::dyn_cast<mlir::IntegerAttr>(entry.getValue());
    if (!value)
      return op->emitError() << "knob '" << key << "' of schedule '" << expectedName
                             << "' must be an integer, not " << entry.getValue();
    it->second = value.getInt();
  }
  return KnobValues(std::move(values));
}
