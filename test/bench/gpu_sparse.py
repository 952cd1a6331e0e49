"""GPU half of gpu_sparse.sh: writes weights, inputs and masks, runs the CUDA
artifacts (--weights at run time), checks them against dense PyTorch on the
GPU (and the sparse ops model against the CPU build's outputs), then times
Loom end to end (host arrays in and out: latency_ms) and on the device
(inputs resident, outputs left there: device_ms) next to PyTorch dense
(cuDNN, TF32 off; eager and torch.compile; CUDA-event time, inputs on the
GPU) and our own dense CUDA conv. Usage: gpu_sparse.py DIR [cpu] ("cpu": a
dry run with CPU builds of the artifacts and PyTorch on the CPU)."""
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loomref  # noqa: E402
import spark_encoder_ref  # noqa: E402

DENSITIES = [0, 10, 25, 40, 60, 100]
RUNS = 50
DEVICE = "cuda"
FLOPS_LAYER = 2 * 64 * 64 * 9 * 224 * 224  # the dense 3×3 64→64 layer
PEAK_TFLOPS = 51.0  # H100 fp32 non-tensor, the figure the team reports against
FAILED = []


def synchronize():
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def patch_mask(grid, density, seed):
    rng = np.random.default_rng(seed)
    cells = grid * grid
    mask = np.zeros(cells, np.float32)
    mask[rng.permutation(cells)[:int(round(density / 100 * cells))]] = 1.0
    return mask.reshape(1, 1, grid, grid)


def run(exe, inputs, weights=None, outdir=None, bench=0):
    command = [exe]
    if weights:
        command += ["--weights", weights]
    for name, path in inputs.items():
        command += ["--input", f"{name}={path}"]
    if outdir:
        command += ["--output-dir", outdir]
    if bench:
        command += ["--bench", str(bench), "--quiet"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def loom_time(exe, inputs, weights=None):
    """(latency min, median, device min, median) in ms."""
    text = run(exe, inputs, weights, bench=RUNS)
    times = []
    for label in ("latency_ms", "device_ms"):
        match = re.search(label + r" min=([\d.]+) median=([\d.]+)", text)
        times += [float(match.group(1)), float(match.group(2))] if match else [float("nan")] * 2
    return times


def torch_time(call):
    """min and median in ms of CUDA-event time (kernels alone, as device_ms)."""
    with torch.no_grad():
        for _ in range(5):
            call()
        synchronize()
        times = []
        for _ in range(RUNS):
            if DEVICE == "cuda":
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                call()
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            else:
                begin = time.perf_counter()
                call()
                times.append((time.perf_counter() - begin) * 1e3)
    return min(times), statistics.median(times)


def compiled(module):
    try:
        fast = torch.compile(module)
        return fast
    except Exception as error:  # noqa: BLE001 - reported, the table goes on
        print(f"torch.compile unavailable: {error}")
        return None


def save_inputs(directory, prefix, tensors):
    paths = {}
    for key, value in tensors.items():
        paths[key] = os.path.join(directory, f"{prefix}_{key}.npy")
        np.save(paths[key], value.numpy())
    return paths


def case(name, directory, exe, module, make_inputs, tolerance, flops=None, dense_ms=None):
    torch.manual_seed(0)
    loomref.randomize(module, 1)
    weights = os.path.join(directory, name + ".safetensors")
    loomref.save_safetensors(weights, module.state_dict())
    gpu = module.to(DEVICE).eval()
    fast = compiled(gpu)
    print(f"\n{name}: Loom sparse (end to end with host copies, and device only) vs "
          f"PyTorch dense (CUDA events); ms, min / median of {RUNS}")
    print(f"{'density':>8} {'loom e2e':>17} {'loom device':>17} {'torch eager':>17} "
          f"{'torch.compile':>17} {'eager/dev':>9} {'compile/dev':>11} {'vs own 100%':>11}"
          f"{' vs own dense' if dense_ms else ''}{' TFLOP/s' if flops else ''} {'max err':>8}")
    own_full = None
    rows = []
    for density in DENSITIES:
        tensors, actual = make_inputs(density)
        paths = save_inputs(directory, f"{name}_{density}", tensors)
        out = os.path.join(directory, f"{name}_out_{density}")
        run(exe, paths, weights, outdir=out)
        cuda_inputs = {k: v.to(DEVICE) for k, v in tensors.items()}
        with torch.no_grad():
            expected = gpu(**cuda_inputs)
        expected = next(iter(expected.values())) if isinstance(expected, dict) else expected
        produced = np.load(os.path.join(out, os.listdir(out)[0]))
        error = float(np.abs(produced - expected.cpu().numpy()).max())
        if error > tolerance:
            FAILED.append(f"{name} at {actual:.1f}%: max error {error:.3g}")
        e2e_min, e2e_med, dev_min, dev_med = loom_time(exe, paths, weights)
        eager = torch_time(lambda: gpu(**cuda_inputs))
        fast_time = (float("nan"), float("nan"))
        if fast is not None:
            try:
                fast_time = torch_time(lambda: fast(**cuda_inputs))
            except Exception as error_:  # noqa: BLE001
                print(f"torch.compile failed: {str(error_).splitlines()[0]}")
                fast = None
        rows.append((actual, e2e_min, e2e_med, dev_min, dev_med, eager, fast_time, error))
    own_full = rows[-1][3]
    for actual, e2e_min, e2e_med, dev_min, dev_med, eager, fast_time, error in rows:
        extra = ""
        if dense_ms:
            extra += f" {dev_min / dense_ms:12.2f}x"
        if flops:
            extra += f" {flops * actual / 100 / (dev_min * 1e-3) / 1e12:8.2f}"
        print(f"{actual:7.1f}% {e2e_min:8.3f} / {e2e_med:6.3f} {dev_min:8.3f} / {dev_med:6.3f} "
              f"{eager[0]:8.3f} / {eager[1]:6.3f} {fast_time[0]:8.3f} / {fast_time[1]:6.3f} "
              f"{eager[0] / dev_min:8.2f}x {fast_time[0] / dev_min:10.2f}x "
              f"{dev_min / own_full:10.2f}x{extra} {error:8.2g}"
              f"{'' if error <= tolerance else '  FAIL'}")


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(64, 64, 3, padding=1)

    def forward(self, x, mask):
        return mask * self.conv(mask * x)


def check_ops(directory):
    """The sparse ops model (every kernel size, stride 2, norms, a chain, odd
    sizes, batch 2) on the GPU against the CPU build, at 0, 40, 100%."""
    print("\nsparse ops model: CUDA build vs CPU build (tolerance 1e-4 × (1 + max|ref|))")
    exe = os.path.join(directory, "ops_cuda")
    for density in (0, 40, 100):
        out = os.path.join(directory, f"ops_out_{density}")
        run(exe, {"x": os.path.join(directory, "ops_x.npy"),
                  "mask": os.path.join(directory, f"ops_mask_{density}.npy")}, outdir=out)
        reference = os.path.join(directory, f"ops_ref_{density}")
        worst = 0.0
        for file in sorted(os.listdir(reference)):
            want = np.load(os.path.join(reference, file))
            got = np.load(os.path.join(out, file))
            error = float(np.abs(got - want).max()) / (1 + float(np.abs(want).max()))
            worst = max(worst, error)
            if error > 1e-4:
                FAILED.append(f"ops {file} at {density}%: relative error {error:.3g}")
        print(f"  {density:3d}%: {len(os.listdir(reference))} outputs, worst relative error "
              f"{worst:.2g}")


def layer_variants(directory, layer_inputs):
    """The layer's knob variants, device time at 25% and 100%."""
    listing = os.path.join(directory, "variants.txt")
    if not os.path.exists(listing):
        return
    torch.manual_seed(0)
    module = Layer()
    loomref.randomize(module, 1)
    weights = os.path.join(directory, "variants.safetensors")
    loomref.save_safetensors(weights, module.state_dict())
    print("\nlayer knob variants (tile_x × tile_y threads, reg_channels × reg_sites per "
          "thread): device ms min / median, TFLOP/s of the useful work")
    for line in open(listing):
        name, *knobs = line.split()
        cells = []
        for density in (25, 100):
            tensors, actual = layer_inputs(density)
            paths = save_inputs(directory, f"variant_{density}", tensors)
            try:
                _, _, dev_min, dev_med = loom_time(
                    os.path.join(directory, f"layer_cuda_{name}"), paths, weights)
            except subprocess.CalledProcessError as error:
                cells.append(f"FAILED ({error.stderr.strip().splitlines()[-1][:60]})")
                continue
            tflops = FLOPS_LAYER * actual / 100 / (dev_min * 1e-3) / 1e12
            cells.append(f"{actual:5.1f}%: {dev_min:7.3f} / {dev_med:7.3f} ({tflops:5.2f})")
        print(f"  {name:20s} {'   '.join(cells)}   {' '.join(knobs)}")


def main():
    global DEVICE, RUNS
    directory = sys.argv[1]
    if sys.argv[2:] == ["cpu"]:
        DEVICE, RUNS = "cpu", 3
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    if DEVICE == "cuda":
        print(f"GPU: {torch.cuda.get_device_name()}; torch {torch.__version__}; fp32, TF32 off; "
              f"TFLOP/s against {PEAK_TFLOPS:.0f} (non-tensor fp32)")
    x = torch.rand(1, 64, 224, 224)
    image = torch.rand(1, 3, 64, 64)

    def layer_inputs(density):
        mask = torch.from_numpy(patch_mask(14, density, density)
                                .repeat(16, 2).repeat(16, 3))
        return {"x": x, "mask": mask}, 100 * float(mask.mean())

    def encoder_inputs(density):
        mask = torch.from_numpy(patch_mask(4, density, density))
        return {"x": image, "mask": mask}, 100 * float(mask.mean())

    check_ops(directory)

    # Our own dense CUDA conv and PyTorch's conv alone (no masks), for scale.
    torch.manual_seed(0)
    dense = torch.nn.Conv2d(64, 64, 3, padding=1)
    loomref.randomize(dense, 1)
    weights = os.path.join(directory, "dense.safetensors")
    loomref.save_safetensors(weights, {"conv." + k: v for k, v in dense.state_dict().items()})
    paths = save_inputs(directory, "dense", {"x": x})
    _, _, dense_min, dense_med = loom_time(os.path.join(directory, "dense_cuda"), paths, weights)
    gpu_dense = dense.to(DEVICE)
    xd = x.to(DEVICE)
    cudnn = torch_time(lambda: gpu_dense(xd))
    print(f"\ndense 3x3 64->64 conv on 1x64x224x224: Loom CUDA conv2d device {dense_min:.3f} / "
          f"{dense_med:.3f} ms ({FLOPS_LAYER / dense_min / 1e9:.2f} TFLOP/s); "
          f"cuDNN {cudnn[0]:.3f} / {cudnn[1]:.3f} ms ({FLOPS_LAYER / cudnn[0] / 1e9:.2f} TFLOP/s)")

    # Tolerances: fp32 sums of 576 terms (layer) and 12 layers (encoder) in
    # another order than cuDNN.
    case("layer", directory, os.path.join(directory, "layer_cuda"), Layer(), layer_inputs, 1e-3,
         flops=FLOPS_LAYER, dense_ms=dense_min)
    layer_variants(directory, layer_inputs)
    case("encoder", directory, os.path.join(directory, "encoder_cuda"),
         spark_encoder_ref.Encoder(), encoder_inputs, 1e-3)
    if FAILED:
        print("\nFAILED:\n  " + "\n  ".join(FAILED))
        sys.exit(1)


if __name__ == "__main__":
    main()
