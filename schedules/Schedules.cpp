// The knob registry: every schedule's knobs and their defaults, in one place.
#include "schedules/Schedules.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

using namespace loom;
using namespace loom::schedules;

namespace {

// Vector width 0 means the target's natural width for f32 (16 lanes with
// AVX-512, 8 with AVX2, 4 with NEON).
#define LOOM_VECTOR_WIDTH_KNOB                                                           \
  { "vector_width", 0, "f32 lanes per vector (0: the target's natural width)" }
#define LOOM_PARALLEL_GRAIN_KNOB                                                         \
  { "parallel_grain", 16384, "minimum output elements per parallel task" }
#define LOOM_GPU_TILE_KNOBS                                                              \
  {"tile_x", 64, "threads per block along the innermost dimension"}, {                   \
    "tile_y", 4, "threads per block along the fused outer dimensions"                    \
  }

const Knob linearCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"tile_out", 4, "output features per register tile"},
    {"tile_rows", 4, "rows (tokens) per register tile"},
    {"block_out", 64, "output features per parallel task (weights kept in L1/L2)"},
};
const Knob linearCuda[] = {
    {"tile_x", 32, "threads per block along the output features"},
    {"tile_y", 8, "threads per block along the rows"},
    {"unroll_reduction", 4, "unroll factor of the loop over input features"},
};

const Knob convolutionCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    {"tile_width", 4, "vectors along the output width per register tile"},
    {"tile_channels", 6, "output channels per register tile"},
    {"parallel_grain", 16384,
     "minimum elements per parallel task of the zero-padded input copy"},
};
const Knob convolutionCuda[] = {
    {"tile_x", 16, "threads per block along the output width"},
    {"tile_y", 4, "threads per block along the output height (conv1d: channels)"},
    {"tile_channels", 4, "threads per block along the output channels (conv2d)"},
};

const Knob rowReductionCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    LOOM_PARALLEL_GRAIN_KNOB,
};
const Knob rowReductionCuda[] = {
    {"tile_x", 64, "threads per block along the reduced rows' elements"},
    {"tile_y", 4, "rows per block"},
};

const Knob pointwiseCpu[] = {
    LOOM_VECTOR_WIDTH_KNOB,
    LOOM_PARALLEL_GRAIN_KNOB,
};
const Knob pointwiseCuda[] = {
    LOOM_GPU_TILE_KNOBS,
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
};

struct RegistryEntry {
  const char *opName;
  llvm::ArrayRef<Knob> cpu;
  llvm::ArrayRef<Knob> cuda;
};

const RegistryEntry registry[] = {
    {"loom.linear", linearCpu, linearCuda},
    {"loom.conv1d", convolutionCpu, convolutionCuda},
    {"loom.conv2d", convolutionCpu, convolutionCuda},
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
    {"loom.transpose", pointwiseCpu, pointwiseCuda},
    {"loom.concat", pointwiseCpu, pointwiseCuda},
    {"loom.slice", pointwiseCpu, pointwiseCuda},
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
