// Splitting a long model into several Halide pipelines ("segments") so that
// Halide's compile time stays linear in the number of ops.
#ifndef LOOM_HALIDE_SEGMENTS_H
#define LOOM_HALIDE_SEGMENTS_H

#include "mlir/IR/Block.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <Halide.h>

#include <string>
#include <vector>

namespace loom {

/// The weight of a segment by default (loomc --segment-ops; the weights are
/// planSegmentCuts'). Halide 14 lowers one pipeline in time that grows
/// faster than linearly with its number of stages (a chain of 400 relu took
/// 11 s, 800 linear+gelu ops minutes); segments of this weight (10 linear +
/// gelu layers, 48 fused relu) keep it linear, and a cut needs this much on
/// both sides, so small models (examples/) stay one pipeline.
constexpr int64_t kDefaultSegmentOps = 48;

/// The ops after which the model is cut: each one is reached after ops of
/// the current segment that weigh at least `minOps` (a fused elementwise op
/// weighs 1, any other op 4: a loop nest of its own), and its result is the only value
/// that ops after it (loom.output included) read, besides inputs, parameters
/// and values computed from parameters alone (recomputed where used). `canCut(value)` vetoes values that cannot be a segment's
/// output. No cut leaves less than `minOps` to the last segment.
std::vector<mlir::Operation *>
planSegmentCuts(mlir::Block &body, int64_t minOps,
                llvm::function_ref<bool(mlir::Value)> canCut);

/// One segment: a pipeline compiled as its own function, called from the
/// next segment's extern stage.
struct Segment {
  Halide::Pipeline pipeline;
  std::vector<Halide::Argument> arguments;
  std::string name;
};

/// Compiles `main` and appends the functions of every segment to its module.
Halide::Module compileSegmented(Halide::Pipeline main,
                                const std::vector<Halide::Argument> &arguments,
                                const std::string &fnName,
                                const std::vector<Segment> &segments,
                                const Halide::Target &target);

} // namespace loom

#endif // LOOM_HALIDE_SEGMENTS_H
