// Harness of the gemm-kernel experiment: for one shape, loads each variant's PTX SGEMM
// (entry `gemm`, parameters x, W, [bias], y) with the CUDA driver API, checks it against a
// double-precision reference of y = x·Wᵀ + bias on rows 0..127, the last 128 rows and 200
// random rows, every column (|err| ≤ 1e-4·(1 + Σ|x·w|) per element), then times it with
// CUDA events around single launches (3 warm-up, min and median of RUNS).
// usage: harness M N K BIAS RUNS NAME:PTX:BM:BN:THREADS...
#include <cuda.h>
#undef cuEventElapsedTime
extern "C" CUresult cuEventElapsedTime(float *, CUevent, CUevent);
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#define CK(x) do { CUresult r = (x); if (r != CUDA_SUCCESS) { const char *s; cuGetErrorString(r, &s); \
  fprintf(stderr, "%s: %s\n", #x, s); exit(1);} } while (0)
int main(int argc, char **argv) {
  if (argc < 7) { fprintf(stderr, "usage: M N K BIAS RUNS NAME:PTX:BM:BN:THREADS...\n"); return 2; }
  long M = atol(argv[1]), N = atol(argv[2]), K = atol(argv[3]);
  int bias = atoi(argv[4]), runs = atoi(argv[5]);
  CK(cuInit(0)); CUdevice dev; CK(cuDeviceGet(&dev, 0)); CUcontext ctx; CK(cuDevicePrimaryCtxRetain(&ctx, dev)); CK(cuCtxSetCurrent(ctx));
  std::mt19937 rng(1); std::uniform_real_distribution<float> g(-1, 1);
  std::vector<float> x(M * K), w(N * K), b(N), y(M * N);
  for (auto &v : x) v = g(rng); for (auto &v : w) v = g(rng); for (auto &v : b) v = g(rng);
  auto up = [&](std::vector<float> &h) { CUdeviceptr p; CK(cuMemAlloc(&p, h.size() * 4)); CK(cuMemcpyHtoD(p, h.data(), h.size() * 4)); return p; };
  CUdeviceptr dx = up(x), dw = up(w), db = up(b), dy = up(y);
  std::vector<long> rows;
  for (long m = 0; m < std::min<long>(128, M); ++m) rows.push_back(m);
  for (long m = std::max<long>(0, M - 128); m < M; ++m) rows.push_back(m);
  for (int i = 0; i < 200; ++i) rows.push_back(rng() % M);
  std::vector<double> ref(rows.size() * N), mag(rows.size() * N);
  for (size_t i = 0; i < rows.size(); ++i) for (long n = 0; n < N; ++n) {
    long m = rows[i]; double r = bias ? b[n] : 0, a = 0;
    for (long k = 0; k < K; ++k) { double p = double(x[m * K + k]) * w[n * K + k]; r += p; a += std::fabs(p); }
    ref[i * N + n] = r; mag[i * N + n] = a;
  }
  int failed = 0;
  for (int s = 6; s < argc; ++s) {
    std::string spec = argv[s]; std::vector<std::string> part; std::stringstream sp(spec); std::string item;
    while (std::getline(sp, item, ':')) part.push_back(item);
    std::ifstream f(part[1]); std::stringstream ss; ss << f.rdbuf(); std::string ptx = ss.str();
    int BM = std::stoi(part[2]), BN = std::stoi(part[3]), T = std::stoi(part[4]);
    CUmodule mod; CK(cuModuleLoadData(&mod, ptx.c_str())); CUfunction fn; CK(cuModuleGetFunction(&fn, mod, "gemm"));
    int regs = 0; cuFuncGetAttribute(&regs, CU_FUNC_ATTRIBUTE_NUM_REGS, fn);
    std::vector<void *> args = {&dx, &dw};
    if (bias) args.push_back(&db);
    args.push_back(&dy);
    unsigned gx = (N + BN - 1) / BN, gy = (M + BM - 1) / BM;
    auto launch = [&] { CK(cuLaunchKernel(fn, gx, gy, 1, T, 1, 1, 0, 0, args.data(), nullptr)); };
    CK(cuMemsetD32(dy, 0x7fc00000, M * N)); // NaN: an unwritten output fails the check
    launch(); CK(cuCtxSynchronize());
    CK(cuMemcpyDtoH(y.data(), dy, y.size() * 4));
    double worst = 0; long bad = 0;
    for (size_t i = 0; i < rows.size(); ++i) for (long n = 0; n < N; ++n) {
      double err = std::fabs(ref[i * N + n] - y[rows[i] * N + n]);
      if (!(err <= 1e-4 * (1 + mag[i * N + n]))) ++bad;
      if (!(err <= worst)) worst = err;
    }
    failed |= bad > 0;
    CUevent e0, e1; CK(cuEventCreate(&e0, 0)); CK(cuEventCreate(&e1, 0));
    std::vector<float> ms;
    for (int r = 0; r < runs + 3; ++r) { CK(cuEventRecord(e0, 0)); launch(); CK(cuEventRecord(e1, 0)); CK(cuEventSynchronize(e1));
      float t; CK(cuEventElapsedTime(&t, e0, e1)); if (r >= 3) ms.push_back(t); }
    std::sort(ms.begin(), ms.end());
    printf("%ldx%ld->%ld %-10s %s err %.2g  min %.4f ms  median %.4f ms  %.1f TFLOP/s  %d regs  grid %ux%u\n", M, K, N,
           part[0].c_str(), bad ? "FAIL" : "ok", worst, ms[0], ms[ms.size() / 2], 2.0 * M * N * K / (ms[0] * 1e-3) / 1e12, regs, gx, gy);
    fflush(stdout);
    CK(cuModuleUnload(mod));
  }
  return failed;
}
