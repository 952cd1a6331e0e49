"""Runs a compiled sparse model once per mask and compares every output with
the reference; inactive sites must be exactly zero.
Usage: sparse_check.py EXE DIR DENSITY... (DIR holds x.npy, mask_<d>.npy,
expected_<d>_<output>.npy)"""
import glob
import os
import subprocess
import sys

import numpy as np

ATOL = 1e-5


def main():
    exe, directory, densities = sys.argv[1], sys.argv[2], sys.argv[3:]
    failed = False
    for density in densities:
        out = os.path.join(directory, "out_" + density)
        subprocess.run([exe, "--input", "x=" + os.path.join(directory, "x.npy"),
                        "--input", "mask=" + os.path.join(directory, f"mask_{density}.npy"),
                        "--output-dir", out], check=True, stdout=subprocess.DEVNULL)
        prefix = os.path.join(directory, f"expected_{density}_")
        count = 0
        for path in sorted(glob.glob(prefix + "*.npy")):
            name = path[len(prefix):]
            actual, expected = np.load(os.path.join(out, name)), np.load(path)
            error = np.abs(actual.astype(np.float64) - expected)
            inactive_nonzero = np.count_nonzero(actual[expected == 0] * (error[expected == 0] > 0))
            if actual.shape != expected.shape or not np.all(error <= ATOL) or inactive_nonzero:
                print(f"{density}: {name} FAIL max_abs_error={error.max():.3g}")
                failed = True
            count += 1
        print(f"{density}: {count} outputs {'FAIL' if failed else 'ok'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
