// Candidate knob values for `loomc tune` (the table sits beside the knob registry in Schedules.cpp).
#ifndef LOOM_SCHEDULES_TUNING_H
#define LOOM_SCHEDULES_TUNING_H

#include "schedules/Schedules.h"

#include <cstdint>
#include <vector>

namespace loom::schedules {

/// The values `loomc tune` tries for `knob` of `opName`'s schedule (the
/// default among them), ascending. Fewer than two: the knob is not searched
/// (it only exists to test a code path, or has nothing sensible to vary).
std::vector<int64_t> tuningCandidates(llvm::StringRef opName, ScheduleTarget target,
                                      const Knob &knob);

} // namespace loom::schedules

#endif // LOOM_SCHEDULES_TUNING_H
