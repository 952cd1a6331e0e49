"""Checks editors/loom.tmLanguage.json: valid JSON, every regex compiles, the op
pattern names exactly the ops of `loomc --list-ops`, the keyword pattern covers
the reserved words of docs/language.md, and a few spans tokenize as intended.

Usage: check_grammar.py LOOMC REPOSITORY_ROOT
"""
import json
import pathlib
import re
import subprocess
import sys

loomc, root = sys.argv[1], pathlib.Path(sys.argv[2])
grammar = json.loads((root / "editors" / "loom.tmLanguage.json").read_text())
assert grammar["scopeName"] == "source.loom" and "loom" in grammar["fileTypes"]
rules = grammar["repository"]
# The VS Code extension manifest in the same folder points at the grammar.
package = json.loads((root / "editors" / "package.json").read_text())
for entry in package["contributes"]["grammars"]:
    assert (root / "editors" / entry["path"]).is_file() and entry["scopeName"] == "source.loom"
json.loads((root / "editors" / "language-configuration.json").read_text())


def regexes(node):
    """Every match/begin/end regex of the grammar (TextMate uses Oniguruma;
    the grammar keeps to the part of its syntax Python's re shares)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end"):
                yield value
            else:
                yield from regexes(value)
    elif isinstance(node, list):
        for item in node:
            yield from regexes(item)


for pattern in regexes(grammar):
    re.compile(pattern)
for node in grammar["patterns"] + rules["expression"]["patterns"] + rules["call"]["patterns"]:
    name = node["include"].lstrip("#")
    assert name in rules, f"include of missing rule {name}"

listing = subprocess.run([loomc, "--list-ops"], check=True, capture_output=True, text=True)
ops = [line.split("(", 1)[0] for line in listing.stdout.splitlines() if line]
assert len(ops) > 10, ops
ops_rule = re.compile(rules["ops"]["match"])
named = set(re.search(r"\\b\((.*)\)\\b", rules["ops"]["match"]).group(1).split("|"))
stale = sorted(named - set(ops))
missing = sorted(set(ops) - named)
assert not missing and not stale, (
    f"grammar out of date (missing {missing}, stale {stale}): "
    "run python3 editors/update_grammar.py build/bin/loomc")
for op in ops:
    match = ops_rule.match(op + "(")
    assert match and match.group(1) == op, op
    assert not ops_rule.match(op + "x("), op  # a longer identifier is not the op

# The reserved words, as docs/language.md lists them.
docs = (root / "docs" / "language.md").read_text()
reserved = re.search(r"\*\*Reserved words\*\*: `([^`]*)`", docs).group(1).split()
keyword = re.compile(rules["keyword"]["match"])
constant = re.compile(rules["constant"]["match"])
for word in reserved:
    assert keyword.fullmatch(word) or constant.fullmatch(word), f"reserved word {word}"


def find(rule, text):
    return [m.group(0) for m in re.finditer(rules[rule]["match"], text)]


assert find("number", "for i in 0..2 as blocks.{i}") == ["0", "2"]
assert find("number", "x = blocks.0.conv") == []
assert find("number", "eps=1e-5, shape=[1, -1], p=0.5") == ["1e-5", "1", "-1", "0.5"]
assert [m.group(1) for m in re.finditer(rules["keyword-argument"]["match"],
                                         "conv2d(x, out_channels=16, kernel=3)")] == [
    "out_channels", "kernel"]
assert re.search(rules["type"]["match"], "input x: f32[1, 3, 32, 32]").group(1) == "f32"
assert find("comment", "h = relu(x)  # why") == ["# why"]
assert find("string", 'gelu(x, approximate="tanh")') == ['"tanh"']
print(f"grammar ok: {len(ops)} ops, {len(reserved)} reserved words")
