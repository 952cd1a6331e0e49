// Elaboration: a Loom syntax tree → a verified loom dialect module.
#ifndef LOOM_PARSE_ELABORATE_H
#define LOOM_PARSE_ELABORATE_H

#include "lib/Parse/Source.h"
#include "lib/Parse/Syntax.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace loom::parse {

/// Unrolls loops, resolves names, creates parameters named after their layers
/// and types every op by the dialect's shape inference. Returns null after
/// emitting at least one error.
mlir::OwningOpRef<mlir::ModuleOp> elaborate(const syntax::Model &model,
                                            const SourceLocator &source);

} // namespace loom::parse

#endif // LOOM_PARSE_ELABORATE_H
