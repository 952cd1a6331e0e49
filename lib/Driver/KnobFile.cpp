// Reading knob files: syntax checked here, knob names and values by loom-assign-schedules.
#include "lib/Driver/KnobFile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <fmt/format.h>

namespace loom {

mlir::LogicalResult readKnobFile(const std::string &path, llvm::SourceMgr &sources,
                                 mlir::MLIRContext &context, KnobSettings &settings,
                                 std::string &readError) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    readError = "cannot read knob file '" + path + "': " + buffer.getError().message();
    return mlir::failure();
  }
  llvm::StringRef text = (*buffer)->getBuffer();
  sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());

  bool ok = true;
  unsigned lineNumber = 0;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    ++lineNumber;
    llvm::StringRef content = line.split('#').first.rtrim();
    llvm::StringRef entry = content.ltrim();
    if (entry.empty())
      continue;
    // Columns are 1-based and point at the part that is wrong.
    auto at = [&](llvm::StringRef part) {
      unsigned column = static_cast<unsigned>(part.data() - line.data()) + 1;
      return mlir::FileLineColLoc::get(&context, path, lineNumber, column);
    };
    static const char *expected =
        "expected <layer-or-op>.<knob>=<integer>, e.g. conv1.tile_width=8";
    auto [lhs, valueText] = entry.split('=');
    if (lhs.size() == entry.size()) {
      mlir::emitError(at(entry)) << "bad knob '" << entry << "': " << expected;
      ok = false;
      continue;
    }
    llvm::StringRef name = lhs.trim();
    llvm::StringRef value = valueText.trim();
    size_t dot = name.rfind('.');
    if (dot == llvm::StringRef::npos || dot == 0 || dot + 1 == name.size() ||
        llvm::any_of(name, llvm::isSpace)) {
      mlir::emitError(at(entry)) << "bad knob '" << entry << "': " << expected;
      ok = false;
      continue;
    }
    int64_t number;
    if (value.empty() || value.getAsInteger(10, number)) {
      mlir::emitError(at(value.empty() ? entry : value))
          << "knob '" << name << "' needs an integer value, got '" << value << "'";
      ok = false;
      continue;
    }
    settings.knobs.push_back(fmt::format("{}={}", name.str(), number));
    mlir::FileLineColLoc origin = at(name);
    settings.origins.push_back(fmt::format("{}:{}:{}", path, origin.getLine(),
                                           origin.getColumn()));
  }
  return mlir::success(ok);
}

} // namespace loom
