// Halide lowering of the sparse ops (SparK): active-site lists built once per
// (mask, resolution), compact per-site features flowing between sparse
// layers, and dense copies only where a dense consumer needs them.
#ifndef LOOM_HALIDE_EMITSPARSE_H
#define LOOM_HALIDE_EMITSPARSE_H

#include "lib/Halide/EmitCore.h"
#include "schedules/Schedules.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"

#include <functional>
#include <memory>
#include <optional>

namespace loom {

class SparseLowering {
public:
  using TensorLookup = std::function<const Tensor &(mlir::Value)>;
  using Namer = std::function<std::string(llvm::StringRef)>;

  SparseLowering(const Halide::Target &target, ScheduleTarget scheduleTarget,
                 TensorLookup tensor, Namer uniqueName);
  ~SparseLowering();

  /// Defines `op` when it is a sparse op, a mask op, or an elementwise op that
  /// keeps zeros (relu, silu, tanh, gelu, add, mul) over sparse values at the
  /// same sites; returns the dense Func of its result (named `name`), or
  /// nullopt when the generic lowering should handle the op.
  std::optional<Halide::Func> emit(mlir::Operation *op, const std::string &name);
  /// True for the ops `emit` defined.
  bool handles(mlir::Operation *op) const;
  /// Schedules an op `emit` defined, and the dense copy of its result when a
  /// consumer that is not a sparse stage (or an output) reads it. `stored`
  /// is the op's pipeline-output Func when the op is an output.
  mlir::LogicalResult schedule(mlir::Operation *op);

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace loom

#endif // LOOM_HALIDE_EMITSPARSE_H
