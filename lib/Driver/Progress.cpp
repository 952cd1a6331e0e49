// The progress display of loomc: phase lines, or a ticking status line on a
// terminal.
#include "lib/Driver/Progress.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <unistd.h>

namespace loom {

namespace {

/// Writes straight to fd 2: the ticker thread must not share llvm::errs()'s
/// state with the main thread.
void writeStderr(const std::string &text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t written = ::write(2, text.data() + done, text.size() - done);
    if (written <= 0)
      return;
    done += static_cast<size_t>(written);
  }
}

bool stderrIsTerminal() {
  const char *term = getenv("TERM");
  return isatty(2) && !(term && std::strcmp(term, "dumb") == 0);
}

} // namespace

std::optional<ProgressMode> parseProgressMode(llvm::StringRef text) {
  if (text == "auto")
    return stderrIsTerminal() ? ProgressMode::Live : ProgressMode::Off;
  if (text == "lines")
    return ProgressMode::Lines;
  if (text == "live")
    return ProgressMode::Live;
  if (text == "off")
    return ProgressMode::Off;
  return std::nullopt;
}

Progress::Progress(ProgressMode mode) : mode(mode) {
  if (mode != ProgressMode::Live)
    return;
  ticker = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      // A quarter second: smooth enough for a clock with one decimal.
      wake.wait_for(lock, std::chrono::milliseconds(250));
      if (!stopping && !current.empty())
        draw(lock);
    }
  });
}

Progress::~Progress() {
  if (ticker.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    ticker.join();
  }
  clear();
}

double Progress::elapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Progress::draw(std::unique_lock<std::mutex> &) {
  // \r and "erase to end of line" rewrite the status line in place.
  writeStderr(fmt::format("\r\033[K[loomc {:.1f}s] {}", elapsedSeconds(), current));
  shown = true;
}

mlir::TimingScope Progress::phase(mlir::TimingScope &parent, llvm::StringRef name,
                                  llvm::StringRef description) {
  if (mode == ProgressMode::Lines) {
    writeStderr(fmt::format("[loomc {:.1f}s] {}\n", elapsedSeconds(), description.str()));
  } else if (mode == ProgressMode::Live) {
    std::unique_lock<std::mutex> lock(mutex);
    current = description.str();
    draw(lock);
  }
  return parent.nest(name);
}

void Progress::clear() {
  if (mode != ProgressMode::Live)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  current.clear();
  if (shown)
    writeStderr("\r\033[K");
  shown = false;
}

} // namespace loom
