"""CUDA-event timing and result cells shared by the GPU benchmarks (gpu_examples.py,
gpu_ops.py, gpu_gemm.py, gpu_linear.py). Their `build` step copies this file next to
themselves, so that the GPU machine, which has no checkout of the repository's layout,
finds it."""
import statistics


def cuda_times(torch, function, runs, warmup=10):
    """Min and median milliseconds of `function` over `runs` calls, each timed
    with CUDA events after `warmup` calls (PyTorch's own GPU timing)."""
    for _ in range(warmup):
        function()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        function()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return min(times), statistics.median(times)


def failure_cell(error):
    """A table cell for a variant that failed (the last line of its stderr): one broken
    variant must not hide the others."""
    detail = getattr(error, "stderr", "") or str(error)
    return f"FAILED: {detail.strip().splitlines()[-1][:160] if detail else error}"
