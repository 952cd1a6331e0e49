// Harness of the scan-kernel experiment: loads a PTX selective-scan kernel
// with the CUDA driver API, checks it against a double-precision reference of
// LAYERS.md §3 (delta_softplus, A = −exp(A_log), D skip, silu(z) gate; atol
// 1e-4 + rtol 1e-5) or times it with CUDA events (min and median of `runs`).
// usage: harness PTX B D L N T check|time RUNS [Q]   (Q = −1: one block of T
// threads per (batch, channel), the block-scan grid); the kernel entry is
// `scan` or $KERNEL.
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
  if (argc < 9) { fprintf(stderr, "usage: PTX B D L N T mode runs\n"); return 2; }
  std::ifstream f(argv[1]); std::stringstream ss; ss << f.rdbuf(); std::string ptx = ss.str();
  int B = atoi(argv[2]), D = atoi(argv[3]), L = atoi(argv[4]), N = atoi(argv[5]), T = atoi(argv[6]);
  int Q = argc > 9 ? atoi(argv[9]) : 1;
  std::string mode = argv[7]; int runs = atoi(argv[8]);
  CK(cuInit(0)); CUdevice dev; CK(cuDeviceGet(&dev, 0)); CUcontext ctx; CK(cuDevicePrimaryCtxRetain(&ctx, dev)); CK(cuCtxSetCurrent(ctx));
  CUmodule mod; CK(cuModuleLoadData(&mod, ptx.c_str())); CUfunction fn; const char *entry = getenv("KERNEL") ? getenv("KERNEL") : "scan";
  CK(cuModuleGetFunction(&fn, mod, entry));
  size_t n3 = size_t(B) * D * L, nbc = size_t(B) * N * L;
  std::mt19937 rng(1); std::normal_distribution<float> g;
  std::vector<float> u(n3), dt(n3), z(n3), bm(nbc), cm(nbc), alog(size_t(D) * N), dsk(D), bias(D), y(n3);
  for (auto &x : u) x = g(rng); for (auto &x : z) x = g(rng); for (auto &x : dt) x = g(rng) - 4;
  for (auto &x : bm) x = g(rng); for (auto &x : cm) x = g(rng);
  for (int d = 0; d < D; ++d) { for (int n = 0; n < N; ++n) alog[size_t(d) * N + n] = std::log(n + 1.0f); dsk[d] = 1; bias[d] = 0.1f * g(rng); }
  auto up = [&](std::vector<float> &h) { CUdeviceptr p; CK(cuMemAlloc(&p, h.size() * 4)); CK(cuMemcpyHtoD(p, h.data(), h.size() * 4)); return p; };
  CUdeviceptr du = up(u), ddt = up(dt), dal = up(alog), db = up(bm), dc = up(cm), dd = up(dsk), dz = up(z), dbias = up(bias), dy = up(y);
  void *args[] = {&du, &ddt, &dal, &db, &dc, &dd, &dz, &dbias, &dy};
  unsigned gx = Q < 0 ? D : (D * Q + T - 1) / T;
  auto launch = [&] { CK(cuLaunchKernel(fn, gx, B, 1, T, 1, 1, 0, 0, args, nullptr)); };
  launch(); CK(cuCtxSynchronize());
  if (mode == "check") {
    CK(cuMemcpyDtoH(y.data(), dy, n3 * 4));
    double worst = 0, tol_fail = 0;
    for (int b = 0; b < B; ++b) for (int d = 0; d < D; ++d) {
      std::vector<double> h(N, 0.0);
      for (int l = 0; l < L; ++l) {
        size_t i = (size_t(b) * D + d) * L + l;
        double x = dt[i] + bias[d]; double delta = x > 20 ? x : std::log1p(std::exp(x));
        double acc = 0;
        for (int n = 0; n < N; ++n) {
          double A = -std::exp((double)alog[size_t(d) * N + n]);
          h[n] = std::exp(delta * A) * h[n] + delta * u[i] * bm[(size_t(b) * N + n) * L + l];
          acc += h[n] * cm[(size_t(b) * N + n) * L + l];
        }
        double zz = z[i]; double ref = (acc + dsk[d] * u[i]) * zz / (1 + std::exp(-zz));
        double err = std::fabs(ref - y[i]); worst = std::max(worst, err);
        if (err > 1e-4 + 1e-5 * std::fabs(ref)) tol_fail += 1;
      }
    }
    printf("check B=%d D=%d L=%d: max abs err %.3g, %g outside 1e-4+1e-5|y|\n", B, D, L, worst, tol_fail);
    return tol_fail > 0;
  }
  CUevent e0, e1; CK(cuEventCreate(&e0, 0)); CK(cuEventCreate(&e1, 0));
  std::vector<float> ms;
  for (int r = 0; r < runs + 3; ++r) { CK(cuEventRecord(e0, 0)); launch(); CK(cuEventRecord(e1, 0)); CK(cuEventSynchronize(e1));
    float t; CK(cuEventElapsedTime(&t, e0, e1)); if (r >= 3) ms.push_back(t); }
  std::sort(ms.begin(), ms.end());
  double bytes = 4.0 * (4.0 * n3 + 2.0 * nbc);
  printf("time Q=%d B=%d L=%d T=%d: min %.4f ms median %.4f ms, %.0f GB/s\n", Q, B, L, T, ms[0], ms[ms.size() / 2], bytes / (ms[0] * 1e-3) / 1e9);
  return 0;
}
