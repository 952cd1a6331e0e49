// The op catalogue of the Loom language: per op, its arguments, keywords and builder.
#ifndef LOOM_PARSE_CATALOGUE_H
#define LOOM_PARSE_CATALOGUE_H

#include "lib/Parse/Syntax.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace loom::parse {

/// The kind of value a keyword takes.
enum class ValueKind {
  Integer,       // 3
  IntegerOrPair, // 3 or [3, 5] (the int stands for [3, 3])
  IntegerList,   // [1, -1], at least one element
  Float,         // 1e-5 (an integer is accepted too)
  Bool,          // true, false
  String,        // "tanh"
};

/// Integer keyword values and list elements stay within ±kMaxKeywordInteger,
/// so that shape arithmetic on them cannot overflow.
constexpr int64_t kMaxKeywordInteger = (int64_t(1) << 31) - 1;
/// No tensor (input, parameter or result) may hold more elements than this.
constexpr int64_t kMaxTensorElements = int64_t(1) << 40;

struct KeywordSpec {
  enum class Presence {
    Required,  // must be given
    Defaulted, // `defaultValue` when not given
    Optional,  // no default: the builder handles its absence
  };
  llvm::StringLiteral name;
  ValueKind kind;
  Presence presence;
  /// Defaulted: the default as written in Loom (`1`, `true`, `1e-5`, `none`).
  llvm::StringLiteral defaultValue = "";
  /// Integer kinds: the smallest value allowed (for lists, of each element).
  int64_t minimum = -kMaxKeywordInteger;
  /// String: the allowed values, comma-separated; empty allows any string.
  llvm::StringLiteral choices = "";
};

/// The keyword arguments of one call, checked against its op's spec; reads
/// fall back to the spec's defaults.
class Arguments {
public:
  explicit Arguments(llvm::ArrayRef<KeywordSpec> specs) : specs(specs), given(specs.size()) {}

  bool has(llvm::StringRef name) const { return find(name).second != nullptr; }
  int64_t integer(llvm::StringRef name) const;
  /// An IntegerOrPair keyword as two values.
  llvm::SmallVector<int64_t, 2> pair(llvm::StringRef name) const;
  llvm::SmallVector<int64_t> list(llvm::StringRef name) const;
  double number(llvm::StringRef name) const;
  bool boolean(llvm::StringRef name) const;
  std::string string(llvm::StringRef name) const;
  /// Where the keyword's value was written (invalid when defaulted).
  llvm::SMLoc loc(llvm::StringRef name) const;

  void set(size_t index, const syntax::Literal *value) { given[index] = value; }

private:
  /// The spec of `name` and the literal given for it (null when absent).
  std::pair<const KeywordSpec *, const syntax::Literal *> find(llvm::StringRef name) const;

  llvm::ArrayRef<KeywordSpec> specs;
  std::vector<const syntax::Literal *> given;
};

/// What an op's builder function uses to make parameters and ops. The
/// elaborator implements it: it names parameters after the layer, checks
/// layer names for duplicates and types every op by shape inference.
class LayerBuilder {
public:
  virtual ~LayerBuilder() = default;

  /// The layer's op keyword (`conv2d`), for messages.
  virtual llvm::StringRef opName() const = 0;
  /// Emits an error at the call.
  virtual mlir::InFlightDiagnostic emitError() = 0;
  /// Creates the parameter `<layer>.<suffix>`; fails (after an error) when
  /// the layer has no name, its name is taken, or the shape is too large.
  virtual mlir::FailureOr<mlir::Value> param(llvm::StringRef suffix,
                                             llvm::ArrayRef<int64_t> shape,
                                             llvm::StringRef init, int64_t fanIn) = 0;
  /// Creates `loom.<op>` with its result type inferred from operands and
  /// attributes; fails after a shape error at the call.
  virtual mlir::FailureOr<mlir::Value>
  create(llvm::StringRef op, mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) = 0;
  virtual mlir::Builder &builder() = 0;
  /// The parameter an earlier layer created under the full name `name`
  /// (`backbone.embedding.weight`), for layers that share a weight; fails
  /// with an error when there is none.
  virtual mlir::FailureOr<mlir::Value> existingParam(llvm::StringRef name) = 0;

  /// Fails with an error unless `value` has rank `rank`.
  mlir::LogicalResult requireRank(mlir::Value value, int64_t rank, llvm::StringRef layout);
};

using BuildFn = mlir::FailureOr<mlir::Value> (*)(LayerBuilder &, mlir::ValueRange tensors,
                                                 const Arguments &);

struct OpSpec {
  llvm::StringLiteral name;
  /// The number of positional tensor arguments: [minTensors, maxTensors].
  unsigned minTensors, maxTensors;
  std::vector<KeywordSpec> keywords;
  BuildFn build;
  /// The first tensor argument holds i32 indices (embedding); all other
  /// tensor arguments are f32.
  bool firstTensorIsIndices = false;
};

constexpr unsigned kVariadic = ~0u;

/// Every op of the language, in documentation order.
llvm::ArrayRef<OpSpec> allOps();
/// Null for names that are not ops.
const OpSpec *lookupOp(llvm::StringRef name);

/// The product of `shape`, saturating at INT64_MAX.
int64_t elementCount(llvm::ArrayRef<int64_t> shape);
/// "an integer", "true or false", ...: how a kind reads in messages.
llvm::StringRef describe(ValueKind kind);

} // namespace loom::parse

#endif // LOOM_PARSE_CATALOGUE_H
