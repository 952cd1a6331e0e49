// The loom dialect: declaration and the base class of its ops.
#ifndef LOOM_DIALECT_TD
#define LOOM_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinTypes.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"

def Loom_Dialect : Dialect {
  let name = "loom";
  let cppNamespace = "::loom";
  let summary = "Layer-level neural-network ops on ranked f32/i32 tensors";
  let description = [{
    A model is a `loom.model` holding `loom.input`, `loom.param` and
    `loom.output` ops and the layers between them. Tensors use PyTorch's
    dimension order (outermost first). Every layer op infers its result
    type from its operands and attributes; the verifier re-infers it and
    names the dimension that disagrees.
  }];
  // Attributes live in the op's attribute dictionary (not in properties) so
  // the language parser can infer result types from an OperationState before
  // it creates the op.
  let usePropertiesForAttributes = 0;
}

def Loom_F32Tensor : RankedTensorOf<[F32]>;
def Loom_I32Tensor : RankedTensorOf<[I32]>;
def AnyLoomTensor : RankedTensorOf<[F32, I32]>;

// Every layer op: pure, and its result type is a function of its operands
// and attributes (`inferReturnTypes`), which the verifier checks.
class Loom_Op<string mnemonic, list<Trait> traits = []>
    : Op<Loom_Dialect, mnemonic, traits>;

class Loom_LayerOp<string mnemonic, list<Trait> traits = []>
    : Loom_Op<mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
  code inferDecl = [{
    /// Computes the result types from operands and attributes; on a shape
    /// error it emits a diagnostic at `location` (when given) and fails.
    static ::mlir::LogicalResult inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        ::mlir::ValueRange operands, ::mlir::DictionaryAttr attributes,
        ::mlir::OpaqueProperties properties, ::mlir::RegionRange regions,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes);
  }];
  let extraClassDeclaration = inferDecl;
}

#endif // LOOM_DIALECT_TD
