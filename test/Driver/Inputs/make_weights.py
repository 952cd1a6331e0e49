"""Writes broken weight files for small_cnn: one tensor missing, one
misshaped, one mistyped, and a truncated file (plain Python, no numpy)."""
import json
import os
import struct
import sys


def save(path, tensors):
    """tensors: name -> (dtype, shape); the data is zeros."""
    header, offset = {}, 0
    for name, (dtype, shape) in sorted(tensors.items()):
        size = 4
        for extent in shape:
            size *= extent
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text + bytes(offset))


outdir = sys.argv[1]
save(os.path.join(outdir, "missing_tensor.safetensors"), {"other": ("F32", [2])})
save(os.path.join(outdir, "wrong_shape.safetensors"), {"stem.weight": ("F32", [32, 3, 5, 5])})
save(os.path.join(outdir, "wrong_dtype.safetensors"), {"stem.weight": ("I32", [32, 3, 3, 3])})
path = os.path.join(outdir, "truncated.safetensors")
save(path, {"stem.weight": ("F32", [32, 3, 3, 3])})
with open(path, "r+b") as f:
    f.truncate(os.path.getsize(path) - 100)
