// The CPU schedule shared by conv1d and conv2d.
#ifndef LOOM_SCHEDULES_CPU_CONVOLUTION_H
#define LOOM_SCHEDULES_CPU_CONVOLUTION_H

#include "schedules/Schedules.h"

namespace loom::schedules {

void scheduleConvolutionCpu(const ConvolutionFuncs &funcs,
                            const ScheduleContext &context);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_CPU_CONVOLUTION_H
