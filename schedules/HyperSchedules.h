// CPU and CUDA schedules of the hyperkernel ops.
#ifndef LOOM_SCHEDULES_HYPERSCHEDULES_H
#define LOOM_SCHEDULES_HYPERSCHEDULES_H

#include "schedules/HyperFuncs.h"
#include "schedules/Schedules.h"

namespace loom::schedules {

void scheduleHyperKernelCpu(const HyperKernelFuncs &funcs, const ScheduleContext &context);
void scheduleHyperKernelCuda(const HyperKernelFuncs &funcs, const ScheduleContext &context);
void scheduleHyperZZWCpu(const HyperZZWFuncs &funcs, const ScheduleContext &context);
void scheduleHyperZZWCuda(const HyperZZWFuncs &funcs, const ScheduleContext &context);

/// Whether hyper_zzw computes its context-dependent kernel (W ⊙ Z, and the
/// hyper_kernel output layer that feeds it alone) inside each channel task
/// rather than once per call: the `fuse_kernel` knob, when the tasks cover
/// whole planes (otherwise each row block would recompute it).
bool hyperZZWFusesKernel(const ScheduleContext &context);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_HYPERSCHEDULES_H
