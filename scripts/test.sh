#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Loom, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
start=$(date +%s)
status=0
/usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py -v build/test \
  --xunit-xml-output build/test/results.xml || status=$?
# One plain summary line from lit's own results.
/usr/bin/python3 - <<'PY'
import xml.etree.ElementTree as ET
root = ET.parse("build/test/results.xml").getroot()
cases = root.iter("testcase")
passed = failed = skipped = 0
for case in cases:
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
echo "tests: done in $(( $(date +%s) - start )) s"
exit $status
