// Tokens of the Loom language and the hand-written lexer that produces them.
#ifndef LOOM_PARSE_LEXER_H
#define LOOM_PARSE_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <string>

namespace loom::parse {

enum class TokenKind {
  EndOfFile,
  Error, // a lexical error; Lexer::errorMessage() says what is wrong
  Identifier,
  Integer, // decimal digits, no sign: the parser applies a leading `-`
  Float,   // digits with a fraction and/or an exponent
  String,  // "...", spelling includes the quotes
  // Reserved words.
  KwModel,
  KwInput,
  KwOutput,
  KwFor,
  KwIn,
  KwAs,
  KwScope,
  KwTrue,
  KwFalse,
  // Punctuation.
  LeftParen,
  RightParen,
  LeftBracket,
  RightBracket,
  LeftBrace,
  RightBrace,
  Comma,
  Colon,
  Equal,
  Plus,
  Star,
  Minus,
  Dot,
  DotDot,
};

struct Token {
  TokenKind kind = TokenKind::EndOfFile;
  llvm::StringRef spelling;

  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(spelling.data()); }
  bool is(TokenKind other) const { return kind == other; }
  /// The contents of a string token, without its quotes.
  llvm::StringRef stringValue() const { return spelling.drop_front().drop_back(); }
};

/// How a token reads in "expected X, got Y" messages: `identifier 'foo'`,
/// `'('`, `end of file`.
std::string describe(const Token &token);
/// How a kind reads in "expected X" messages: `an identifier`, `')'`.
std::string describe(TokenKind kind);

/// Splits a buffer into tokens. Whitespace (including newlines) and `#`
/// comments separate tokens and are otherwise ignored. The lexer never reads
/// past `end`, so buffers may hold any bytes, NUL included.
class Lexer {
public:
  Lexer(const char *begin, const char *end) : current(begin), end(end) {}

  Token lex();
  /// The kind of the token after the next one, without consuming anything.
  TokenKind peekKind() const {
    Lexer copy = *this;
    return copy.lex().kind;
  }
  /// Why the last Error token was produced.
  const std::string &errorMessage() const { return error; }

private:
  Token make(TokenKind kind, const char *start) {
    return Token{kind, llvm::StringRef(start, current - start)};
  }
  Token fail(const char *start, const char *stop, std::string message);
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  Token lexIdentifier(const char *start);

  const char *current;
  const char *end;
  std::string error;
};

} // namespace loom::parse

#endif // LOOM_PARSE_LEXER_H
