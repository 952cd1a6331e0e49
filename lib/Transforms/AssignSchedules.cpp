// loom-assign-schedules: attaches `loom.schedule` (schedule name + knob
// values) to every layer op, from the schedule library's defaults and the
// user's overrides.
#include "lib/Transforms/Passes.h"

#include "schedules/Schedules.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <utility>

namespace loom {
#define GEN_PASS_DEF_LOOMASSIGNSCHEDULES
#include "dialect/Passes.h.inc"
} // namespace loom

using namespace mlir;

std::string loom::getLayerName(Operation *op) {
  Location loc = op->getLoc();
  while (true) {
    if (auto name = dyn_cast<NameLoc>(loc))
      return name.getName().str();
    if (auto fused = dyn_cast<FusedLoc>(loc)) {
      if (fused.getLocations().empty())
        return "";
      loc = fused.getLocations().front();
      continue;
    }
    return "";
  }
}

namespace {

struct KnobOverride {
  std::string selector; // a layer name or an op mnemonic
  std::string knob;
  int64_t value;
  bool used = false;
  bool reported = false; // its value was reported out of range, once
  /// Where a knob file wrote it (loomc --knobs); none: the command line.
  std::optional<Location> origin;
};

/// "FILE:LINE:COL" (KnobSettings in lib/Driver/KnobFile.h) as a location.
std::optional<Location> parseOrigin(StringRef text, MLIRContext *context) {
  auto [rest, columnText] = text.rsplit(':');
  auto [file, lineText] = rest.rsplit(':');
  unsigned line, column;
  if (file.empty() || lineText.getAsInteger(10, line) || columnText.getAsInteger(10, column))
    return std::nullopt;
  return FileLineColLoc::get(context, file, line, column);
}

struct AssignSchedulesPass
    : loom::impl::LoomAssignSchedulesBase<AssignSchedulesPass> {
  using LoomAssignSchedulesBase::LoomAssignSchedulesBase;

  LogicalResult parseOverrides(SmallVectorImpl<KnobOverride> &overrides) {
    for (auto [index, text] : llvm::enumerate(knobs)) {
      StringRef spec(text);
      auto [lhs, valueText] = spec.split('=');
      size_t dot = lhs.rfind('.');
      int64_t value;
      if (valueText.empty() || dot == StringRef::npos ||
          valueText.getAsInteger(10, value))
        return getOperation().emitError()
               << "bad knob '" << text
               << "': expected <layer-or-op>.<knob>=<integer>, e.g. conv2d.tile_w=8";
      overrides.push_back({lhs.take_front(dot).str(), lhs.drop_front(dot + 1).str(),
                           value});
      if (index < knobOrigins.size() && !knobOrigins[index].empty())
        overrides.back().origin = parseOrigin(knobOrigins[index], &getContext());
    }
    return success();
  }

  /// An error about `override` applied to `op`: at the knob file's line when
  /// it came from one (with a note at the layer), else at the layer.
  static InFlightDiagnostic overrideError(const KnobOverride &override, Operation *op,
                                          StringRef mnemonic) {
    if (!override.origin)
      return op->emitError();
    InFlightDiagnostic diagnostic = mlir::emitError(*override.origin);
    diagnostic.attachNote(op->getLoc()) << "the " << mnemonic << " op it applies to";
    return diagnostic;
  }

  void runOnOperation() override {
    loom::ScheduleTarget scheduleTarget;
    if (target == "cpu")
      scheduleTarget = loom::ScheduleTarget::Cpu;
    else if (target == "cuda")
      scheduleTarget = loom::ScheduleTarget::Cuda;
    else {
      getOperation().emitError() << "unknown schedule target '" << target
                                 << "' (valid: cpu, cuda)";
      return signalPassFailure();
    }

    SmallVector<KnobOverride> overrides;
    if (failed(parseOverrides(overrides)))
      return signalPassFailure();

    Builder builder(&getContext());
    bool failedAny = false;
    getOperation().walk([&](Operation *op) {
      if (isa<loom::ModelOp, loom::InputOp, loom::ParamOp, loom::OutputOp>(op) ||
          op->hasAttr("loom.fused"))
        return;
      StringRef mnemonic = op->getName().stripDialect();
      std::string layer = loom::getLayerName(op);
      auto knobs = loom::schedules::knobsFor(op->getName().getStringRef(),
                                             scheduleTarget);
      llvm::StringMap<int64_t> values;
      for (const auto &knob : knobs)
        values[knob.name] = knob.defaultValue;
      for (KnobOverride &override : overrides) {
        if (override.selector != mnemonic && override.selector != layer)
          continue;
        if (!values.count(override.knob)) {
          SmallVector<StringRef> valid;
          for (const auto &knob : knobs)
            valid.push_back(knob.name);
          overrideError(override, op, mnemonic) << "schedule of " << mnemonic << " has no knob '"
                          << override.knob << "' (valid: "
                          << (valid.empty() ? std::string("none")
                                            : llvm::join(valid, ", "))
                          << ")";
          failedAny = true;
          continue;
        }
        // Each knob declares its least value; less would reach Halide as
        // "Can't split by 0" or a negative extent.
        int64_t minimum = 1;
        for (const auto &knob : knobs)
          if (override.knob == knob.name)
            minimum = knob.minimum;
        if (override.value < minimum) {
          failedAny = true;
          if (std::exchange(override.reported, true))
            continue;
          overrideError(override, op, mnemonic) << "knob '" << override.knob << "' of the " << mnemonic
                          << " schedule must be ≥ " << minimum
                          << ", got "
                          << override.value;
          failedAny = true;
          continue;
        }
        override.used = true;
        values[override.knob] = override.value;
      }
      SmallVector<NamedAttribute> entries;
      entries.push_back(builder.getNamedAttr(
          "name", builder.getStringAttr(mnemonic.str() + "_" + target)));
      for (const auto &knob : knobs)
        entries.push_back(builder.getNamedAttr(
            knob.name, builder.getI64IntegerAttr(values[knob.name])));
      op->setAttr("loom.schedule", builder.getDictionaryAttr(entries));
    });
    for (const KnobOverride &override : overrides)
      if (!override.used && !failedAny) {
        (override.origin ? mlir::emitError(*override.origin) : getOperation().emitError())
            << "knob override '" << override.selector << "." << override.knob
            << "' matches no layer name and no op in model '"
            << getOperation().getSymName() << "'";
        failedAny = true;
      }
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace

void loom::buildLoomPipeline(OpPassManager &pm, StringRef target,
                             const std::vector<std::string> &knobs, bool fuse,
                             bool reparameterize,
                             const std::vector<std::string> &knobOrigins) {
  OpPassManager &model = pm.nest<ModelOp>();
  model.addPass(createLoomDecompose());
  LoomReparameterizeOptions reparameterizeOptions;
  reparameterizeOptions.enable = reparameterize;
  model.addPass(createLoomReparameterize(reparameterizeOptions));
  model.addPass(createCanonicalizerPass());
  LoomFuseElementwiseOptions fuseOptions;
  fuseOptions.enable = fuse;
  model.addPass(createLoomFuseElementwise(fuseOptions));
  LoomAssignSchedulesOptions scheduleOptions;
  scheduleOptions.target = target.str();
  scheduleOptions.knobs = knobs;
  scheduleOptions.knobOrigins = knobOrigins;
  model.addPass(createLoomAssignSchedules(scheduleOptions));
}
