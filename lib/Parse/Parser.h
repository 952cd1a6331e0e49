// Entry point of the Loom language front end: a `.loom` model spec → the loom dialect.
#ifndef LOOM_PARSE_PARSER_H
#define LOOM_PARSE_PARSER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace loom {

/// Parses the main buffer of sourceMgr; diagnostics go through context's diagnostic engine
/// with FileLineColLoc locations (the caller installs SourceMgrDiagnosticHandler to print file:line:col + caret).
/// Returns null after emitting at least one error. The result is verified (mlir::verify).
mlir::OwningOpRef<mlir::ModuleOp> parseLoomSource(llvm::SourceMgr &sourceMgr,
                                                  mlir::MLIRContext *context);

} // namespace loom

#endif // LOOM_PARSE_PARSER_H
