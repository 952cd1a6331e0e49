# Runs a command and succeeds iff it exits with the given code (not a signal); its stderr goes to stdout.
# Usage: expect_exit.py CODE COMMAND [ARGS...]
import subprocess
import sys

expected = int(sys.argv[1])
result = subprocess.run(sys.argv[2:], stderr=subprocess.STDOUT)
if result.returncode != expected:
    print(f"expect_exit.py: exit code {result.returncode}, expected {expected}")
    sys.exit(1)
