#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into OUT/<target>/: the Loom specs of
examples/ and test/, the dialect test files split at `// -----`, and every valid and
broken safetensors and .npy image that the runtime tests make. Usage: make_seeds.py OUT"""
import hashlib
import importlib.util
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kinds_of(module):
    """The KIND names a test input generator's build() accepts."""
    source = pathlib.Path(module.__file__).read_text()
    return re.findall(r'kind == "([^"]+)"', source)


def write(directory, data):
    directory.mkdir(parents=True, exist_ok=True)
    data = data.encode() if isinstance(data, str) else data
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    out = pathlib.Path(sys.argv[1])
    counts = {}
    loom_files = sorted(ROOT.glob("examples/*.loom")) + sorted(ROOT.glob("test/**/*.loom"))
    for path in loom_files:
        write(out / "loom-parser", path.read_text())
    for path in sorted(ROOT.glob("test/**/*.mlir")):
        for chunk in path.read_text().split("// -----"):
            write(out / "dialect-parser", chunk)
    inputs = ROOT / "test" / "Runtime" / "Inputs"
    for target, generator in (("safetensors", "make_safetensors.py"), ("npy", "make_npy.py")):
        module = load(inputs / generator)
        for kind in kinds_of(module):
            write(out / target, module.build(kind))
    for target in ("loom-parser", "dialect-parser", "safetensors", "npy"):
        counts[target] = len(list((out / target).iterdir()))
    print(" ".join(f"{target}={count}" for target, count in counts.items()))


if __name__ == "__main__":
    main()
