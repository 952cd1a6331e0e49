#!/usr/bin/env python3
"""Writes a safetensors file (valid or broken in one named way) by hand with struct and json,
so that the tests need no `safetensors` package. Usage: make_safetensors.py KIND OUT"""
import json
import struct
import sys

import numpy as np


def image(header, data, pad=True):
    """header: dict or raw str/bytes; data: bytes of the data section."""
    text = header if isinstance(header, (str, bytes)) else json.dumps(header)
    raw = text.encode() if isinstance(text, str) else text
    if pad:  # the reference writer pads the header with spaces to 8 bytes
        raw += b" " * ((8 - len(raw) % 8) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


def tensors(entries, metadata=None):
    """entries: list of (name, dtype, numpy array); laid out back to back."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, array in entries:
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    return header, data


def f32(values):
    return np.array(values, dtype=np.float32)


W = ("w", "F32", np.arange(6, dtype=np.float32).reshape(2, 3))


def demo(weight=(1, 2, 3), bias_dtype="F32", drop=None, extra=False):
    bias = np.full(3, 0.5, dtype=np.float32 if bias_dtype == "F32" else np.float16)
    entries = [("layer.weight", "F32", f32(weight)), ("layer.bias", bias_dtype, bias),
               ("scale", "F32", f32(2.0))]
    if extra:
        entries.append(("unused.extra", "I32", np.zeros(2, dtype=np.int32)))
    return tensors([e for e in entries if e[0] != drop])


def build(kind):
    good_header, good_data = tensors(
        [W, ("b", "I32", np.array([7, 8, 9], dtype=np.int32)),
         ("empty", "F32", np.zeros((0, 4), dtype=np.float32)),
         ("half", "BF16", np.zeros(2, dtype=np.uint16))],
        metadata={"format": "pt", "note": "caf\u00e9 \"quoted\""})
    w_only = {"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
    data24 = np.arange(6, dtype=np.float32).tobytes()

    def w_with(**changes):
        entry = dict(w_only["w"], **changes)
        return image({"w": entry}, data24)

    if kind == "valid":
        return image(good_header, good_data)
    if kind == "truncated":  # the last 4 bytes of the data section are gone
        return image(good_header, good_data)[:-4]
    if kind == "tiny":
        return b"\x10\x00\x00"
    if kind == "header-past-eof":
        return struct.pack("<Q", 1000) + b'{"w": {}}'
    if kind == "bad-json":  # missing ',' between "shape" and "data_offsets"
        return image('{"w": {"dtype": "F32", "shape": [2, 3] "data_offsets": [0, 24]}}', data24)
    if kind == "trailing-text":
        return image(json.dumps(w_only) + " x", data24)
    if kind == "bad-utf8":
        return image(b'{"w\xff": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}', data24)
    if kind == "not-an-object":
        return image("[1, 2]", b"")
    if kind == "unknown-dtype":
        return w_with(dtype="F33")
    if kind == "size-mismatch":
        return w_with(data_offsets=[0, 20])
    if kind == "offsets-out-of-range":
        return w_with(data_offsets=[0, 48], shape=[4, 3])
    if kind == "offsets-reversed":
        return w_with(data_offsets=[24, 0])
    if kind == "negative-shape":
        return w_with(shape=[-2, 3])
    if kind == "float-shape":
        return w_with(shape=[2.0, 3])
    if kind == "missing-shape":
        return image({"w": {"dtype": "F32", "data_offsets": [0, 24]}}, data24)
    if kind == "extra-key":
        return w_with(layout="row-major")
    if kind == "bad-metadata":
        return image({"__metadata__": {"epoch": 3}, **w_only}, data24)
    if kind == "duplicate-tensor":
        entry = json.dumps(w_only["w"])
        return image('{"w": %s, "w": %s}' % (entry, entry), data24)
    if kind == "overlap":
        return image({"a": {"dtype": "F32", "shape": [6], "data_offsets": [0, 24]},
                      "b": {"dtype": "F32", "shape": [6], "data_offsets": [16, 40]}},
                     np.zeros(10, dtype=np.float32).tobytes())
    # Weights for loomrt-tool's demo model (weight [3], bias [3], scale []).
    if kind == "demo":
        return image(*demo(extra=True))
    if kind == "demo-unaligned":  # a 9-byte header puts every tensor at an odd address
        header, data = demo()
        text = json.dumps(header)
        return image(text + " " * ((9 - len(text) % 8) % 8), data, pad=False)
    if kind == "demo-bad-shape":
        return image(*demo(weight=(1, 2, 3, 4)))
    if kind == "demo-bad-dtype":
        return image(*demo(bias_dtype="F16"))
    if kind == "demo-missing":
        return image(*demo(drop="scale"))
    if kind == "demo-two-problems":
        header, data = demo(weight=(1, 2, 3, 4), drop="scale")
        return image(header, data)
    raise SystemExit("unknown kind " + kind)


if __name__ == "__main__":
    with open(sys.argv[2], "wb") as out:
        out.write(build(sys.argv[1]))
