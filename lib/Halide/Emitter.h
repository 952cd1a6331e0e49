// Lowering of a loom.model to one Halide pipeline: the algorithm of every op
// (lib/Halide/Emit*.cpp) with its schedule (schedules/) for the target.
#ifndef LOOM_HALIDE_EMITTER_H
#define LOOM_HALIDE_EMITTER_H

#include "dialect/LoomDialect.h"
#include "lib/Halide/ScanKernel.h"
#include "lib/Halide/Segments.h"
#include "schedules/Schedules.h"

#include "mlir/Support/LogicalResult.h"

#include <Halide.h>

#include <vector>

namespace loom {

/// A model as a Halide pipeline, ready for Pipeline::compile_to_*.
struct LoweredModel {
  /// One output Func per loom.output, in order.
  Halide::Pipeline pipeline;
  /// ImageParams: every loom.input in order, then every loom.param in order,
  /// then one int32 width per nested layer (granularityLayers order).
  /// Halide appends the output buffers after them.
  std::vector<Halide::Argument> arguments;
  /// The same ImageParams as `arguments`, in the same order, to bind buffers
  /// for JIT runs (ImageParam::set, then pipeline.realize).
  std::vector<Halide::ImageParam> imageParams;
  /// The pipelines of the earlier parts of a long model, called by extern
  /// stages of `pipeline` (empty for most models); compile through
  /// compileSegmented. JIT runs of `pipeline` alone need it empty.
  std::vector<Segment> segments;
  /// The kernels that extern stages of the pipelines launch (CUDA only): the
  /// generated glue defines each stage's function (Artifacts.cpp).
  std::vector<ExternKernel> kernels;
};

/// The schedule class of a Halide target: Cuda when it has a GPU feature.
ScheduleTarget scheduleTargetOf(const Halide::Target &target);

/// Lowers `model` for `target`. Every buffer (inputs, params, outputs) has
/// static bounds (min 0, the tensor's extents, Halide dimension 0 = the last
/// PyTorch dimension) and dense strides. Emits a diagnostic on the offending
/// op (op->emitError) and fails for anything unsupported.
/// Models of more than 2·segmentOps ops are cut into several pipelines
/// (Segments.h); 0 keeps one pipeline. With `applySchedules` false, no Loom
/// schedule is applied and every input, parameter and output carries an
/// estimate instead, for a Halide autoscheduler (loomc --autoschedule).
mlir::FailureOr<LoweredModel> lowerModelToHalide(loom::ModelOp model,
                                                 const Halide::Target &target,
                                                 int64_t segmentOps = kDefaultSegmentOps,
                                                 bool applySchedules = true);

} // namespace loom

#endif // LOOM_HALIDE_EMITTER_H
