"""Helpers of the numeric tests: PyTorch reference modules are saved as
safetensors, run, and compared with what a Loom artifact computed."""
import json
import os
import struct
import sys

import numpy as np
import torch

DTYPES = {torch.float32: "F32", torch.int32: "I32", torch.int64: "I64"}


def save_safetensors(path, tensors):
    """Writes a safetensors file by hand (the format is an 8-byte header
    length, a JSON header, then the raw little-endian data)."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        data = tensor.numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def randomize(module, seed):
    """Fills every parameter and buffer with values far from the defaults,
    so that a dropped bias or an identity norm shows in the outputs."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in list(module.named_parameters()) + list(module.named_buffers()):
            if not tensor.is_floating_point():
                continue
            values = torch.rand(tensor.shape, generator=generator)
            if name.endswith("running_var"):
                tensor.copy_(0.5 + values)
            else:
                fan_in = tensor[0].numel() if tensor.dim() > 1 else 1
                tensor.copy_((values * 2 - 1) / max(1.0, fan_in) ** 0.5)
    module.eval()


def export(module, inputs, outdir, seed=0):
    """Saves weights, inputs and the reference outputs of `module`.
    `inputs` maps input names to tensors; outputs are named by the
    module's forward returning a dict."""
    os.makedirs(outdir, exist_ok=True)
    randomize(module, seed)
    save_safetensors(os.path.join(outdir, "weights.safetensors"), module.state_dict())
    for name, tensor in inputs.items():
        np.save(os.path.join(outdir, name + ".npy"), tensor.numpy())
    with torch.no_grad():
        outputs = module(**inputs)
    for name, tensor in outputs.items():
        np.save(os.path.join(outdir, "expected_" + name + ".npy"), tensor.numpy())


def compare(actual_path, expected_path, atol, rtol=0.0):
    """Prints the max abs error and exits non-zero beyond the tolerance."""
    actual, expected = np.load(actual_path), np.load(expected_path)
    if actual.shape != expected.shape:
        print(f"shape mismatch: {actual.shape} vs {expected.shape}")
        sys.exit(1)
    error = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    limit = atol + rtol * np.abs(expected)
    worst = float(error.max()) if error.size else 0.0
    ok = bool(np.all(error <= limit)) and np.all(np.isfinite(actual))
    print(f"{os.path.basename(actual_path)}: max_abs_error={worst:.3g} "
          f"atol={atol:g} {'ok' if ok else 'FAIL'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    # python loomref.py compare ACTUAL EXPECTED ATOL [RTOL]
    if len(sys.argv) in (5, 6) and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], *(float(v) for v in sys.argv[4:]))
    else:
        print(__doc__)
        sys.exit(2)
