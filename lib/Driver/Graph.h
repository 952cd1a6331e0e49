// `loomc --emit=dot`: a loom.model as a Graphviz graph of its layers.
#ifndef LOOM_DRIVER_GRAPH_H
#define LOOM_DRIVER_GRAPH_H

#include "dialect/LoomDialect.h"

#include <string>

namespace loom {

struct GraphOptions {
  /// Draw every loom.param as a node of its own. By default parameters are
  /// folded into the layer that reads them: its label counts their values.
  bool showParams = false;
};

/// The model as a DOT digraph: one node per input, layer op and output (label:
/// layer name, op, result type), one edge per use of a value. Ops that
/// loom-fuse-elementwise marked (after the pass pipeline) are dashed and
/// grouped with the op whose loop nest computes them.
std::string modelToDot(ModelOp model, const GraphOptions &options);

} // namespace loom

#endif // LOOM_DRIVER_GRAPH_H
