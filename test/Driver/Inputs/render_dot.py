"""Renders every example's --emit=dot graph with Graphviz; fails on any error.

Usage: render_dot.py LOOMC EXAMPLES_DIR SCRATCH_DIR
"""
import pathlib
import subprocess
import sys

loomc, examples, scratch = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
specs = sorted(examples.glob("*.loom"))
assert specs, f"no examples in {examples}"
for spec in specs:
    for flags in ([], ["--dot-after-passes", "--dot-params"]):
        graph = scratch / (spec.stem + ".dot")
        subprocess.run([loomc, str(spec), "--emit=dot", *flags, "-o", str(graph)], check=True)
        # dot exits non-zero on a syntax error; warnings go to stderr.
        subprocess.run(["dot", "-Tsvg", str(graph), "-o", str(graph.with_suffix(".svg"))],
                       check=True)
        print(f"rendered {spec.name} {' '.join(flags)}")
