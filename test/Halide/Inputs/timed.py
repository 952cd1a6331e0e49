# Runs a command and fails if it exits non-zero or takes longer than LIMIT seconds:
# `timed.py LIMIT CMD ARGS...`.
import subprocess
import sys
import time

limit = float(sys.argv[1])
start = time.perf_counter()
try:
    code = subprocess.run(sys.argv[2:], timeout=limit).returncode
except subprocess.TimeoutExpired:
    sys.exit(f"timed.py: {sys.argv[2]} took longer than {limit} s")
print(f"timed.py: {time.perf_counter() - start:.1f} s")
sys.exit(code)
