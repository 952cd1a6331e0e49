#!/usr/bin/env python3
"""Writes a .npy file (valid or broken in one named way). Usage: make_npy.py KIND OUT"""
import io
import sys

import numpy as np


def saved(array, version=None):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array)
    else:
        np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def raw(header, data=b"", version=1):
    """A hand-written header dict (str), padded like numpy's writer."""
    header = header.encode()
    prefix = 10 if version == 1 else 12
    header += b" " * ((64 - (prefix + len(header) + 1) % 64) % 64) + b"\n"
    size = len(header).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + size + header + data


F4 = np.arange(6, dtype=np.float32).reshape(2, 3) - 1.5


def build(kind):
    if kind == "f4":
        return saved(F4)
    if kind == "f4-scalar":
        return saved(np.float32(2.5))
    if kind == "f4-v2":
        return saved(F4, version=(2, 0))
    if kind == "f4-v3":
        return saved(F4, version=(3, 0))
    if kind == "i4":
        return saved(np.array([3, -4, 5], dtype=np.int32))
    if kind == "i8":
        return saved(np.array([[1, -2], [2**31 - 1, -2**31]], dtype=np.int64))
    if kind == "i8-overflow":
        return saved(np.array([1, 2**40], dtype=np.int64))
    if kind == "f8":
        return saved(np.array([0.25, 1e-3, -7.5], dtype=np.float64))
    if kind == "fortran":
        return saved(np.asfortranarray(F4))
    if kind == "truncated":
        return saved(F4)[:-4]
    if kind == "trailing":
        return saved(F4) + b"\0\0\0\0"
    if kind == "big-endian":
        return saved(F4.astype(">f4"))
    if kind == "f2":
        return saved(F4.astype(np.float16))
    if kind == "bad-magic":
        return b"\x93NUMPX" + saved(F4)[6:]
    if kind == "version-9":
        return raw("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", version=9)
    if kind == "header-past-eof":
        return saved(F4)[:40]
    if kind == "missing-key":
        return raw("{'descr': '<f4', 'shape': (6,), }", F4.tobytes())
    if kind == "structured":
        return saved(np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
    if kind == "shape-not-tuple":
        return raw("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", F4.tobytes())
    # Inputs for loomrt-tool's demo model.
    if kind == "demo-x":
        return saved(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    if kind == "demo-x-poison":
        return saved(np.array([[1234, 2, 3], [4, 5, 6]], dtype=np.float32))
    if kind == "demo-x-transposed":
        return saved(np.zeros((3, 2), dtype=np.float32))
    if kind == "demo-tokens":  # int64, numpy's default: read as i32
        return saved(np.array([10, 20]))
    raise SystemExit("unknown kind " + kind)


if __name__ == "__main__":
    with open(sys.argv[2], "wb") as out:
        out.write(build(sys.argv[1]))
