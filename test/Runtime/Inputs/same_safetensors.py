#!/usr/bin/env python3
"""Exits 0 when two safetensors files hold the same metadata and tensors (dtype, shape and
bytes), whatever their layout; else prints the first difference and exits 1."""
import json
import struct
import sys


def contents(path):
    data = open(path, "rb").read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    metadata = header.pop("__metadata__", {})
    return metadata, {name: (t["dtype"], t["shape"], body[t["data_offsets"][0]:t["data_offsets"][1]])
                      for name, t in header.items()}


first, second = contents(sys.argv[1]), contents(sys.argv[2])
if first != second:
    sys.exit("different contents:\n%r\n%r" % (first, second))
print("same contents")
