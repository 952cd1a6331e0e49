// Schedules of the sparse ops (SparK): the active-site list, the compact
// stages and the dense copies of sparse values, for the CPU and CUDA.
#ifndef LOOM_SCHEDULES_SPARSESCHEDULES_H
#define LOOM_SCHEDULES_SPARSESCHEDULES_H

#include "schedules/Schedules.h"

namespace loom::schedules {

/// The site list: on the CPU, scans over rows, parallel where rows are
/// independent; on CUDA, kernels of independent sums (row counts, row
/// starts, per-pixel prefixes) and a scatter, so that nothing leaves the GPU.
void scheduleSparseSitesCpu(const SparseSiteFuncs &funcs, const ScheduleContext &context);
void scheduleSparseSitesCuda(const SparseSiteFuncs &funcs, const ScheduleContext &context);

/// sparse_conv2d: register tiles of tile_sites sites × tile_channels vectors of
/// output channels, parallel over blocks of active sites only (CPU); thread
/// blocks of sites × channels, reg_sites × reg_channels per thread (CUDA).
void scheduleSparseConv2DCpu(const SparseCompactFuncs &funcs, const ScheduleContext &context);
void scheduleSparseConv2DCuda(const SparseCompactFuncs &funcs,
                              const ScheduleContext &context);

/// Every other compact stage (gathers, norms, elementwise ops over sites).
void scheduleSparseCompactCpu(const SparseCompactFuncs &funcs, const ScheduleContext &context);
void scheduleSparseCompactCuda(const SparseCompactFuncs &funcs,
                               const ScheduleContext &context);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_SPARSESCHEDULES_H
