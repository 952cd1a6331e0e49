// Source positions of a Loom buffer as MLIR locations, and errors reported at them.
#ifndef LOOM_PARSE_SOURCE_H
#define LOOM_PARSE_SOURCE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/SourceMgr.h"

namespace loom::parse {

class SourceLocator {
public:
  SourceLocator(const llvm::SourceMgr &sourceMgr, unsigned bufferId,
                mlir::MLIRContext *context)
      : sourceMgr(sourceMgr), bufferId(bufferId), context(context),
        filename(mlir::StringAttr::get(
            context, sourceMgr.getMemoryBuffer(bufferId)->getBufferIdentifier())) {}

  /// `file:line:col` of a position in the buffer (1-based line and column).
  mlir::FileLineColLoc get(llvm::SMLoc loc) const {
    auto [line, column] = sourceMgr.getLineAndColumn(loc, bufferId);
    return mlir::FileLineColLoc::get(filename, line, column);
  }
  mlir::InFlightDiagnostic emitError(llvm::SMLoc loc) const {
    return mlir::emitError(get(loc));
  }
  mlir::MLIRContext *getContext() const { return context; }

private:
  const llvm::SourceMgr &sourceMgr;
  unsigned bufferId;
  mlir::MLIRContext *context;
  mlir::StringAttr filename;
};

} // namespace loom::parse

#endif // LOOM_PARSE_SOURCE_H
