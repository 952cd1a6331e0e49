// The Loom language lexer.
#include "lib/Parse/Lexer.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace loom::parse;

static bool isIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool isDigit(char c) { return c >= '0' && c <= '9'; }
static bool isIdentifierChar(char c) { return isIdentifierStart(c) || isDigit(c); }

/// Long spellings (a runaway identifier, a huge number) are cut in messages.
static std::string quoted(llvm::StringRef spelling) {
  if (spelling.size() > 40)
    return "'" + spelling.take_front(37).str() + "...'";
  return "'" + spelling.str() + "'";
}

std::string loom::parse::describe(TokenKind kind) {
  switch (kind) {
  case TokenKind::EndOfFile: return "end of file";
  case TokenKind::Error: return "an invalid token";
  case TokenKind::Identifier: return "an identifier";
  case TokenKind::Integer: return "an integer";
  case TokenKind::Float: return "a number";
  case TokenKind::String: return "a string";
  case TokenKind::KwModel: return "'model'";
  case TokenKind::KwInput: return "'input'";
  case TokenKind::KwOutput: return "'output'";
  case TokenKind::KwFor: return "'for'";
  case TokenKind::KwIn: return "'in'";
  case TokenKind::KwAs: return "'as'";
  case TokenKind::KwScope: return "'scope'";
  case TokenKind::KwTrue: return "'true'";
  case TokenKind::KwFalse: return "'false'";
  case TokenKind::LeftParen: return "'('";
  case TokenKind::RightParen: return "')'";
  case TokenKind::LeftBracket: return "'['";
  case TokenKind::RightBracket: return "']'";
  case TokenKind::LeftBrace: return "'{'";
  case TokenKind::RightBrace: return "'}'";
  case TokenKind::Comma: return "','";
  case TokenKind::Colon: return "':'";
  case TokenKind::Equal: return "'='";
  case TokenKind::Plus: return "'+'";
  case TokenKind::Star: return "'*'";
  case TokenKind::Minus: return "'-'";
  case TokenKind::Dot: return "'.'";
  case TokenKind::DotDot: return "'..'";
  }
  return "a token";
}

std::string loom::parse::describe(const Token &token) {
  switch (token.kind) {
  case TokenKind::Identifier: return "identifier " + quoted(token.spelling);
  case TokenKind::Integer: return "integer " + quoted(token.spelling);
  case TokenKind::Float: return "number " + quoted(token.spelling);
  case TokenKind::String: return "string " + quoted(token.spelling.drop_front().drop_back());
  case TokenKind::KwModel: case TokenKind::KwInput: case TokenKind::KwOutput:
  case TokenKind::KwFor: case TokenKind::KwIn: case TokenKind::KwAs:
  case TokenKind::KwScope: case TokenKind::KwTrue: case TokenKind::KwFalse:
    return "keyword " + describe(token.kind);
  default: return describe(token.kind);
  }
}

Token Lexer::fail(const char *start, const char *stop, std::string message) {
  error = std::move(message);
  current = stop;
  return Token{TokenKind::Error, llvm::StringRef(start, stop - start)};
}

Token Lexer::lex() {
  // Skip whitespace and comments.
  while (current != end) {
    char c = *current;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++current;
    } else if (c == '#') {
      while (current != end && *current != '\n')
        ++current;
    } else {
      break;
    }
  }
  const char *start = current;
  if (current == end)
    return make(TokenKind::EndOfFile, start);

  char c = *current++;
  if (isIdentifierStart(c))
    return lexIdentifier(start);
  if (isDigit(c))
    return lexNumber(start);
  switch (c) {
  case '"': return lexString(start);
  case '(': return make(TokenKind::LeftParen, start);
  case ')': return make(TokenKind::RightParen, start);
  case '[': return make(TokenKind::LeftBracket, start);
  case ']': return make(TokenKind::RightBracket, start);
  case '{': return make(TokenKind::LeftBrace, start);
  case '}': return make(TokenKind::RightBrace, start);
  case ',': return make(TokenKind::Comma, start);
  case ':': return make(TokenKind::Colon, start);
  case '=': return make(TokenKind::Equal, start);
  case '+': return make(TokenKind::Plus, start);
  case '*': return make(TokenKind::Star, start);
  case '-': return make(TokenKind::Minus, start);
  case '.':
    if (current != end && *current == '.') {
      ++current;
      return make(TokenKind::DotDot, start);
    }
    return make(TokenKind::Dot, start);
  default:
    break;
  }

  std::string message;
  llvm::raw_string_ostream os(message);
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f)
    os << "unexpected character '" << c << "'";
  else
    os << "unexpected byte 0x" << llvm::format_hex_no_prefix(byte, 2)
       << (byte >= 0x80 ? " (identifiers are ASCII; non-ASCII text may only "
                          "appear in comments and strings)"
                        : "");
  return fail(start, current, os.str());
}

Token Lexer::lexIdentifier(const char *start) {
  while (current != end && isIdentifierChar(*current))
    ++current;
  llvm::StringRef spelling(start, current - start);
  TokenKind kind = llvm::StringSwitch<TokenKind>(spelling)
                       .Case("model", TokenKind::KwModel)
                       .Case("input", TokenKind::KwInput)
                       .Case("output", TokenKind::KwOutput)
                       .Case("for", TokenKind::KwFor)
                       .Case("in", TokenKind::KwIn)
                       .Case("as", TokenKind::KwAs)
                       .Case("scope", TokenKind::KwScope)
                       .Case("true", TokenKind::KwTrue)
                       .Case("false", TokenKind::KwFalse)
                       .Default(TokenKind::Identifier);
  return make(kind, start);
}

Token Lexer::lexNumber(const char *start) {
  auto digits = [&] {
    while (current != end && isDigit(*current))
      ++current;
  };
  digits();
  bool isFloat = false;
  // A fraction needs a digit after the dot, so that `0..2` is a range and
  // `blocks.0.conv` a path.
  if (current + 1 < end && current[0] == '.' && isDigit(current[1])) {
    ++current;
    digits();
    isFloat = true;
  }
  if (current != end && (*current == 'e' || *current == 'E')) {
    const char *exponent = current + 1;
    if (exponent != end && (*exponent == '+' || *exponent == '-'))
      ++exponent;
    if (exponent != end && isDigit(*exponent)) {
      current = exponent;
      digits();
      isFloat = true;
    }
  }
  // `2x` or `1e` is a malformed number, not a number next to an identifier.
  if (current != end && isIdentifierChar(*current)) {
    const char *stop = current;
    while (stop != end && isIdentifierChar(*stop))
      ++stop;
    return fail(start, stop,
                "invalid number '" + std::string(start, stop - start) + "'");
  }
  return make(isFloat ? TokenKind::Float : TokenKind::Integer, start);
}

Token Lexer::lexString(const char *start) {
  while (current != end && *current != '"' && *current != '\n')
    ++current;
  if (current == end || *current == '\n')
    return fail(start, start + 1, "unterminated string (strings end on the line "
                                  "they start)");
  ++current;
  return make(TokenKind::String, start);
}
