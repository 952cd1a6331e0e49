"""Writes the op names of the Loom language into editors/loom.tmLanguage.json.

Usage: python3 editors/update_grammar.py [LOOMC]   (default LOOMC: build/bin/loomc)

The names come from `loomc --list-ops`, the language's own catalogue, so the
grammar highlights exactly the ops the parser accepts. Run it after adding an
op; test/Editors/grammar.test fails until you do.
"""
import json
import pathlib
import subprocess
import sys

GRAMMAR = pathlib.Path(__file__).with_name("loom.tmLanguage.json")


def catalogue_ops(loomc):
    listing = subprocess.run([loomc, "--list-ops"], check=True, capture_output=True,
                             text=True).stdout
    return [line.split("(", 1)[0] for line in listing.splitlines() if line]


def ops_pattern(ops):
    # Longest names first, so that no name stops at a prefix (conv2d before conv).
    names = sorted(set(ops), key=lambda name: (-len(name), name))
    return r"\b(" + "|".join(names) + r")\b(?=\s*\()"


def main():
    loomc = sys.argv[1] if len(sys.argv) > 1 else "build/bin/loomc"
    grammar = json.loads(GRAMMAR.read_text())
    grammar["repository"]["ops"]["match"] = ops_pattern(catalogue_ops(loomc))
    GRAMMAR.write_text(json.dumps(grammar, indent=2, ensure_ascii=False) + "\n")
    print(f"updated {GRAMMAR}")


if __name__ == "__main__":
    main()
