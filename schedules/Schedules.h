// The schedule library: knob registry, knob values of one op, and the CPU and
// CUDA schedule of every op (the algorithms live in lib/Halide).
#ifndef LOOM_SCHEDULES_SCHEDULES_H
#define LOOM_SCHEDULES_SCHEDULES_H

#include "schedules/OpFuncs.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loom {

/// The class of target a schedule is written for; the ISA within the class
/// (AVX2, AVX-512, NEON; a CUDA capability) comes from the Halide target.
enum class ScheduleTarget { Cpu, Cuda };

namespace schedules {

/// A named integer parameter of a schedule (a tile size, a vector width...).
struct Knob {
  const char *name;
  int64_t defaultValue;
  const char *help;
  /// The least value an override may take: tile sizes and counts start at 1
  /// (Halide cannot split by 0); knobs where 0 means "automatic", "never" or
  /// "off" start at 0.
  int64_t minimum = 1;
};

/// Knobs of the schedule of `opName` ("loom.conv2d") for the target class
/// (empty if none).
llvm::ArrayRef<Knob> knobsFor(llvm::StringRef opName, ScheduleTarget target);

/// Prints every op's knobs, CPU then CUDA, one line each: `name=default
/// (min M)  help` under an `loom.op cpu:` heading (`loomc --list-knobs`).
void printKnobRegistry(llvm::raw_ostream &os);

/// The name of an op's schedule, as `loom.schedule`'s `name` holds it:
/// "conv2d_cpu" for ("loom.conv2d", Cpu).
std::string scheduleName(llvm::StringRef opName, ScheduleTarget target);

/// The knob values one schedule runs with.
class KnobValues {
public:
  KnobValues() = default;
  explicit KnobValues(llvm::StringMap<int64_t> values) : values(std::move(values)) {}

  /// The value of a knob of this op's schedule. Asking for a knob that the
  /// registry does not declare is a bug in the schedule.
  int64_t get(llvm::StringRef name) const;

private:
  llvm::StringMap<int64_t> values;
};

/// Knob values of `op` for `target`: the registry's defaults, overridden by
/// the entries of the op's `loom.schedule` attribute when it has one. Emits a
/// diagnostic on the op and fails when the attribute names a schedule of
/// another op or target class, an unknown knob, or a non-integer value.
mlir::FailureOr<KnobValues> knobValuesFor(mlir::Operation *op, ScheduleTarget target);

/// What every schedule gets besides the Funcs of its op.
struct ScheduleContext {
  /// The Func written to memory for this op: the op's result, or the last
  /// elementwise op fused into it (same shape). Its pure definition's vars are
  /// `stored.args()`.
  Halide::Func stored;
  /// Extents of `stored`, in Halide order (extents[0] is the innermost,
  /// contiguous dimension: PyTorch's last).
  std::vector<int64_t> extents;
  KnobValues knobs;
  Halide::Target target;
};

// One schedule per op and target class. Each computes `context.stored` at
// root (or leaves that to the caller for pipeline outputs, which are at root
// anyway) and places the op's intermediate Funcs.
void scheduleLinearCpu(const LinearFuncs &funcs, const ScheduleContext &context);
void scheduleLinearCuda(const LinearFuncs &funcs, const ScheduleContext &context);
void scheduleConv1DCpu(const ConvolutionFuncs &funcs, const ScheduleContext &context);
void scheduleConv1DCuda(const ConvolutionFuncs &funcs, const ScheduleContext &context);
void scheduleConv2DCpu(const ConvolutionFuncs &funcs, const ScheduleContext &context);
void scheduleConv2DCuda(const ConvolutionFuncs &funcs, const ScheduleContext &context);
void scheduleLayerNormCpu(const NormFuncs &funcs, const ScheduleContext &context);
void scheduleLayerNormCuda(const NormFuncs &funcs, const ScheduleContext &context);
void scheduleRMSNormCpu(const NormFuncs &funcs, const ScheduleContext &context);
void scheduleRMSNormCuda(const NormFuncs &funcs, const ScheduleContext &context);
void scheduleSoftmaxCpu(const SoftmaxFuncs &funcs, const ScheduleContext &context);
void scheduleSoftmaxCuda(const SoftmaxFuncs &funcs, const ScheduleContext &context);
void scheduleGlobalAvgPool2DCpu(const GlobalAvgPool2DFuncs &funcs,
                                const ScheduleContext &context);
void scheduleGlobalAvgPool2DCuda(const GlobalAvgPool2DFuncs &funcs,
                                 const ScheduleContext &context);
void scheduleSelectiveScanCpu(const SelectiveScanFuncs &funcs,
                              const ScheduleContext &context);
void scheduleSelectiveScanCuda(const SelectiveScanFuncs &funcs,
                               const ScheduleContext &context);
void scheduleSSDScanCpu(const SSDScanFuncs &funcs, const ScheduleContext &context);
void scheduleSSDScanCuda(const SSDScanFuncs &funcs, const ScheduleContext &context);
void scheduleGatedRMSNormCpu(const NormFuncs &funcs, const ScheduleContext &context);
void scheduleGatedRMSNormCuda(const NormFuncs &funcs, const ScheduleContext &context);
/// Ops whose result is a pure function of their inputs, one output element
/// at a time: activations, add/mul, batch_norm (inference), pooling,
/// embedding and the data movement ops. Only `stored` needs a schedule.
void scheduleElementwiseCpu(const ScheduleContext &context);
void scheduleElementwiseCuda(const ScheduleContext &context);
void schedulePool2DCpu(const ScheduleContext &context);
void schedulePool2DCuda(const ScheduleContext &context);
void scheduleEmbeddingCpu(const ScheduleContext &context);
void scheduleEmbeddingCuda(const ScheduleContext &context);
void scheduleDataMovementCpu(const ScheduleContext &context);
void scheduleDataMovementCuda(const ScheduleContext &context);
void scheduleTransposeCuda(const TransposeFuncs &transpose, const ScheduleContext &context);
void scheduleNestedFFNCpu(const NestedFFNFuncs &funcs, const ScheduleContext &context);
void scheduleNestedFFNCuda(const NestedFFNFuncs &funcs, const ScheduleContext &context);
void scheduleNestedEmbeddingCpu(const NestedEmbeddingFuncs &funcs,
                                const ScheduleContext &context);
void scheduleNestedEmbeddingCuda(const NestedEmbeddingFuncs &funcs,
                                 const ScheduleContext &context);

} // namespace schedules
} // namespace loom

#endif // LOOM_SCHEDULES_SCHEDULES_H
