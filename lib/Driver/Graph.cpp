// `loomc --emit=dot`: draws a loom.model as a Graphviz digraph. MLIR's own
// -view-op-graph draws every op with all its attributes (a model's hundreds
// of parameters and schedule dictionaries included), which is unreadable for
// a real model; this draws the layers as the spec names them.
#include "lib/Driver/Graph.h"

#include "lib/Transforms/Passes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

using namespace mlir;

namespace loom {
namespace {

/// DOT string contents: quotes and backslashes escaped; "\n" (the two
/// characters) is DOT's centred line break, so callers insert it themselves.
std::string escape(llvm::StringRef text) {
  std::string result;
  for (char c : text) {
    if (c == '"' || c == '\\')
      result += '\\';
    result += c;
  }
  return result;
}

/// "f32[1, 3, 32, 32]", as the language writes a type.
std::string typeString(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return "?";
  std::string element = tensor.getElementType().isInteger(32) ? "i32" : "f32";
  return element + shapeString(tensor.getShape());
}

/// 864, 9.2K, 1.3M, 2.1G: parameter counts at a glance.
std::string countString(int64_t count) {
  if (count < 1000)
    return std::to_string(count);
  static const char *suffixes[] = {"K", "M", "G", "T"};
  double value = static_cast<double>(count);
  int index = -1;
  while (value >= 1000 && index < 3) {
    value /= 1000;
    ++index;
  }
  return fmt::format("{:.{}f}{}", value, value < 10 ? 1 : 0, suffixes[index]);
}

int64_t elementCount(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return 0;
  int64_t count = 1;
  for (int64_t extent : tensor.getShape())
    if (__builtin_mul_overflow(count, extent, &count))
      return INT64_MAX;
  return count;
}

struct GraphWriter {
  ModelOp model;
  const GraphOptions &options;
  std::string out;
  llvm::DenseMap<Operation *, unsigned> ids;
  /// Params and the ops computed from params only (a hyper-kernel network, a
  /// folded batch-norm weight): drawn grey, as weight-side work.
  llvm::DenseSet<Operation *> constant;
  /// A fused op → the op whose loop nest computes it.
  llvm::DenseMap<Operation *, Operation *> fusedInto;

  GraphWriter(ModelOp model, const GraphOptions &options) : model(model), options(options) {}

  std::string node(Operation *op) { return fmt::format("n{}", ids.lookup(op)); }

  /// Params are folded into their users' labels unless options.showParams.
  bool hidden(Operation *op) const { return !options.showParams && isa<ParamOp>(op); }

  void classify() {
    unsigned next = 0;
    for (Operation &op : model.getBody().front()) {
      ids[&op] = next++;
      if (isa<ParamOp>(op)) {
        constant.insert(&op);
      } else if (!isa<InputOp, OutputOp>(op) && op.getNumOperands() > 0 &&
                 llvm::all_of(op.getOperands(), [&](Value v) {
                   return v.getDefiningOp() && constant.contains(v.getDefiningOp());
                 })) {
        constant.insert(&op);
      }
    }
    // Walk backwards so a chain of fused ops resolves to the op at its end.
    for (Operation &op : llvm::reverse(model.getBody().front())) {
      if (!op.hasAttr("loom.fused") || op.getNumResults() != 1 ||
          !op.getResult(0).hasOneUse())
        continue;
      Operation *user = *op.getResult(0).getUsers().begin();
      if (isa<OutputOp>(user))
        continue;
      fusedInto[&op] = fusedInto.lookup(user) ? fusedInto.lookup(user) : user;
    }
  }

  /// The values of the parameters `op` reads directly, each param once.
  int64_t foldedParamCount(Operation *op) {
    llvm::SetVector<Operation *> params;
    for (Value operand : op->getOperands())
      if (auto param = operand.getDefiningOp<ParamOp>())
        params.insert(param);
    int64_t total = 0;
    for (Operation *param : params)
      total = std::min<int64_t>(total + elementCount(param->getResult(0).getType()),
                                INT64_MAX / 2);
    return total;
  }

  std::string label(Operation *op) {
    llvm::SmallVector<std::string> lines;
    if (auto input = dyn_cast<InputOp>(op)) {
      lines = {escape(input.getName()), "input", typeString(input.getType())};
    } else if (auto output = dyn_cast<OutputOp>(op)) {
      lines = {escape(output.getName()), "output", typeString(output.getValue().getType())};
    } else if (auto param = dyn_cast<ParamOp>(op)) {
      lines = {escape(param.getName()), typeString(param.getType())};
    } else {
      std::string name = getLayerName(op);
      if (!name.empty())
        lines.push_back(escape(name));
      lines.push_back(escape(op->getName().stripDialect()));
      for (Value result : op->getResults())
        lines.push_back(typeString(result.getType()));
      if (!options.showParams)
        if (int64_t params = foldedParamCount(op))
          lines.push_back(countString(params) + " params");
    }
    return llvm::join(lines, "\\n");
  }

  std::string style(Operation *op) {
    if (isa<InputOp>(op))
      return "shape=invhouse, fillcolor=\"#d8f0d8\"";
    if (isa<OutputOp>(op))
      return "shape=house, fillcolor=\"#f6d8d8\"";
    if (isa<ParamOp>(op))
      return "shape=note, fillcolor=\"#eeeeee\", fontcolor=\"#555555\"";
    if (constant.contains(op))
      return "fillcolor=\"#eeeeee\", fontcolor=\"#555555\"";
    if (fusedInto.count(op))
      return "style=\"rounded,filled,dashed\", fillcolor=\"#fdf6e3\"";
    return "";
  }

  void writeNode(Operation *op, llvm::StringRef indent) {
    std::string attributes = fmt::format("label=\"{}\"", label(op));
    std::string extra = style(op);
    if (!extra.empty())
      attributes += ", " + extra;
    out += fmt::format("{}{} [{}];\n", indent.str(), node(op), attributes);
  }

  std::string write() {
    classify();
    out += fmt::format("digraph \"{}\" {{\n", escape(model.getSymName()));
    out += "  rankdir=TB;\n"
           "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#e8eef8\", "
           "fontname=\"Helvetica\", fontsize=10];\n"
           "  edge [color=\"#555555\", arrowsize=0.7];\n";
    // Clusters: an op together with the fused ops computed in its loop nest.
    llvm::MapVector<Operation *, llvm::SmallVector<Operation *>> clusters;
    for (Operation &op : model.getBody().front())
      if (Operation *root = fusedInto.lookup(&op))
        clusters[root].push_back(&op);
    llvm::DenseSet<Operation *> inCluster;
    for (auto &[root, members] : clusters) {
      std::string name = getLayerName(root);
      out += fmt::format("  subgraph cluster_{} {{\n", node(root));
      out += fmt::format("    label=\"loop nest of {}\"; style=dashed; color=\"#999999\"; "
                         "fontname=\"Helvetica\"; fontsize=9;\n",
                         escape(name.empty() ? root->getName().stripDialect() : name));
      for (Operation *member : members) {
        writeNode(member, "    ");
        inCluster.insert(member);
      }
      writeNode(root, "    ");
      inCluster.insert(root);
      out += "  }\n";
    }
    for (Operation &op : model.getBody().front())
      if (!hidden(&op) && !inCluster.contains(&op))
        writeNode(&op, "  ");
    for (Operation &op : model.getBody().front()) {
      if (hidden(&op))
        continue;
      for (Value operand : op.getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def || hidden(def))
          continue;
        out += fmt::format("  {} -> {};\n", node(def), node(&op));
      }
    }
    out += "}\n";
    return out;
  }
};

} // namespace

std::string modelToDot(ModelOp model, const GraphOptions &options) {
  return GraphWriter(model, options).write();
}

} // namespace loom
