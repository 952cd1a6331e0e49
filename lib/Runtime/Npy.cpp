// .npy: magic, version, a Python-dict header ({'descr', 'fortran_order', 'shape'}), raw data.
#include "Npy.h"

#include <cstring>
#include <string_view>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .npy reader converts little-endian data by memcpy");

namespace loom::runtime {

namespace {

// Parses the header dict, a Python literal. Only what numpy's writer produces (and what
// a hand-written header reasonably contains) is accepted.
class NpyHeaderParser {
public:
  NpyHeaderParser(std::string_view text, const std::string &sourceName)
      : text_(text), sourceName_(sourceName) {}

  void parse(std::string &descr, bool &fortranOrder, std::vector<int64_t> &shape) {
    expect('{', "the header must be a Python dict");
    bool sawDescr = false, sawFortranOrder = false, sawShape = false;
    while (!consume('}')) {
      std::string key = parseString();
      expect(':', "expected ':'");
      bool *seen = key == "descr"           ? &sawDescr
                   : key == "fortran_order" ? &sawFortranOrder
                   : key == "shape"         ? &sawShape
                                            : nullptr;
      if (!seen || *seen)
        error(formatString("%s key '%s'", seen ? "duplicate" : "unexpected", key.c_str()));
      *seen = true;
      if (key == "descr") {
        skipWhitespace();
        if (peek() != '\'' && peek() != '"')
          error("structured dtypes are not supported ('descr' must be a string such as '<f4')");
        descr = parseString();
      } else if (key == "fortran_order") {
        fortranOrder = parseBoolean();
      } else {
        shape = parseShape();
      }
      if (!consume(',')) {
        expect('}', "expected ',' or '}'");
        break;
      }
    }
    skipWhitespace();
    if (position_ != text_.size())
      error("unexpected text after the header dict");
    if (!sawDescr || !sawFortranOrder || !sawShape)
      error("the header dict needs 'descr', 'fortran_order' and 'shape'");
  }

private:
  [[noreturn]] void error(const std::string &what) {
    fail(LOOM_ERROR_IO, formatString("%s: invalid .npy header: %s", sourceName_.c_str(),
                                     what.c_str()));
  }
  int peek() const { return position_ < text_.size() ? uint8_t(text_[position_]) : -1; }
  void skipWhitespace() {
    for (int c = peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek())
      ++position_;
  }
  bool consume(char expected) {
    skipWhitespace();
    if (peek() != uint8_t(expected))
      return false;
    ++position_;
    return true;
  }
  void expect(char expected, const char *message) {
    if (!consume(expected))
      error(message);
  }
  bool consumeWord(std::string_view word) {
    skipWhitespace();
    if (text_.substr(position_, word.size()) != word)
      return false;
    position_ += word.size();
    return true;
  }

  std::string parseString() {
    skipWhitespace();
    int quote = peek();
    if (quote != '\'' && quote != '"')
      error("expected a quoted string");
    size_t end = text_.find(char(quote), position_ + 1);
    if (end == std::string_view::npos)
      error("unterminated string");
    std::string value(text_.substr(position_ + 1, end - position_ - 1));
    if (value.find('\\') != std::string::npos)
      error("escapes in strings are not supported");
    position_ = end + 1;
    return value;
  }

  bool parseBoolean() {
    if (consumeWord("True"))
      return true;
    if (consumeWord("False"))
      return false;
    error("'fortran_order' must be True or False");
  }

  std::vector<int64_t> parseShape() {
    expect('(', "'shape' must be a tuple of integers");
    std::vector<int64_t> shape;
    bool trailingComma = false;
    while (!consume(')')) {
      skipWhitespace();
      if (peek() < '0' || peek() > '9')
        error("'shape' must be a tuple of non-negative integers");
      int64_t extent = 0;
      for (int c = peek(); c >= '0' && c <= '9'; c = peek()) {
        if (extent > (INT64_MAX - (c - '0')) / 10)
          error("'shape' entry is too large");
        extent = extent * 10 + (c - '0');
        ++position_;
      }
      if (peek() == 'L') // Python 2's numpy wrote longs as "3L"
        ++position_;
      shape.push_back(extent);
      trailingComma = consume(',');
      if (!trailingComma) {
        expect(')', "expected ',' or ')' in 'shape'");
        break;
      }
    }
    if (shape.size() == 1 && !trailingComma)
      error("'shape' must be a tuple such as (3,)");
    return shape;
  }

  std::string_view text_;
  const std::string &sourceName_;
  size_t position_ = 0;
};

} // namespace

NpyArray parseNpy(const uint8_t *data, size_t size, const std::string &displayName) {
  const char *source = displayName.c_str();
  static const uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || !data || std::memcmp(data, kMagic, 6) != 0)
    fail(LOOM_ERROR_IO, formatString("%s: not a .npy file (missing the \\x93NUMPY magic)", source));
  int major = data[6], minor = data[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail(LOOM_ERROR_IO,
         formatString("%s: unsupported .npy format version %d.%d", source, major, minor));
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (size < 8 + lengthBytes)
    fail(LOOM_ERROR_IO, formatString("%s: truncated .npy header", source));
  uint64_t headerSize = 0;
  for (size_t i = lengthBytes; i-- > 0;)
    headerSize = (headerSize << 8) | data[8 + i];
  size_t dataStart = 8 + lengthBytes;
  if (headerSize > size - dataStart)
    fail(LOOM_ERROR_IO,
         formatString("%s: truncated .npy header (%llu header bytes declared, %zu present)",
                      source, (unsigned long long)headerSize, size - dataStart));
  std::string_view header(reinterpret_cast<const char *>(data + dataStart), size_t(headerSize));
  dataStart += size_t(headerSize);

  NpyArray array;
  bool fortranOrder = false;
  NpyHeaderParser(header, displayName).parse(array.fileDtype, fortranOrder, array.shape);
  const std::string &descr = array.fileDtype;
  if (fortranOrder)
    fail(LOOM_ERROR_IO, formatString("%s: Fortran-order arrays are not supported; save a C-order "
                                     "array (numpy.ascontiguousarray)",
                                     source));
  size_t itemSize = descr == "<f4" || descr == "<i4" ? 4 : descr == "<f8" || descr == "<i8" ? 8 : 0;
  if (itemSize == 0)
    fail(LOOM_ERROR_IO, formatString("%s: unsupported dtype '%s' (supported: <f4, <f8, <i4, <i8)",
                                     source, descr.c_str()));
  array.dtype = descr[1] == 'f' ? LOOM_F32 : LOOM_I32;

  uint64_t expectedBytes = 0;
  if (!checkedByteCount(array.shape, itemSize, expectedBytes))
    fail(LOOM_ERROR_IO,
         formatString("%s: shape %s is too large", source, formatShape(array.shape).c_str()));
  uint64_t presentBytes = size - dataStart;
  if (presentBytes != expectedBytes)
    fail(LOOM_ERROR_IO,
         formatString("%s: %s: shape %s of %s needs %llu data bytes, the file has %llu", source,
                      presentBytes < expectedBytes ? "truncated" : "trailing bytes",
                      formatShape(array.shape).c_str(), descr.c_str(),
                      (unsigned long long)expectedBytes, (unsigned long long)presentBytes));

  size_t count = size_t(expectedBytes / itemSize);
  const uint8_t *elements = data + dataStart;
  array.bytes.resize(count * 4);
  if (itemSize == 4) {
    if (count)
      std::memcpy(array.bytes.data(), elements, count * 4);
  } else if (array.dtype == LOOM_F32) {
    float *out = reinterpret_cast<float *>(array.bytes.data());
    for (size_t i = 0; i < count; ++i) {
      double value;
      std::memcpy(&value, elements + 8 * i, 8);
      out[i] = float(value); // rounds; values beyond the float range become +-inf
    }
  } else {
    int32_t *out = reinterpret_cast<int32_t *>(array.bytes.data());
    for (size_t i = 0; i < count; ++i) {
      int64_t value;
      std::memcpy(&value, elements + 8 * i, 8);
      if (value < INT32_MIN || value > INT32_MAX)
        fail(LOOM_ERROR_IO,
             formatString("%s: element %zu (%lld) does not fit in int32", source, i,
                          (long long)value));
      out[i] = int32_t(value);
    }
  }
  return array;
}

NpyArray readNpy(const std::string &path) {
  MappedFile file(path);
  return parseNpy(file.data(), file.size(), path);
}

std::vector<uint8_t> serializeNpy(loom_dtype dtype, const std::vector<int64_t> &shape,
                                  const void *data) {
  uint64_t byteCount = 0;
  if (!checkedByteCount(shape, 4, byteCount) || (byteCount && !data))
    fail(LOOM_ERROR_INVALID_ARGUMENT, "serializeNpy: invalid shape or data");
  std::string shapeText = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    shapeText += (i ? ", " : "") + std::to_string(shape[i]);
  shapeText += shape.size() == 1 ? ",)" : ")";
  std::string header = formatString("{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                                    dtype == LOOM_F32 ? "<f4" : "<i4", shapeText.c_str());
  // numpy pads so that the data starts at a multiple of 64 bytes, ending with '\n'.
  int major = header.size() + 11 + 63 > 0xFFFF ? 2 : 1;
  size_t prefixSize = major == 1 ? 10 : 12;
  header.append((64 - (prefixSize + header.size() + 1) % 64) % 64, ' ');
  header += '\n';

  std::vector<uint8_t> image(prefixSize + header.size() + byteCount);
  const uint8_t prefix[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  std::memcpy(image.data(), prefix, 8);
  for (size_t i = 0; i < prefixSize - 8; ++i)
    image[8 + i] = uint8_t(uint64_t(header.size()) >> (8 * i));
  std::memcpy(image.data() + prefixSize, header.data(), header.size());
  if (byteCount)
    std::memcpy(image.data() + prefixSize + header.size(), data, byteCount);
  return image;
}

void writeNpy(const std::string &path, loom_dtype dtype, const std::vector<int64_t> &shape,
              const void *data) {
  std::vector<uint8_t> image = serializeNpy(dtype, shape, data);
  writeFileAtomically(path, image.data(), image.size());
}

} // namespace loom::runtime
