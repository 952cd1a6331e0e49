// Probe: can Halide 14 keep a GPU thread's matrix-product accumulators in registers across
// a slab loop with shared-memory staging? ./probe 1: block-level Register accumulator
// (→ local memory per slab); ./probe 2 or 3: accumulator inside the thread loops with the
// staging stored at the block (→ refused as a race). See notes/gemm-gpu.md.
#include "Halide.h"
#include <cstdio>
using namespace Halide;
int main(int argc, char **argv) {
  int variant = atoi(argv[1]);
  const int M = 1024, N = 1024, K = 256;
  ImageParam A(Float(32), 2, "A"), B(Float(32), 2, "B"); // A(k,row), B(k,col)
  Var c("c"), r("r");
  RDom k(0, K, "k");
  Func acc("acc"), out("out");
  acc(c, r) = 0.f;
  acc(c, r) += A(k, r) * B(k, c);
  out(c, r) = acc(c, r);
  out.bound(c, 0, N).bound(r, 0, M);
  int RC = 8, RR = 8, TX = 16, TY = 16, SLAB = 16;
  Var cb("cb"), ci("ci"), tx("tx"), cr("cr"), rb("rb"), ri("ri"), ty("ty"), rr("rr");
  out.compute_root().split(c, cb, ci, RC*TX).split(ci, tx, cr, RC).split(r, rb, ri, RR*TY).split(ri, ty, rr, RR)
     .reorder(cr, rr, tx, ty, rb, cb).unroll(cr).unroll(rr).gpu_threads(tx, ty).gpu_blocks(rb, cb);
  RVar slab("slab"), ks("ks");
  Var atx("atx"), acr("acr"), aty("aty"), arr("arr");
  if (variant == 1) {
    acc.compute_at(out, rb).store_in(MemoryType::Register);
    acc.split(c, atx, acr, RC).split(r, aty, arr, RR).reorder(acr, arr, atx, aty).unroll(acr).unroll(arr).gpu_threads(atx, aty);
    acc.update().split(k, slab, ks, SLAB).split(c, atx, acr, RC).split(r, aty, arr, RR)
       .reorder(acr, arr, ks, atx, aty, slab).unroll(acr).unroll(arr).gpu_threads(atx, aty);
    acc.fold_storage(c, RC).fold_storage(r, RR);
    Func sa = A.in(), sb = B.in();
    for (Func f : {sa, sb}) {
      Var a0 = f.args()[0], a1 = f.args()[1], fu("fu"), lo("lo"), li("li"), lx("lx"), ly("ly");
      f.compute_at(acc, slab).store_in(MemoryType::GPUShared).reorder_storage(a1, a0)
       .fuse(a0, a1, fu).split(fu, lo, li, TX*TY).split(li, ly, lx, TX).reorder(lo, lx, ly).gpu_threads(lx, ly).unroll(lo);
    }
  }
  if (variant == 2 || variant == 3) {
    acc.compute_at(out, tx).store_in(MemoryType::Register).unroll(c).unroll(r);
    acc.update().split(k, slab, ks, SLAB).reorder(c, r, ks, slab).unroll(c).unroll(r);
    Func sa = A.in(), sb = B.in();
    for (Func f : {sa, sb}) {
      Var a0 = f.args()[0], a1 = f.args()[1], fu("fu"), lo("lo"), li("li"), lx("lx"), ly("ly");
      f.compute_at(acc, slab).store_at(out, rb).store_in(MemoryType::GPUShared);
      if (variant == 2)
       f.fuse(a0, a1, fu).split(fu, lo, li, TX*TY).split(li, ly, lx, TX).reorder(lo, lx, ly).gpu_threads(lx, ly).unroll(lo);
    }
  }
  Target t = get_host_target().with_feature(Target::CUDA).with_feature(Target::CUDACapability80);
  out.compile_to_lowered_stmt("v" + std::to_string(variant) + ".stmt", {A, B}, Text, t);
  out.compile_to_assembly("v" + std::to_string(variant) + ".s", {A, B}, "gemm", t);
  printf("ok\n");
}
