// safetensors: a strict parser for the header's JSON subset, layout validation, and a writer.
//
// Layout: 8-byte little-endian header length N, N bytes of JSON, then the data section.
// The JSON is an object whose members are tensors {"dtype", "shape", "data_offsets"} plus
// an optional "__metadata__" object of strings; offsets are relative to the data section.
#include "Safetensors.h"

#include <algorithm>
#include <cstring>

namespace loom::runtime {

namespace {

struct DtypeInfo {
  const char *name;
  size_t size;
};

// Every dtype the safetensors specification defines is recognised, so that a file with
// F16 weights is reported as "F16, expected F32" instead of as a corrupt file.
constexpr DtypeInfo kDtypes[] = {
    {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2},
    {"U16", 2},  {"F16", 2}, {"BF16", 2}, {"I32", 4},    {"U32", 4},     {"F32", 4},
    {"F64", 8},  {"I64", 8}, {"U64", 8},
};

// The reference implementation refuses headers above 100 MB; so do we, so that a corrupt
// length cannot make us scan gigabytes of tensor data as JSON.
constexpr uint64_t kMaxHeaderSize = 100u << 20;

class HeaderParser {
public:
  HeaderParser(std::string_view text, const std::string &sourceName)
      : text_(text), sourceName_(sourceName) {}

  void parse(std::vector<SafetensorsTensor> &tensors,
             std::vector<std::pair<std::string, std::string>> &metadata) {
    expect('{', "the header must be a JSON object");
    bool sawMetadata = false;
    if (!consume('}')) {
      do {
        std::string name = parseString();
        expect(':', "expected ':'");
        if (name == "__metadata__") {
          if (sawMetadata)
            syntaxError("duplicate \"__metadata__\"");
          sawMetadata = true;
          parseMetadata(metadata);
        } else {
          tensors.push_back(parseTensor(std::move(name)));
        }
      } while (consume(','));
      expect('}', "expected ',' or '}'");
    }
    skipWhitespace();
    if (position_ != text_.size())
      syntaxError("unexpected text after the header object");
  }

private:
  [[noreturn]] void syntaxError(const std::string &what) {
    fail(LOOM_ERROR_WEIGHTS,
         formatString("%s: invalid safetensors header: %s at byte %zu of the header",
                      sourceName_.c_str(), what.c_str(), position_));
  }
  [[noreturn]] void tensorError(const std::string &tensor, const std::string &what) {
    fail(LOOM_ERROR_WEIGHTS, formatString("%s: tensor '%s': %s", sourceName_.c_str(),
                                          tensor.c_str(), what.c_str()));
  }

  void skipWhitespace() {
    for (int c = peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek())
      ++position_;
  }
  bool consume(char expected) {
    skipWhitespace();
    if (position_ < text_.size() && text_[position_] == expected) {
      ++position_;
      return true;
    }
    return false;
  }
  void expect(char expected, const char *message) {
    if (!consume(expected))
      syntaxError(message);
  }
  int peek() const { return position_ < text_.size() ? uint8_t(text_[position_]) : -1; }

  unsigned parseHexQuad() {
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      int c = peek();
      int digit = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
      if (digit < 0)
        syntaxError("bad \\u escape");
      value = value * 16 + unsigned(digit);
      ++position_;
    }
    return value;
  }

  static void appendUtf8(std::string &out, unsigned codePoint) {
    if (codePoint < 0x80) {
      out += char(codePoint);
    } else if (codePoint < 0x800) {
      out += char(0xC0 | (codePoint >> 6));
      out += char(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
      out += char(0xE0 | (codePoint >> 12));
      out += char(0x80 | ((codePoint >> 6) & 0x3F));
      out += char(0x80 | (codePoint & 0x3F));
    } else {
      out += char(0xF0 | (codePoint >> 18));
      out += char(0x80 | ((codePoint >> 12) & 0x3F));
      out += char(0x80 | ((codePoint >> 6) & 0x3F));
      out += char(0x80 | (codePoint & 0x3F));
    }
  }

  // Copies one well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates).
  void copyUtf8Sequence(std::string &out) {
    int lead = peek();
    int length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                 : lead >= 0xF0 && lead <= 0xF4                                   ? 4
                                                                                  : 0;
    if (length == 0)
      syntaxError("invalid UTF-8 in string");
    int secondLow = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    int secondHigh = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    for (int i = 1; i < length; ++i) {
      int c = position_ + i < text_.size() ? uint8_t(text_[position_ + i]) : -1;
      if (c < (i == 1 ? secondLow : 0x80) || c > (i == 1 ? secondHigh : 0xBF))
        syntaxError("invalid UTF-8 in string");
    }
    out.append(text_.substr(position_, size_t(length)));
    position_ += size_t(length);
  }

  std::string parseString() {
    if (!consume('"'))
      syntaxError("expected a string");
    std::string value;
    for (;;) {
      int c = peek();
      if (c < 0)
        syntaxError("unterminated string");
      if (c == '"') {
        ++position_;
        return value;
      }
      if (c < 0x20)
        syntaxError("control character in string");
      if (c >= 0x80) {
        copyUtf8Sequence(value);
        continue;
      }
      ++position_;
      if (c != '\\') {
        value += char(c);
        continue;
      }
      int escape = peek();
      ++position_;
      switch (escape) {
      case '"': value += '"'; break;
      case '\\': value += '\\'; break;
      case '/': value += '/'; break;
      case 'b': value += '\b'; break;
      case 'f': value += '\f'; break;
      case 'n': value += '\n'; break;
      case 'r': value += '\r'; break;
      case 't': value += '\t'; break;
      case 'u': {
        unsigned codePoint = parseHexQuad();
        if (codePoint >= 0xDC00 && codePoint <= 0xDFFF)
          syntaxError("unpaired surrogate in \\u escape");
        if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
          if (peek() != '\\' || position_ + 1 >= text_.size() || text_[position_ + 1] != 'u')
            syntaxError("unpaired surrogate in \\u escape");
          position_ += 2;
          unsigned low = parseHexQuad();
          if (low < 0xDC00 || low > 0xDFFF)
            syntaxError("unpaired surrogate in \\u escape");
          codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(value, codePoint);
        break;
      }
      default:
        --position_;
        syntaxError("invalid escape in string");
      }
    }
  }

  // JSON integers only: shapes and offsets never have signs, fractions or exponents.
  uint64_t parseNonNegativeInteger(const std::string &tensor, const char *field) {
    skipWhitespace();
    int c = peek();
    if (c < '0' || c > '9')
      tensorError(tensor, formatString("\"%s\" must hold non-negative integers", field));
    if (c == '0' && position_ + 1 < text_.size() && text_[position_ + 1] >= '0' &&
        text_[position_ + 1] <= '9')
      syntaxError("leading zero in number");
    uint64_t value = 0;
    while ((c = peek()) >= '0' && c <= '9') {
      if (value > (uint64_t(INT64_MAX) - uint64_t(c - '0')) / 10)
        tensorError(tensor, formatString("integer in \"%s\" is too large", field));
      value = value * 10 + uint64_t(c - '0');
      ++position_;
    }
    if (c == '.' || c == 'e' || c == 'E')
      tensorError(tensor, formatString("\"%s\" must hold non-negative integers", field));
    return value;
  }

  std::vector<uint64_t> parseIntegerArray(const std::string &tensor, const char *field) {
    if (!consume('['))
      tensorError(tensor, formatString("\"%s\" must be an array of integers", field));
    std::vector<uint64_t> values;
    if (consume(']'))
      return values;
    do
      values.push_back(parseNonNegativeInteger(tensor, field));
    while (consume(','));
    expect(']', "expected ',' or ']'");
    return values;
  }

  SafetensorsTensor parseTensor(std::string name) {
    SafetensorsTensor tensor;
    tensor.name = std::move(name);
    if (!consume('{'))
      tensorError(tensor.name, "expected an object with \"dtype\", \"shape\", \"data_offsets\"");
    bool sawDtype = false, sawShape = false, sawOffsets = false;
    std::vector<uint64_t> offsets;
    if (!consume('}')) {
      do {
        std::string key = parseString();
        expect(':', "expected ':'");
        bool *seen = key == "dtype"          ? &sawDtype
                     : key == "shape"        ? &sawShape
                     : key == "data_offsets" ? &sawOffsets
                                             : nullptr;
        if (!seen)
          tensorError(tensor.name, formatString("unexpected key \"%s\"", key.c_str()));
        if (*seen)
          tensorError(tensor.name, formatString("duplicate key \"%s\"", key.c_str()));
        *seen = true;
        if (key == "dtype") {
          skipWhitespace();
          if (peek() != '"')
            tensorError(tensor.name, "\"dtype\" must be a string");
          tensor.dtype = parseString();
        } else if (key == "shape") {
          for (uint64_t extent : parseIntegerArray(tensor.name, "shape"))
            tensor.shape.push_back(int64_t(extent));
        } else {
          offsets = parseIntegerArray(tensor.name, "data_offsets");
        }
      } while (consume(','));
      expect('}', "expected ',' or '}'");
    }
    for (auto [seen, key] : {std::pair{sawDtype, "dtype"}, std::pair{sawShape, "shape"},
                             std::pair{sawOffsets, "data_offsets"}})
      if (!seen)
        tensorError(tensor.name, formatString("missing \"%s\"", key));
    if (offsets.size() != 2)
      tensorError(tensor.name, "\"data_offsets\" must be [begin, end]");
    tensor.dataBegin = offsets[0];
    tensor.dataEnd = offsets[1];
    return tensor;
  }

  void parseMetadata(std::vector<std::pair<std::string, std::string>> &metadata) {
    expect('{', "\"__metadata__\" must be an object of strings");
    if (consume('}'))
      return;
    do {
      std::string key = parseString();
      expect(':', "expected ':'");
      skipWhitespace();
      if (peek() != '"')
        syntaxError(formatString("\"__metadata__\" value of \"%s\" must be a string", key.c_str()));
      metadata.emplace_back(std::move(key), parseString());
    } while (consume(','));
    expect('}', "expected ',' or '}'");
  }

  std::string_view text_;
  const std::string &sourceName_;
  size_t position_ = 0;
};

void appendJsonString(std::string &out, const std::string &value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\')
      (out += '\\') += c;
    else if (uint8_t(c) < 0x20)
      out += formatString("\\u%04x", unsigned(uint8_t(c)));
    else
      out += c;
  }
  out += '"';
}

} // namespace

size_t safetensorsElementSize(std::string_view dtype) {
  for (const DtypeInfo &info : kDtypes)
    if (dtype == info.name)
      return info.size;
  return 0;
}

std::unique_ptr<SafetensorsFile> SafetensorsFile::open(const std::string &path) {
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->sourceName_ = path;
  file->mapping_ = std::make_unique<MappedFile>(path);
  file->parse(file->mapping_->data(), file->mapping_->size());
  return file;
}

std::unique_ptr<SafetensorsFile> SafetensorsFile::fromMemory(const void *data, size_t size,
                                                             const std::string &displayName) {
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->sourceName_ = displayName;
  file->parse(static_cast<const uint8_t *>(data), size);
  return file;
}

const SafetensorsTensor *SafetensorsFile::find(std::string_view name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const SafetensorsTensor &t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

std::string parameterProblem(const SafetensorsFile &weights, const loom_tensor_desc &expected) {
  const char *dtype = expected.dtype == LOOM_F32 ? "F32" : "I32";
  std::vector<int64_t> shape(expected.shape, expected.shape + expected.rank);
  const char *source = weights.sourceName().c_str();
  const SafetensorsTensor *found = weights.find(expected.name);
  if (!found)
    return formatString("tensor '%s' is missing from %s (the model expects %s %s)",
                        expected.name, source, dtype, formatShape(shape).c_str());
  if (found->dtype != dtype)
    return formatString("tensor '%s' in %s has dtype %s but the model expects %s",
                        expected.name, source, found->dtype.c_str(), dtype);
  if (found->shape != shape)
    return formatString("tensor '%s' in %s has shape %s but the model expects %s",
                        expected.name, source, formatShape(found->shape).c_str(),
                        formatShape(shape).c_str());
  return "";
}

void SafetensorsFile::parse(const uint8_t *data, size_t size) {
  const char *source = sourceName_.c_str();
  if (size < 8 || !data)
    fail(LOOM_ERROR_WEIGHTS,
         formatString("%s: file too small (%zu bytes) to hold a safetensors header", source, size));
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | data[i];
  if (headerSize > size - 8)
    fail(LOOM_ERROR_WEIGHTS,
         formatString("%s: header length %llu exceeds the file size (%zu bytes); the file is "
                      "truncated or not a safetensors file",
                      source, (unsigned long long)headerSize, size));
  if (headerSize > kMaxHeaderSize)
    fail(LOOM_ERROR_WEIGHTS, formatString("%s: header length %llu exceeds the 100 MB limit",
                                          source, (unsigned long long)headerSize));
  std::string_view headerText(reinterpret_cast<const char *>(data + 8), size_t(headerSize));
  HeaderParser(headerText, sourceName_).parse(tensors_, metadata_);

  const uint8_t *dataSection = data + 8 + headerSize;
  uint64_t dataSectionSize = size - 8 - headerSize;
  for (SafetensorsTensor &tensor : tensors_) {
    auto tensorError = [&](const std::string &what) {
      fail(LOOM_ERROR_WEIGHTS,
           formatString("%s: tensor '%s': %s", source, tensor.name.c_str(), what.c_str()));
    };
    tensor.elementSize = safetensorsElementSize(tensor.dtype);
    if (tensor.elementSize == 0)
      tensorError(formatString("unknown dtype '%s'", tensor.dtype.c_str()));
    uint64_t expectedBytes = 0;
    if (!checkedByteCount(tensor.shape, tensor.elementSize, expectedBytes))
      tensorError(formatString("shape %s is too large", formatShape(tensor.shape).c_str()));
    std::string offsets = formatString("[%llu, %llu]", (unsigned long long)tensor.dataBegin,
                                       (unsigned long long)tensor.dataEnd);
    if (tensor.dataBegin > tensor.dataEnd)
      tensorError(formatString("data_offsets %s end before they begin", offsets.c_str()));
    if (tensor.dataEnd > dataSectionSize)
      tensorError(formatString("data_offsets %s lie outside the data section (%llu bytes)",
                               offsets.c_str(), (unsigned long long)dataSectionSize));
    if (tensor.byteSize() != expectedBytes)
      tensorError(formatString("data_offsets %s hold %llu bytes but shape %s of %s needs %llu",
                               offsets.c_str(), (unsigned long long)tensor.byteSize(),
                               formatShape(tensor.shape).c_str(), tensor.dtype.c_str(),
                               (unsigned long long)expectedBytes));
    tensor.data = dataSection + tensor.dataBegin;
  }

  std::sort(tensors_.begin(), tensors_.end(),
            [](const SafetensorsTensor &a, const SafetensorsTensor &b) { return a.name < b.name; });
  for (size_t i = 1; i < tensors_.size(); ++i)
    if (tensors_[i].name == tensors_[i - 1].name)
      fail(LOOM_ERROR_WEIGHTS, formatString("%s: tensor '%s' appears twice in the header", source,
                                            tensors_[i].name.c_str()));

  // Overlap check: walk non-empty tensors by start offset, remembering the one that
  // reaches furthest so far.
  std::vector<const SafetensorsTensor *> byOffset;
  for (const SafetensorsTensor &tensor : tensors_)
    if (tensor.byteSize() > 0)
      byOffset.push_back(&tensor);
  std::sort(byOffset.begin(), byOffset.end(), [](auto *a, auto *b) {
    return a->dataBegin != b->dataBegin ? a->dataBegin < b->dataBegin : a->name < b->name;
  });
  const SafetensorsTensor *furthest = nullptr;
  for (const SafetensorsTensor *tensor : byOffset) {
    if (furthest && tensor->dataBegin < furthest->dataEnd)
      fail(LOOM_ERROR_WEIGHTS,
           formatString("%s: tensor '%s' (bytes [%llu, %llu)) overlaps tensor '%s' (bytes "
                        "[%llu, %llu))",
                        source, tensor->name.c_str(), (unsigned long long)tensor->dataBegin,
                        (unsigned long long)tensor->dataEnd, furthest->name.c_str(),
                        (unsigned long long)furthest->dataBegin,
                        (unsigned long long)furthest->dataEnd));
    if (!furthest || tensor->dataEnd > furthest->dataEnd)
      furthest = tensor;
  }
}

std::vector<uint8_t> serializeSafetensors(
    const std::vector<SafetensorsTensorData> &tensors,
    const std::vector<std::pair<std::string, std::string>> &metadata) {
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (size_t i = 0; i < metadata.size(); ++i) {
      if (i)
        header += ',';
      appendJsonString(header, metadata[i].first);
      header += ':';
      appendJsonString(header, metadata[i].second);
    }
    header += '}';
  }
  uint64_t offset = 0;
  std::vector<uint64_t> sizes;
  for (const SafetensorsTensorData &tensor : tensors) {
    size_t elementSize = safetensorsElementSize(tensor.dtype);
    uint64_t bytes = 0;
    if (elementSize == 0)
      fail(LOOM_ERROR_INVALID_ARGUMENT, formatString("tensor '%s': unknown dtype '%s'",
                                                     tensor.name.c_str(), tensor.dtype.c_str()));
    if (!checkedByteCount(tensor.shape, elementSize, bytes) || (bytes && !tensor.data))
      fail(LOOM_ERROR_INVALID_ARGUMENT,
           formatString("tensor '%s': invalid shape or data", tensor.name.c_str()));
    if (header.size() > 1)
      header += ',';
    appendJsonString(header, tensor.name);
    header += ":{\"dtype\":";
    appendJsonString(header, tensor.dtype);
    header += ",\"shape\":[";
    for (size_t i = 0; i < tensor.shape.size(); ++i)
      header += (i ? "," : "") + std::to_string(tensor.shape[i]);
    header += formatString("],\"data_offsets\":[%llu,%llu]}", (unsigned long long)offset,
                           (unsigned long long)(offset + bytes));
    offset += bytes;
    sizes.push_back(bytes);
  }
  header += '}';
  header.append((8 - header.size() % 8) % 8, ' ');

  std::vector<uint8_t> image(8 + header.size() + offset);
  for (int i = 0; i < 8; ++i)
    image[size_t(i)] = uint8_t(uint64_t(header.size()) >> (8 * i));
  std::memcpy(image.data() + 8, header.data(), header.size());
  uint8_t *out = image.data() + 8 + header.size();
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (sizes[i])
      std::memcpy(out, tensors[i].data, sizes[i]);
    out += sizes[i];
  }
  return image;
}

void writeSafetensors(const std::string &path, const std::vector<SafetensorsTensorData> &tensors,
                      const std::vector<std::pair<std::string, std::string>> &metadata) {
  std::vector<uint8_t> image = serializeSafetensors(tensors, metadata);
  writeFileAtomically(path, image.data(), image.size());
}

} // namespace loom::runtime
