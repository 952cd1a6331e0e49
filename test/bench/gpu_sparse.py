"""GPU half of gpu_sparse.sh: writes weights, inputs and masks, runs the CUDA
artifacts (--weights at run time), compares them with dense PyTorch on the
GPU and times both. Usage: gpu_sparse.py DIR [cpu] ("cpu": a dry run of this
script with CPU builds of the artifacts and PyTorch on the CPU)."""
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

DENSITIES = [0, 10, 25, 40, 60, 80, 100]
RUNS = 50
DEVICE = "cuda"


def synchronize():
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def patch_mask(grid, density, seed):
    rng = np.random.default_rng(seed)
    cells = grid * grid
    mask = np.zeros(cells, np.float32)
    mask[rng.permutation(cells)[:int(round(density / 100 * cells))]] = 1.0
    return mask.reshape(1, 1, grid, grid)


def run(exe, weights, inputs, outdir=None, bench=0):
    command = [exe, "--weights", weights]
    for name, path in inputs.items():
        command += ["--input", f"{name}={path}"]
    if outdir:
        command += ["--output-dir", outdir]
    if bench:
        command += ["--bench", str(bench), "--quiet"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def torch_time(call):
    with torch.no_grad():
        for _ in range(5):
            call()
        synchronize()
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            call()
            synchronize()
            times.append((time.perf_counter() - start) * 1e3)
    return min(times), statistics.median(times)


def case(name, directory, exe, module, make_inputs, tolerance):
    torch.manual_seed(0)
    loomref.randomize(module, 1)
    weights = os.path.join(directory, name + ".safetensors")
    loomref.save_safetensors(weights, module.state_dict())
    gpu = module.to(DEVICE)
    print(f"\n{name}")
    print(f"{'density':>8} {'loom min / median ms':>22} {'torch dense min / median':>26} "
          f"{'torch/loom':>10} {'max err':>9}")
    for density in DENSITIES:
        tensors, actual = make_inputs(density)
        paths = {}
        for key, value in tensors.items():
            paths[key] = os.path.join(directory, f"{name}_{key}_{density}.npy")
            np.save(paths[key], value.numpy())
        out = os.path.join(directory, f"{name}_out_{density}")
        run(exe, weights, paths, outdir=out)
        cuda_inputs = {k: v.to(DEVICE) for k, v in tensors.items()}
        with torch.no_grad():
            expected = gpu(**cuda_inputs)
        expected = next(iter(expected.values())) if isinstance(expected, dict) else expected
        produced = np.load(os.path.join(out, os.listdir(out)[0]))
        error = float(np.abs(produced - expected.cpu().numpy()).max())
        line = run(exe, weights, paths, bench=RUNS)
        match = re.search(r"latency_ms min=([\d.]+) median=([\d.]+)", line)
        loom_min, loom_median = float(match.group(1)), float(match.group(2))
        torch_min, torch_median = torch_time(lambda: gpu(**cuda_inputs))
        print(f"{actual:7.1f}% {loom_min:10.3f} / {loom_median:9.3f} "
              f"{torch_min:12.3f} / {torch_median:11.3f} {torch_min / loom_min:9.2f}x "
              f"{error:9.2g}{'' if error <= tolerance else '  FAIL'}")


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(64, 64, 3, padding=1)

    def forward(self, x, mask):
        return mask * self.conv(mask * x)


def main():
    global DEVICE, RUNS
    directory = sys.argv[1]
    if sys.argv[2:] == ["cpu"]:
        DEVICE, RUNS = "cpu", 3
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    x = torch.rand(1, 64, 224, 224)
    image = torch.rand(1, 3, 64, 64)

    def layer_inputs(density):
        mask = torch.from_numpy(patch_mask(14, density, density)
                                .repeat(16, 2).repeat(16, 3))
        return {"x": x, "mask": mask}, 100 * float(mask.mean())

    def encoder_inputs(density):
        mask = torch.from_numpy(patch_mask(4, density, density))
        return {"x": image, "mask": mask}, 100 * float(mask.mean())

    # Tolerances: fp32 sums of 576 terms (layer) and 12 layers (encoder) in
    # another order than cuDNN.
    case("layer", directory, os.path.join(directory, "layer_cuda"), Layer(), layer_inputs, 1e-3)
    case("encoder", directory, os.path.join(directory, "encoder_cuda"),
         spark_encoder_ref.Encoder(), encoder_inputs, 1e-3)


if __name__ == "__main__":
    main()
