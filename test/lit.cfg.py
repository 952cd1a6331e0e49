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
for name in ("HOME", "TMPDIR"):
    if name in os.environ:
        config.environment[name] = os.environ[name]

config.substitutions.append(("%loomc", os.path.join(config.loom_tools_dir, "loomc")))
config.substitutions.append(("%loom-opt", os.path.join(config.loom_tools_dir, "loom-opt")))
config.substitutions.append(("%loomrt-tool", os.path.join(config.loom_tools_dir, "loomrt-tool")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%cxx", config.cxx_compiler))
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

if "avx512f" in open("/proc/cpuinfo").read():
    config.available_features.add("avx512")
