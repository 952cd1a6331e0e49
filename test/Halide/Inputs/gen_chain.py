# Prints a generated spec: `gen_chain.py relu|mlp|cnn OPS` (see test/bench/compile_time.py).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
import compile_time  # noqa: E402

print(compile_time.KINDS[sys.argv[1]](int(sys.argv[2])), end="")
