#!/usr/bin/env python3
"""Runs a command, prints its stdout and stderr, then "exit code: N", and exits 0: lit's
`not` only says that a command failed, these tests also check how (1 = error, 2 = usage)."""
import subprocess
import sys

result = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sys.stdout.write(result.stdout.decode(errors="replace"))
print("exit code: %d" % result.returncode)
