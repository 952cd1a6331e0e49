// Registration of the loom dialect.
#include "dialect/LoomDialect.h"

#include "dialect/LoomDialect.cpp.inc"

void loom::LoomDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/LoomOps.cpp.inc"
      >();
}
