// Probe: the one-warp-per-block product with a block-level Register accumulator striped
// over gpu_lanes (registers for the whole reduction). ./warp_probe RC RR SLAB writes
// w.stmt (PTX inside). The schedule Loom uses: schedules/cuda/gemm.cpp scheduleWarpGemmCuda.
#include "Halide.h"
#include <cstdio>
using namespace Halide;
// w RC RR SLAB : one warp per block (32 lanes along the columns), register acc at block level
int main(int argc, char **argv) {
  int RC = atoi(argv[1]), RR = atoi(argv[2]), SLAB = atoi(argv[3]);
  const int M = 1024, N = 1024, K = 256, L = 32;
  ImageParam A(Float(32), 2, "A"), B(Float(32), 2, "B"); // A(k,row), B(k,col)
  Var c("c"), r("r");
  RDom k(0, K, "k");
  Func acc("acc"), out("out");
  acc(c, r) = 0.f;
  acc(c, r) += A(k, r) * B(k, c);
  out(c, r) = acc(c, r);
  out.bound(c, 0, N).bound(r, 0, M);
  Var cb("cb"), ci("ci"), tx("tx"), cr("cr"), rb("rb"), rr("rr");
  out.compute_root().split(c, cb, ci, RC*L).split(ci, cr, tx, L).split(r, rb, rr, RR)
     .reorder(cr, rr, tx, rb, cb).unroll(cr).unroll(rr).gpu_lanes(tx).gpu_blocks(rb, cb);
  RVar slab("slab"), ks("ks");
  Var atx("atx"), acr("acr");
  acc.compute_at(out, rb).store_in(MemoryType::Register);
  acc.split(c, acr, atx, L).reorder(acr, r, atx).unroll(acr).unroll(r).gpu_lanes(atx);
  acc.update().split(k, slab, ks, SLAB).split(c, acr, atx, L)
     .reorder(acr, r, ks, atx, slab).unroll(acr).unroll(r).gpu_lanes(atx);
  Func sa = A.in(), sb = B.in();
  for (Func f : {sa, sb}) {
    Var a0 = f.args()[0], a1 = f.args()[1], fu("fu"), lo("lo"), lx("lx");
    f.compute_at(acc, slab).store_in(MemoryType::GPUShared).reorder_storage(a1, a0)
     .fuse(a0, a1, fu).split(fu, lo, lx, L).reorder(lx, lo).gpu_lanes(lx).unroll(lo);
  }
  Target t = get_host_target().with_feature(Target::CUDA).with_feature(Target::CUDACapability80);
  out.compile_to_lowered_stmt("w.stmt", {A, B}, Text, t);
  printf("ok\n");
}
