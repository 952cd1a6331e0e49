"""cuBLAS fp32 (PyTorch F.linear with bias, TF32 off) at the gemm-kernel shapes: CUDA events
around single calls, 3 warm-up, min and median of RUNS.  usage: cublas.py RUNS M:N:K..."""
import sys
import torch
import torch.nn.functional as F
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
runs = int(sys.argv[1])
for s in sys.argv[2:]:
    M, N, K = map(int, s.split(":"))
    x = torch.rand(M, K, device="cuda") * 2 - 1
    w = torch.rand(N, K, device="cuda") * 2 - 1
    b = torch.rand(N, device="cuda") * 2 - 1
    ms = []
    for r in range(runs + 3):
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        e0.record(); F.linear(x, w, b); e1.record(); e1.synchronize()
        if r >= 3: ms.append(e0.elapsed_time(e1))
    ms.sort()
    print(f"{M}x{K}->{N} cublas     min {ms[0]:.4f} ms  median {ms[len(ms) // 2]:.4f} ms  "
          f"{2 * M * N * K / (ms[0] * 1e-3) / 1e12:.1f} TFLOP/s", flush=True)
