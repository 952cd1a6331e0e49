// The syntax tree of a Loom model spec, as the parser reads it (loops not yet unrolled).
#ifndef LOOM_PARSE_SYNTAX_H
#define LOOM_PARSE_SYNTAX_H

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loom::syntax {

/// A constant keyword value: `3`, `-1`, `1e-5`, `true`, `"tanh"`, `[1, -1]`.
struct Literal {
  enum class Kind { Integer, Float, Bool, String, List };
  Kind kind = Kind::Integer;
  llvm::SMLoc loc;
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  std::string string;
  std::vector<Literal> elements; // List: integers and floats only
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct KeywordArgument {
  std::string name;
  llvm::SMLoc loc;
  Literal value;
};

struct Expr {
  enum class Kind { Name, Call, Add, Mul };
  Kind kind = Kind::Name;
  llvm::SMLoc loc; // the name, the op name or the operator
  std::string name;                       // Name: the variable; Call: the op
  std::vector<ExprPtr> operands;          // Call: positional; Add/Mul: two
  std::vector<KeywordArgument> keywords;  // Call only
};

/// One segment of a scope path: `blocks`, `0` or `{i}`.
struct PathSegment {
  std::string text; // the identifier or integer, or the loop variable's name
  bool isLoopVariable = false;
  llvm::SMLoc loc;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

struct Stmt {
  enum class Kind { Input, Output, Assign, For, Scope };
  Kind kind = Kind::Assign;
  llvm::SMLoc loc; // the first token
  /// Input/Output: the name; Assign: the variable; For: the loop variable.
  std::string name;
  llvm::SMLoc nameLoc;
  // Input.
  std::string dtype;
  llvm::SMLoc dtypeLoc;
  std::vector<std::pair<int64_t, llvm::SMLoc>> shape;
  // Assign and Output (null for `output NAME`).
  ExprPtr value;
  // For: [start, end).
  int64_t start = 0, end = 0;
  // For (`as PATH`, may be empty) and Scope.
  std::vector<PathSegment> path;
  // For and Scope.
  std::vector<StmtPtr> body;
};

struct Model {
  std::string name;
  llvm::SMLoc loc, nameLoc;
  std::vector<StmtPtr> body;
};

} // namespace loom::syntax

#endif // LOOM_PARSE_SYNTAX_H
