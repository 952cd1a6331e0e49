# lit configuration of the Loom test suite.
import os
import shutil
import subprocess

import lit.formats

config.name = "Loom"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".loom", ".test", ".c"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "bench"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.loom_binary_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.loom_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# Generated executables use 2 threads, as CI has 2 cores.
config.environment["HL_NUM_THREADS"] = "2"
# loomc's cache of Halide's runtime (lib/Driver/RuntimeCache.h) inside build/,
# not in $HOME: compiled once per target for the whole run.
config.environment["LOOM_CACHE_DIR"] = os.path.join(config.loom_binary_root, "test", "loom-cache")
for name in ("HOME", "TMPDIR"):
    if name in os.environ:
        config.environment[name] = os.environ[name]

config.substitutions.append(("%loomc", os.path.join(config.loom_tools_dir, "loomc")))
config.substitutions.append(("%loom-opt", os.path.join(config.loom_tools_dir, "loom-opt")))
config.substitutions.append(("%loomrt-tool", os.path.join(config.loom_tools_dir, "loomrt-tool")))
config.substitutions.append(("%python", config.python_executable))
# In a sanitizer build the runtime is instrumented, so what links it needs the flags.
config.substitutions.append(("%cc", (config.c_compiler + " " + config.sanitizer_flags).strip()))
config.substitutions.append(("%cxx", (config.cxx_compiler + " " + config.sanitizer_flags).strip()))
config.substitutions.append(("%loom-fuzz-replay", os.path.join(config.loom_tools_dir, "loom-fuzz-replay")))
config.substitutions.append(("%fuzzdir", os.path.join(config.loom_source_root, "fuzz")))
config.substitutions.append(("%examples", os.path.join(config.loom_source_root, "examples")))
config.substitutions.append(("%refdir", os.path.join(config.loom_source_root, "test", "numeric")))

# Reference tests need Debian's PyTorch; they are marked REQUIRES: torch.
def python_has(module):
    try:
        return subprocess.run([config.python_executable, "-c", "import " + module],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False

if python_has("torch"):
    config.available_features.add("torch")
if python_has("numpy"):
    config.available_features.add("numpy")

# GPU execution tests are marked REQUIRES: cuda-gpu; compiling to CUDA runs everywhere.
if shutil.which("nvidia-smi") and subprocess.run(
        ["nvidia-smi", "-L"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    config.available_features.add("cuda-gpu")

# Graphviz is optional: with it, every example's --emit=dot graph is rendered.
if shutil.which("dot"):
    config.available_features.add("graphviz")

if config.sanitizer_flags:
    config.available_features.add("sanitizer")
    # LLVM's and Halide's caches live for the process; leaks at exit are not ours to fix.
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

if "avx512f" in open("/proc/cpuinfo").read():
    config.available_features.add("avx512")

# The docs tests (test/Docs) run the code blocks of README.md and docs/*.md; their
# python blocks need the docs venv (scripts/setup.sh: torch, numpy, safetensors).
config.substitutions.append(("%srcroot", config.loom_source_root))
config.substitutions.append(("%buildroot", config.loom_binary_root))
config.substitutions.append(("%docs-python", config.docs_python))
config.substitutions.append(("%tblgen-doc",
                             os.path.join(config.loom_binary_root, "dialect", "LoomOps.md")))
if os.path.exists(config.docs_python):
    try:
        if subprocess.run([config.docs_python, "-c", "import safetensors, torch, numpy"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=120).returncode == 0:
            config.available_features.add("docs-venv")
    except (OSError, subprocess.TimeoutExpired):
        pass
