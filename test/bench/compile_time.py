#!/usr/bin/env python3
# Usage: compile_time.py LOOMC [--ops 50,100,200,400] [--kinds relu,mlp,cnn] [--emit obj]
# Times `loomc --emit=<emit>` on generated specs whose op count grows (a chain of
# relu, a deep MLP of linear+gelu, a chain of conv2d+batch_norm+relu blocks) to
# show how compile time scales with the number of ops.
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def relu_chain(ops):
    lines = ["model relu_chain {", "  input x: f32[1, 64, 256]", "  h = x"]
    lines += ["  h = relu(h)"] * ops
    lines += ["  output y = h", "}"]
    return "\n".join(lines) + "\n"


def mlp(ops):
    # Two ops (linear, gelu) per layer.
    lines = ["model deep_mlp {", "  input x: f32[4, 64]", "  h = x",
             f"  for i in 0..{max(1, ops // 2)} as layers.{{i}} {{",
             "    fc = linear(h, out_features=64)", "    h = gelu(fc)", "  }",
             "  output y = h", "}"]
    return "\n".join(lines) + "\n"


def cnn(ops):
    # Three ops (conv2d, batch_norm, relu) per block.
    lines = ["model conv_chain {", "  input x: f32[1, 8, 16, 16]", "  h = x",
             f"  for i in 0..{max(1, ops // 3)} as blocks.{{i}} {{",
             "    conv = conv2d(h, out_channels=8, kernel=3, padding=1, bias=false)",
             "    bn = batch_norm(conv)", "    h = relu(bn)", "  }",
             "  output y = h", "}"]
    return "\n".join(lines) + "\n"


KINDS = {"relu": relu_chain, "mlp": mlp, "cnn": cnn}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("loomc")
    parser.add_argument("--ops", default="50,100,200,400")
    parser.add_argument("--kinds", default="relu,mlp,cnn")
    parser.add_argument("--emit", default="obj")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--extra", default="", help="extra loomc flags")
    args = parser.parse_args()
    # CPU seconds (user + system of loomc) are reported besides wall seconds:
    # they do not depend on how busy a shared machine is.
    print(f"{'spec':<6} {'ops':>5} {'wall_s':>8} {'cpu_s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds.split(","):
            for ops in map(int, args.ops.split(",")):
                spec = os.path.join(tmp, f"{kind}_{ops}.loom")
                with open(spec, "w") as f:
                    f.write(KINDS[kind](ops))
                out = os.path.join(tmp, f"{kind}_{ops}.o")
                cmd = [args.loomc, spec, f"--emit={args.emit}", "-o", out] + args.extra.split()
                start = time.perf_counter()
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                try:
                    result = subprocess.run(cmd, capture_output=True, text=True,
                                            timeout=args.timeout)
                    elapsed = time.perf_counter() - start
                    status = "" if result.returncode == 0 else "FAILED: " + result.stderr[-300:]
                except subprocess.TimeoutExpired:
                    elapsed, status = args.timeout, "TIMEOUT"
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                print(f"{kind:<6} {ops:>5} {elapsed:>8.2f} {cpu:>8.2f} {status}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
