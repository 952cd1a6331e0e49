// The phases of a loomc run: each one a scope of the --time-passes tree and a
// line of the progress display.
#ifndef LOOM_DRIVER_PROGRESS_H
#define LOOM_DRIVER_PROGRESS_H

#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <condition_variable>
#include <optional>
#include <mutex>
#include <string>
#include <thread>

namespace loom {

/// How loomc shows its progress on stderr.
enum class ProgressMode {
  Off,   // nothing
  Lines, // one line per phase as it starts (logs, CI, tests)
  Live,  // one status line rewritten in place, ticking, erased at the end (a terminal)
};

/// "auto" (Live when stderr is a terminal, else Off), "lines", "live" or
/// "off"; nullopt for anything else.
std::optional<ProgressMode> parseProgressMode(llvm::StringRef text);

/// Announces the phases of a compilation. Every phase is also a timing
/// scope nested under `parent`, so --time-passes and the progress display
/// name the same steps.
class Progress {
public:
  explicit Progress(ProgressMode mode);
  ~Progress();
  Progress(const Progress &) = delete;
  Progress &operator=(const Progress &) = delete;

  /// Starts a phase: shows `description` and returns the timing scope named
  /// `name`, nested under `parent` (stop it, or let it go out of scope, when
  /// the phase ends).
  mlir::TimingScope phase(mlir::TimingScope &parent, llvm::StringRef name,
                          llvm::StringRef description);
  /// Erases the live status line so that other output (a diagnostic, a
  /// tool's messages) starts on a clean line; the next phase shows it again.
  void clear();

private:
  void draw(std::unique_lock<std::mutex> &lock);
  double elapsedSeconds() const;

  ProgressMode mode;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::string current;  // the description of the phase under way
  bool shown = false;   // the live line is on the screen
  bool stopping = false;
  std::mutex mutex;
  std::condition_variable wake;
  std::thread ticker; // Live: redraws the line, so the elapsed time ticks
};

} // namespace loom

#endif // LOOM_DRIVER_PROGRESS_H
