// The recursive-descent parser of the Loom language and the front end's entry point.
#include "lib/Parse/Parser.h"

#include "lib/Parse/Elaborate.h"
#include "lib/Parse/Lexer.h"
#include "lib/Parse/Source.h"
#include "lib/Parse/Syntax.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>
#include <cstdlib>

using namespace loom;
using namespace loom::parse;
using llvm::SMLoc;
using llvm::StringRef;

namespace {

/// Blocks, calls, parentheses and operator chains nest at most this deep (the
/// syntax tree of `a + b + c` is two levels deep), so that neither the parser
/// nor the elaborator can exhaust the stack on hostile input.
constexpr int kMaxNesting = 256;

class SyntaxParser {
public:
  SyntaxParser(const SourceLocator &source, StringRef buffer)
      : source(source), lexer(buffer.begin(), buffer.end()) {
    token = lexer.lex();
  }

  /// file := model EOF
  std::unique_ptr<syntax::Model> parseFile();

private:
  // Token handling.
  void advance() { token = lexer.lex(); }
  bool consumeIf(TokenKind kind) {
    if (!token.is(kind))
      return false;
    advance();
    return true;
  }
  /// Reports the current token as unexpected: "expected WHAT, got TOKEN".
  /// A lexical error is reported as itself instead.
  mlir::LogicalResult fail(const llvm::Twine &what) {
    if (token.is(TokenKind::Error))
      return source.emitError(token.loc()) << lexer.errorMessage();
    return source.emitError(token.loc()) << "expected " << what << ", got " << describe(token);
  }
  mlir::LogicalResult expect(TokenKind kind, const llvm::Twine &context) {
    if (consumeIf(kind))
      return mlir::success();
    return fail(describe(kind) + " " + context);
  }
  mlir::LogicalResult parseIdentifier(std::string &name, SMLoc &loc, const llvm::Twine &what) {
    if (!token.is(TokenKind::Identifier))
      return fail(what);
    name = token.spelling.str();
    loc = token.loc();
    advance();
    return mlir::success();
  }
  mlir::LogicalResult enter(SMLoc loc) {
    if (++depth > kMaxNesting)
      return source.emitError(loc)
             << "nesting is too deep (more than " << kMaxNesting
             << " levels of blocks, calls, parentheses and `+`/`*` operators)";
    return mlir::success();
  }

  // Numbers.
  mlir::LogicalResult parseInteger(int64_t &value, const llvm::Twine &what);
  mlir::LogicalResult parseNumber(syntax::Literal &literal);

  // Statements.
  mlir::LogicalResult parseBlock(std::vector<syntax::StmtPtr> &body, bool topLevel);
  syntax::StmtPtr parseStatement(bool topLevel);
  mlir::LogicalResult parseInput(syntax::Stmt &stmt);
  mlir::LogicalResult parseFor(syntax::Stmt &stmt);
  mlir::LogicalResult parsePath(std::vector<syntax::PathSegment> &path);

  // Expressions.
  syntax::ExprPtr parseExpr();
  syntax::ExprPtr parseTerm();
  syntax::ExprPtr parseFactor();
  syntax::ExprPtr parseCall(std::string name, SMLoc loc);
  mlir::LogicalResult parseLiteral(syntax::Literal &literal);

  const SourceLocator &source;
  Lexer lexer;
  Token token;
  int depth = 0;
};

} // namespace

//===----------------------------------------------------------------------===//
// Numbers
//===----------------------------------------------------------------------===//

/// integer := ['-'] INTEGER
mlir::LogicalResult SyntaxParser::parseInteger(int64_t &value, const llvm::Twine &what) {
  SMLoc loc = token.loc();
  bool negative = consumeIf(TokenKind::Minus);
  if (!token.is(TokenKind::Integer))
    return fail(what);
  uint64_t magnitude;
  if (token.spelling.getAsInteger(10, magnitude) || magnitude > uint64_t(INT64_MAX))
    return source.emitError(loc) << "integer " << (negative ? "-" : "")
                                 << token.spelling.take_front(40) << " is out of range";
  value = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  advance();
  return mlir::success();
}

/// number := ['-'] (INTEGER | FLOAT)
mlir::LogicalResult SyntaxParser::parseNumber(syntax::Literal &literal) {
  literal.loc = token.loc();
  bool negative = token.is(TokenKind::Minus);
  if (negative && lexer.peekKind() != TokenKind::Float) {
    literal.kind = syntax::Literal::Kind::Integer;
    return parseInteger(literal.integer, "a number after '-'");
  }
  if (token.is(TokenKind::Integer)) {
    literal.kind = syntax::Literal::Kind::Integer;
    return parseInteger(literal.integer, "a number");
  }
  consumeIf(TokenKind::Minus);
  if (!token.is(TokenKind::Float))
    return fail("a number");
  double value = std::strtod(token.spelling.str().c_str(), nullptr);
  if (!std::isfinite(value))
    return source.emitError(literal.loc) << "number " << token.spelling.take_front(40)
                                         << " is out of range";
  literal.kind = syntax::Literal::Kind::Float;
  literal.number = negative ? -value : value;
  advance();
  return mlir::success();
}

//===----------------------------------------------------------------------===//
// Model and statements
//===----------------------------------------------------------------------===//

std::unique_ptr<syntax::Model> SyntaxParser::parseFile() {
  auto model = std::make_unique<syntax::Model>();
  model->loc = token.loc();
  if (!token.is(TokenKind::KwModel)) {
    (void)fail("'model' (a file holds one `model NAME { ... }`)");
    return nullptr;
  }
  advance();
  if (failed(parseIdentifier(model->name, model->nameLoc, "the model name")) ||
      failed(parseBlock(model->body, /*topLevel=*/true)))
    return nullptr;
  if (token.is(TokenKind::KwModel)) {
    auto diag = source.emitError(token.loc())
                << "more than one model: a file holds exactly one model";
    diag.attachNote(source.get(model->loc)) << "the first model is here";
    return nullptr;
  }
  if (!token.is(TokenKind::EndOfFile)) {
    (void)fail("end of file after the model");
    return nullptr;
  }
  return model;
}

/// block := '{' statement* '}'
mlir::LogicalResult SyntaxParser::parseBlock(std::vector<syntax::StmtPtr> &body,
                                             bool topLevel) {
  SMLoc open = token.loc();
  if (failed(expect(TokenKind::LeftBrace, "to open the block")) || failed(enter(open)))
    return mlir::failure();
  while (!token.is(TokenKind::RightBrace)) {
    if (token.is(TokenKind::EndOfFile)) {
      auto diag = source.emitError(token.loc())
                  << "expected '}' to close the block, got end of file";
      diag.attachNote(source.get(open)) << "the block opens here";
      return mlir::failure();
    }
    syntax::StmtPtr stmt = parseStatement(topLevel);
    if (!stmt)
      return mlir::failure();
    body.push_back(std::move(stmt));
  }
  advance();
  --depth;
  return mlir::success();
}

/// statement := input | output | for | scope | IDENT '=' expr
syntax::StmtPtr SyntaxParser::parseStatement(bool topLevel) {
  auto stmt = std::make_unique<syntax::Stmt>();
  stmt->loc = token.loc();
  using Kind = syntax::Stmt::Kind;
  switch (token.kind) {
  case TokenKind::KwInput:
  case TokenKind::KwOutput: {
    bool isInput = token.is(TokenKind::KwInput);
    if (!topLevel) {
      source.emitError(token.loc())
          << "'" << token.spelling << "' is only allowed at the top level of the model, "
          << "not inside 'for' or 'scope'";
      return nullptr;
    }
    advance();
    stmt->kind = isInput ? Kind::Input : Kind::Output;
    if (failed(parseIdentifier(stmt->name, stmt->nameLoc,
                               isInput ? "the input name" : "the output name")))
      return nullptr;
    if (isInput)
      return succeeded(parseInput(*stmt)) ? std::move(stmt) : nullptr;
    // output := 'output' IDENT ['=' expr]
    if (consumeIf(TokenKind::Equal) && !(stmt->value = parseExpr()))
      return nullptr;
    return stmt;
  }
  case TokenKind::KwFor:
    advance();
    stmt->kind = Kind::For;
    return succeeded(parseFor(*stmt)) ? std::move(stmt) : nullptr;
  case TokenKind::KwScope:
    // scope := 'scope' path block
    advance();
    stmt->kind = Kind::Scope;
    if (failed(parsePath(stmt->path)) || failed(parseBlock(stmt->body, false)))
      return nullptr;
    return stmt;
  case TokenKind::Identifier:
    stmt->kind = Kind::Assign;
    stmt->name = token.spelling.str();
    stmt->nameLoc = token.loc();
    advance();
    if (failed(expect(TokenKind::Equal, "after '" + stmt->name + "' (a statement is "
                                        "`NAME = expression`)")) ||
        !(stmt->value = parseExpr()))
      return nullptr;
    return stmt;
  default:
    (void)fail("a statement (input, output, for, scope or NAME = ...)");
    return nullptr;
  }
}

/// input := 'input' IDENT ':' DTYPE '[' integer {',' integer} [','] ']'
mlir::LogicalResult SyntaxParser::parseInput(syntax::Stmt &stmt) {
  if (failed(expect(TokenKind::Colon, "after the input name (write `input x: f32[1, 8]`)")) ||
      failed(parseIdentifier(stmt.dtype, stmt.dtypeLoc, "a dtype (f32 or i32)")) ||
      failed(expect(TokenKind::LeftBracket, "to start the input's shape")))
    return mlir::failure();
  while (!token.is(TokenKind::RightBracket)) {
    SMLoc loc = token.loc();
    int64_t extent;
    if (failed(parseInteger(extent, "a dimension (an integer) or ']'")))
      return mlir::failure();
    stmt.shape.emplace_back(extent, loc);
    if (!consumeIf(TokenKind::Comma) && !token.is(TokenKind::RightBracket))
      return fail("',' or ']' in the shape");
  }
  advance();
  return mlir::success();
}

/// for := 'for' IDENT 'in' integer '..' integer ['as' path] block
mlir::LogicalResult SyntaxParser::parseFor(syntax::Stmt &stmt) {
  if (failed(parseIdentifier(stmt.name, stmt.nameLoc, "the loop variable")) ||
      failed(expect(TokenKind::KwIn, "after the loop variable")) ||
      failed(parseInteger(stmt.start, "the start of the range (an integer)")) ||
      failed(expect(TokenKind::DotDot, "in the range (write `0..4`)")) ||
      failed(parseInteger(stmt.end, "the end of the range (an integer)")))
    return mlir::failure();
  if (consumeIf(TokenKind::KwAs) && failed(parsePath(stmt.path)))
    return mlir::failure();
  return parseBlock(stmt.body, /*topLevel=*/false);
}

/// path := segment {'.' segment};  segment := IDENT | INTEGER | '{' IDENT '}'
/// Reserved words are valid segments (PyTorch modules are often called
/// `input` or `output`).
mlir::LogicalResult SyntaxParser::parsePath(std::vector<syntax::PathSegment> &path) {
  do {
    syntax::PathSegment segment;
    segment.loc = token.loc();
    switch (token.kind) {
    case TokenKind::Identifier:
    case TokenKind::Integer:
    case TokenKind::KwModel: case TokenKind::KwInput: case TokenKind::KwOutput:
    case TokenKind::KwFor: case TokenKind::KwIn: case TokenKind::KwAs:
    case TokenKind::KwScope: case TokenKind::KwTrue: case TokenKind::KwFalse:
      segment.text = token.spelling.str();
      advance();
      break;
    case TokenKind::Float: {
      // `layers.0.1` lexes `0.1` as a number: split it back into segments.
      auto [whole, fraction] = token.spelling.split('.');
      if (fraction.empty() || !llvm::all_of(token.spelling, [](char c) {
            return llvm::isDigit(c) || c == '.';
          }))
        return fail("a path segment (a name, an integer or {VARIABLE})");
      segment.text = whole.str();
      path.push_back(segment);
      segment.text = fraction.str();
      segment.loc = SMLoc::getFromPointer(fraction.data());
      advance();
      break;
    }
    case TokenKind::LeftBrace:
      advance();
      segment.isLoopVariable = true;
      if (!token.is(TokenKind::Identifier))
        return fail("a loop variable inside '{' '}'");
      segment.text = token.spelling.str();
      segment.loc = token.loc();
      advance();
      if (failed(expect(TokenKind::RightBrace, "after the loop variable")))
        return mlir::failure();
      break;
    default:
      return fail("a path segment (a name, an integer or {VARIABLE})");
    }
    path.push_back(std::move(segment));
  } while (consumeIf(TokenKind::Dot));
  return mlir::success();
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// expr := term {'+' term}
syntax::ExprPtr SyntaxParser::parseExpr() {
  syntax::ExprPtr lhs = parseTerm();
  int chain = 0;
  while (lhs && token.is(TokenKind::Plus)) {
    auto sum = std::make_unique<syntax::Expr>();
    sum->kind = syntax::Expr::Kind::Add;
    sum->loc = token.loc();
    if (failed(enter(sum->loc)))
      return nullptr;
    ++chain;
    advance();
    syntax::ExprPtr rhs = parseTerm();
    if (!rhs)
      return nullptr;
    sum->operands.push_back(std::move(lhs));
    sum->operands.push_back(std::move(rhs));
    lhs = std::move(sum);
  }
  depth -= chain;
  return lhs;
}

/// term := factor {'*' factor}
syntax::ExprPtr SyntaxParser::parseTerm() {
  syntax::ExprPtr lhs = parseFactor();
  int chain = 0;
  while (lhs && token.is(TokenKind::Star)) {
    auto product = std::make_unique<syntax::Expr>();
    product->kind = syntax::Expr::Kind::Mul;
    product->loc = token.loc();
    if (failed(enter(product->loc)))
      return nullptr;
    ++chain;
    advance();
    syntax::ExprPtr rhs = parseFactor();
    if (!rhs)
      return nullptr;
    product->operands.push_back(std::move(lhs));
    product->operands.push_back(std::move(rhs));
    lhs = std::move(product);
  }
  depth -= chain;
  return lhs;
}

/// factor := IDENT | call | '(' expr ')'
syntax::ExprPtr SyntaxParser::parseFactor() {
  if (token.is(TokenKind::LeftParen)) {
    SMLoc open = token.loc();
    advance();
    if (failed(enter(open)))
      return nullptr;
    syntax::ExprPtr inner = parseExpr();
    if (!inner || failed(expect(TokenKind::RightParen, "to close the parenthesis")))
      return nullptr;
    --depth;
    return inner;
  }
  if (token.is(TokenKind::Identifier)) {
    std::string name = token.spelling.str();
    SMLoc loc = token.loc();
    advance();
    if (token.is(TokenKind::LeftParen))
      return parseCall(std::move(name), loc);
    auto expr = std::make_unique<syntax::Expr>();
    expr->kind = syntax::Expr::Kind::Name;
    expr->name = std::move(name);
    expr->loc = loc;
    return expr;
  }
  bool constant = token.is(TokenKind::Integer) || token.is(TokenKind::Float) ||
                  token.is(TokenKind::Minus) || token.is(TokenKind::String) ||
                  token.is(TokenKind::KwTrue) || token.is(TokenKind::KwFalse) ||
                  token.is(TokenKind::LeftBracket);
  (void)fail(constant ? "a tensor expression (constants are only allowed as keyword "
                        "values, as in `op(x, kernel=3)`)"
                      : "an expression (a name, an op call or '(')");
  return nullptr;
}

/// call := IDENT '(' [argument {',' argument} [',']] ')'
/// argument := expr | IDENT '=' literal   (positional arguments first)
syntax::ExprPtr SyntaxParser::parseCall(std::string name, SMLoc loc) {
  auto call = std::make_unique<syntax::Expr>();
  call->kind = syntax::Expr::Kind::Call;
  call->name = std::move(name);
  call->loc = loc;
  SMLoc open = token.loc();
  advance(); // '('
  if (failed(enter(open)))
    return nullptr;
  while (!token.is(TokenKind::RightParen)) {
    if (token.is(TokenKind::Identifier) && lexer.peekKind() == TokenKind::Equal) {
      syntax::KeywordArgument keyword;
      keyword.name = token.spelling.str();
      keyword.loc = token.loc();
      advance();
      advance(); // '='
      if (failed(parseLiteral(keyword.value)))
        return nullptr;
      call->keywords.push_back(std::move(keyword));
    } else {
      SMLoc argumentLoc = token.loc();
      syntax::ExprPtr argument = parseExpr();
      if (!argument)
        return nullptr;
      if (!call->keywords.empty()) {
        source.emitError(argumentLoc)
            << "positional argument after keyword arguments (tensor arguments come "
               "before keywords)";
        return nullptr;
      }
      call->operands.push_back(std::move(argument));
    }
    if (!consumeIf(TokenKind::Comma) && !token.is(TokenKind::RightParen)) {
      (void)fail("',' or ')' in the arguments of " + call->name);
      return nullptr;
    }
  }
  advance(); // ')'
  --depth;
  return call;
}

/// literal := number | 'true' | 'false' | STRING | '[' [number {',' number} [',']] ']'
mlir::LogicalResult SyntaxParser::parseLiteral(syntax::Literal &literal) {
  using Kind = syntax::Literal::Kind;
  literal.loc = token.loc();
  switch (token.kind) {
  case TokenKind::KwTrue:
  case TokenKind::KwFalse:
    literal.kind = Kind::Bool;
    literal.boolean = token.is(TokenKind::KwTrue);
    advance();
    return mlir::success();
  case TokenKind::String:
    literal.kind = Kind::String;
    literal.string = token.stringValue().str();
    advance();
    return mlir::success();
  case TokenKind::LeftBracket:
    literal.kind = Kind::List;
    advance();
    while (!token.is(TokenKind::RightBracket)) {
      syntax::Literal element;
      if (!token.is(TokenKind::Integer) && !token.is(TokenKind::Float) &&
          !token.is(TokenKind::Minus))
        return fail("a number or ']' in the list");
      if (failed(parseNumber(element)))
        return mlir::failure();
      literal.elements.push_back(std::move(element));
      if (!consumeIf(TokenKind::Comma) && !token.is(TokenKind::RightBracket))
        return fail("',' or ']' in the list");
    }
    advance();
    return mlir::success();
  case TokenKind::Integer:
  case TokenKind::Float:
  case TokenKind::Minus:
    return parseNumber(literal);
  default:
    return fail("a keyword value (a number, true, false, a string or a list)");
  }
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

mlir::OwningOpRef<mlir::ModuleOp> loom::parseLoomSource(llvm::SourceMgr &sourceMgr,
                                                        mlir::MLIRContext *context) {
  unsigned bufferId = sourceMgr.getMainFileID();
  SourceLocator source(sourceMgr, bufferId, context);
  StringRef buffer = sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  // Some editors start UTF-8 files with a byte order mark; it is not text.
  buffer.consume_front("\xEF\xBB\xBF");
  std::unique_ptr<syntax::Model> model = SyntaxParser(source, buffer).parseFile();
  if (!model)
    return nullptr;
  return elaborate(*model, source);
}
