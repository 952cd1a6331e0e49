// CPU schedule of loom.conv1d: the conv2d schedule with one spatial dimension
// (vectors along the sequence, a register tile of output channels).
#include "schedules/cpu/Convolution.h"

namespace loom::schedules {

void scheduleConv1DCpu(const ConvolutionFuncs &funcs, const ScheduleContext &context) {
  scheduleConvolutionCpu(funcs, context);
}

} // namespace loom::schedules
