#!/usr/bin/env python3
"""Runs every fenced code block of one markdown file (README.md, docs/*.md).

The first word of a fence's info string is the block's language; words after it
are attributes:

  sh                 run with bash (-e -o pipefail) in the work directory
  loom               compiled with `loomc FILE --emit=mlir` (parse + verify)
  loom error         loomc must reject it; its message is kept for a `text output`
  c                  compiled with `cc -fsyntax-only` against the runtime headers
  python             run with the docs venv's python (torch, numpy, safetensors)
  mlir               parsed with loom-opt
  file=NAME          (any language) write the block to NAME in the work directory
                     instead of running it: a later sh block uses it
  cpp from=PATH      an excerpt of a source file (any language with from=PATH):
                     every line (but `...` and blank ones) must appear, in order,
                     in PATH (relative to the repository root), so that excerpts
                     cannot drift from the code
  text output        every line (but `...` and blank ones) must appear, in order,
                     in what the previous block printed
  text, ebnf         shown, not run (program output that varies, a grammar)
  no-run=REASON      not run; REASON is one of NO_RUN_REASONS below

Blocks without an info string are an error: say what each block is. All blocks of
one file share one work directory, in order, so that a later block can use what
an earlier one wrote. The work directory links the repository's top-level
folders (`examples`, `scripts`, ...) and `build` (the build tree), so commands
read as a reader types them at the repository root; build/bin is on PATH.
"""
import argparse
import glob
import shlex
import os
import re
import shutil
import subprocess
import sys
import time

NO_RUN_REASONS = {
    "gpu": "needs an NVIDIA GPU",
    "setup": "installs packages or runs the whole suite",
    "slow": "takes minutes (benchmarks, long searches)",
    "placeholder": "shows a form with placeholders (FILE, DIR, a host), not a command",
    "graphviz": "needs Graphviz, which Loom does not",
}
SHOWN_ONLY = {"text", "ebnf"}
BLOCK_TIMEOUT_S = 300


class Block:
    def __init__(self, line, info, body):
        self.line = line
        words = info.split()
        self.lang = words[0] if words else ""
        self.flags = set()
        self.attrs = {}
        for word in words[1:]:
            if "=" in word:
                key, value = word.split("=", 1)
                self.attrs[key] = value
            else:
                self.flags.add(word)
        self.body = body


def parse_blocks(text):
    """Fenced blocks (``` or ~~~, up to 3 spaces of indent) in document order."""
    blocks = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^( {0,3})(`{3,}|~{3,})(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3).strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not re.match(
                r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", lines[i]):
            line = lines[i]
            body.append(line[indent:] if line[:indent].strip() == "" else line)
            i += 1
        blocks.append(Block(start, info, "\n".join(body) + "\n"))
        i += 1
    return blocks


def link_repository(work, source_root, build_root):
    """The work directory looks like the repository root. `out` (the git-ignored
    folder for local artifacts) is the tutorial's own output folder: linking the
    checkout's would let parallel tests overwrite each other's files there."""
    for entry in sorted(os.listdir(source_root)):
        if entry.startswith(".") or entry in ("build", "out"):
            continue
        os.symlink(os.path.join(source_root, entry), os.path.join(work, entry))
    os.symlink(build_root, os.path.join(work, "build"))


NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def line_pattern(line):
    """A regex for one shown output line: whitespace runs match any whitespace,
    numbers match any number (compared by numbers_agree)."""
    parts = []
    for token in re.split("(" + NUMBER + r"|\s+)", line.strip()):
        if not token:
            continue
        if re.fullmatch(NUMBER, token):
            parts.append("(" + NUMBER + ")")
        elif token.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts))


def numbers_agree(shown, printed):
    """Shown numbers come from a run on another machine: they agree within 0.1%
    (the last digits of float sums differ between vector widths), and numbers
    below 1e-5 (rounding-error sizes) agree with each other."""
    a, b = float(shown), float(printed)
    return abs(a - b) <= 1e-3 * max(abs(a), abs(b)) or max(abs(a), abs(b)) < 1e-5


def output_matches(expected, actual):
    """Each shown line (blank and `...` lines skipped) is found, in order, in the
    printed output; returns the first line that is not, or None."""
    actual_lines = actual.split("\n")
    pos = 0
    for line in expected.split("\n"):
        if not line.strip() or line.strip() == "...":
            continue
        pattern = line_pattern(line)
        shown_numbers = re.findall(NUMBER, line.strip())
        while pos < len(actual_lines):
            m = pattern.search(actual_lines[pos])
            pos += 1
            if m and all(numbers_agree(a, b) for a, b in zip(shown_numbers, m.groups())):
                break
        else:
            return line
    return None


def check_covered(test_dir, source_root):
    """Each markdown file has a .test that names it."""
    files = ["README.md"] + sorted(os.path.relpath(path, source_root) for path in
                                   glob.glob(os.path.join(source_root, "docs", "*.md")))
    tests = {path: open(path, encoding="utf-8").read()
             for path in glob.glob(os.path.join(test_dir, "*.test"))}
    missing = [name for name in files
               if not any("%srcroot/" + name + " " in text for text in tests.values())]
    for name in missing:
        print(f"{name} has no test in {test_dir} that runs its code blocks "
              f"(add one like README.test)")
    print(f"{len(files) - len(missing)} of {len(files)} markdown files have a docs test")
    return 1 if missing else 0


def excerpt_missing(excerpt, text):
    """The first excerpt line (stripped; blank and `...` lines skipped) that is not
    a line of `text` after the previous one's match, or None."""
    lines = [line.strip() for line in text.split("\n")]
    pos = 0
    for line in excerpt.split("\n"):
        want = line.strip()
        if not want or want == "...":
            continue
        while pos < len(lines) and lines[pos] != want:
            pos += 1
        if pos == len(lines):
            return line
        pos += 1
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("markdown", nargs="?")
    parser.add_argument("--check-covered", metavar="TEST_DIR",
                        help="instead: check that README.md and every docs/*.md has a "
                             "test in TEST_DIR that runs it")
    parser.add_argument("--source-root", required=True)
    parser.add_argument("--build-root")
    parser.add_argument("--work", help="work directory (emptied first)")
    parser.add_argument("--python", help="python for python blocks")
    parser.add_argument("--cc", default="cc", help="C compiler command (may hold flags)")
    args = parser.parse_args()
    if args.check_covered:
        return check_covered(args.check_covered, args.source_root)
    if not (args.markdown and args.build_root and args.work and args.python):
        parser.error("a markdown file, --build-root, --work and --python are needed")

    name = os.path.relpath(args.markdown, args.source_root)
    blocks = parse_blocks(open(args.markdown, encoding="utf-8").read())
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    link_repository(args.work, args.source_root, args.build_root)
    bin_dir = os.path.join(args.build_root, "bin")
    env = dict(os.environ)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["HL_NUM_THREADS"] = "2"
    loomc = os.path.join(bin_dir, "loomc")
    runtime_include = os.path.join(args.source_root, "lib", "Runtime")

    counts = {"run": 0, "file": 0, "output": 0, "shown": 0}
    skipped = {}
    failures = []
    last_output = ""
    started = time.time()
    block_times = []

    def run(command, stdin_text=None):
        block_started = time.time()
        try:
            return run_timed(command, stdin_text)
        finally:
            block_times.append((time.time() - block_started, where))

    def run_timed(command, stdin_text):
        try:
            result = subprocess.run(command, cwd=args.work, env=env, input=stdin_text,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, timeout=BLOCK_TIMEOUT_S)
            return result.returncode, result.stdout
        except subprocess.TimeoutExpired as error:
            return -1, (error.stdout or "") + f"\n(timed out after {BLOCK_TIMEOUT_S} s)"

    for index, block in enumerate(blocks):
        where = f"{name}:{block.line}"
        if not block.lang:
            failures.append((where, "a fence without an info string: say what the block "
                                    "is (sh, loom, c, python, text, ...)", ""))
            continue
        if "no-run" in block.attrs:
            reason = block.attrs["no-run"]
            if reason not in NO_RUN_REASONS:
                failures.append((where, f"unknown no-run reason '{reason}' (valid: "
                                        f"{', '.join(sorted(NO_RUN_REASONS))})", ""))
                continue
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        if "file" in block.attrs:
            path = os.path.join(args.work, block.attrs["file"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                out.write(block.body)
            counts["file"] += 1
            if block.lang != "loom":
                continue
        if "from" in block.attrs:
            path = os.path.join(args.source_root, block.attrs["from"])
            try:
                text = open(path, encoding="utf-8").read()
            except OSError as error:
                failures.append((where, f"excerpt of a file that cannot be read: {error}", ""))
                continue
            missing = excerpt_missing(block.body, text)
            if missing is not None:
                failures.append((where, f"excerpt line not found (in order) in "
                                        f"{block.attrs['from']}: {missing.strip()!r}", ""))
            counts["output"] += 1
            continue
        if block.lang in SHOWN_ONLY:
            if "output" in block.flags:
                missing = output_matches(block.body, last_output)
                if missing is not None:
                    failures.append((where, f"shown output line not printed by the block "
                                            f"before: {missing.strip()!r}", last_output))
                counts["output"] += 1
            else:
                counts["shown"] += 1
            continue

        source = os.path.join(args.work, f".block{index}")
        if block.lang == "sh":
            status, output = run(["bash", "-e", "-o", "pipefail", "-c", block.body])
        elif block.lang == "loom":
            path = os.path.join(args.work, block.attrs["file"]) if "file" in block.attrs \
                else source + ".loom"
            if "file" not in block.attrs:
                with open(path, "w", encoding="utf-8") as out:
                    out.write(block.body)
            status, output = run([loomc, path, "--emit=mlir", "-o", os.devnull])
            if "error" in block.flags:
                last_output = output
                counts["run"] += 1
                if status == 0:
                    failures.append((where, "loomc accepted a block marked `loom error`",
                                     output))
                continue
        elif block.lang == "c":
            with open(source + ".c", "w", encoding="utf-8") as out:
                out.write(block.body)
            status, output = run(shlex.split(args.cc) + ["-std=c99", "-Wall", "-fsyntax-only",
                                  "-I" + runtime_include, "-I" + args.work, source + ".c"])
        elif block.lang == "python":
            with open(source + ".py", "w", encoding="utf-8") as out:
                out.write(block.body)
            status, output = run([args.python, source + ".py"])
        elif block.lang == "mlir":
            with open(source + ".mlir", "w", encoding="utf-8") as out:
                out.write(block.body)
            status, output = run([os.path.join(bin_dir, "loom-opt"), source + ".mlir",
                                  "-o", os.devnull])
        else:
            failures.append((where, f"unknown block language '{block.lang}' (mark it "
                                    "text, or no-run=REASON)", ""))
            continue
        counts["run"] += 1
        last_output = output
        if status != 0:
            failures.append((where, f"{block.lang} block failed (exit status {status})",
                             block.body + "--- output ---\n" + output))

    elapsed = time.time() - started
    skip_text = ", ".join(f"{count} {reason} ({NO_RUN_REASONS[reason]})"
                          for reason, count in sorted(skipped.items()))
    print(f"{name}: {len(blocks)} blocks: {counts['run']} run, {counts['file']} written "
          f"to files, {counts['output']} outputs or excerpts checked, {counts['shown']} shown only, "
          f"{sum(skipped.values())} not run{': ' + skip_text if skip_text else ''} "
          f"({elapsed:.1f} s)")
    # The suite should stay fast: name the blocks that are not.
    slow = [f"{where} {seconds:.1f} s" for seconds, where in sorted(block_times, reverse=True)
            if seconds >= 5]
    if slow:
        print("blocks over 5 s: " + ", ".join(slow))
    for where, message, detail in failures:
        print(f"\nFAIL {where}: {message}")
        if detail:
            print("\n".join("    " + line for line in detail.rstrip().split("\n")))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
