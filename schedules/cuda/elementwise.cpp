// CUDA schedule of the elementwise ops (activations, add, mul, batch_norm) when
// materialized: one element per thread, tile_x threads along the contiguous dimension ×
// tile_y along the others (fused).
#include "schedules/ScheduleUtil.h"

namespace loom::schedules {

void scheduleElementwiseCuda(const ScheduleContext &context) {
  // Four contiguous elements per thread when the rows allow it: 16-byte loads
  // and stores (ld/st.global.v4) instead of four 4-byte ones.
  constexpr int kLanes = 4;
  std::vector<Halide::Var> vars = context.stored.args();
  if (!vars.empty() && context.extents[0] % kLanes == 0 &&
      context.extents[0] >= kLanes * 8) {
    Halide::Var quad(vars[0].name() + "_quad"), lane(vars[0].name() + "_lane");
    Halide::Func stored = context.stored;
    stored.split(vars[0], quad, lane, kLanes).vectorize(lane);
    std::vector<Halide::Var> outer = vars;
    outer[0] = quad;
    std::vector<int64_t> extents = context.extents;
    extents[0] /= kLanes;
    scheduleTiledCuda(stored, outer, extents, context.knobs.get("tile_x"),
                      context.knobs.get("tile_y"));
    return;
  }
  schedulePointwiseCuda(context.stored, context.extents, context.knobs.get("tile_x"),
                        context.knobs.get("tile_y"));
}

} // namespace loom::schedules
