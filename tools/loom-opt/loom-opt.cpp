// loom-opt: mlir-opt with the loom dialect and its passes registered.
#include "dialect/LoomDialect.h"
#include "lib/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  loom::registerLoomPasses();
  mlir::DialectRegistry registry;
  registry.insert<loom::LoomDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Loom optimizer driver\n", registry));
}
