// The loom dialect and its ops (C++ side of the ODS declarations).
#ifndef LOOM_DIALECT_LOOMDIALECT_H
#define LOOM_DIALECT_LOOMDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialect/LoomDialect.h.inc"

#define GET_OP_CLASSES
#include "dialect/LoomOps.h.inc"

namespace loom {

/// Result-type inference of a layer op, looked up by op name; the language
/// parser uses it to type the ops it builds.
using InferReturnTypesFn = mlir::LogicalResult (*)(
    mlir::MLIRContext *, std::optional<mlir::Location>, mlir::ValueRange,
    mlir::DictionaryAttr, mlir::OpaqueProperties, mlir::RegionRange,
    llvm::SmallVectorImpl<mlir::Type> &);

/// Returns null for ops whose result type is not inferred (input, param).
InferReturnTypesFn lookupInferReturnTypes(llvm::StringRef opName);

/// "[2, 3, 4]": how verifier messages print a shape (one helper for every
/// op family).
std::string shapeString(llvm::ArrayRef<int64_t> shape);
/// The same for the sparse ops (dialect/LoomSparseOps.cpp).
InferReturnTypesFn lookupSparseInferReturnTypes(llvm::StringRef opName);

/// True for ops that map one element to one element (fusable into producers).
bool isElementwise(mlir::Operation *op);

} // namespace loom

#endif // LOOM_DIALECT_LOOMDIALECT_H
