#!/usr/bin/env python3
"""Compares every NAME.npy of two folders. Usage: compare_npy.py REF_DIR GOT_DIR TOLERANCE
Prints one line per output (max abs difference, max |ref|) and exits 1 if any
differs by more than TOLERANCE × (1 + max |ref|) or is missing."""
import pathlib
import sys

import numpy as np

ref_dir, got_dir, tolerance = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), float(sys.argv[3])
status = 0
for ref_path in sorted(ref_dir.glob("*.npy")):
    got_path = got_dir / ref_path.name
    if not got_path.exists():
        print(f"{ref_path.stem}: MISSING")
        status = 1
        continue
    ref, got = np.load(ref_path), np.load(got_path)
    if ref.shape != got.shape:
        print(f"{ref_path.stem}: shape {got.shape} != {ref.shape}")
        status = 1
        continue
    diff = float(np.max(np.abs(ref.astype(np.float64) - got))) if ref.size else 0.0
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    ok = diff <= tolerance * (1 + scale) and np.all(np.isfinite(got))
    print(f"{ref_path.stem}: max_abs_diff={diff:.3g} max_abs_ref={scale:.3g} {'ok' if ok else 'FAIL'}")
    status |= 0 if ok else 1
sys.exit(status)
