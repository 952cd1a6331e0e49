// Segmentation of long models into several Halide pipelines (see Segments.h).
#include "lib/Halide/Segments.h"

#include "dialect/LoomDialect.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringRef.h"

#include <map>


using namespace mlir;

namespace {

/// An op's share of a segment. A fused elementwise op only adds to an
/// expression; any other op is a loop nest of its own (a linear or a
/// convolution: a register-tiled one), which costs Halide and LLVM several
/// times more to compile.
int64_t compileWeight(Operation &op) {
  return op.hasAttr("loom.fused") && loom::isElementwise(&op) ? 1 : 4;
}

} // namespace

std::vector<Operation *> loom::planSegmentCuts(Block &body, int64_t minOps,
                                               llvm::function_ref<bool(Value)> canCut) {
  std::vector<Operation *> cuts;
  if (minOps <= 0)
    return cuts;
  // Position of every op; a value is live after op i while a user follows.
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t total = 0;
  for (Operation &op : body) {
    position[&op] = static_cast<int64_t>(position.size());
    if (!isa<InputOp, ParamOp, OutputOp>(op))
      total += compileWeight(op);
  }
  // Values computed from parameters alone (folded batch norms, merged kernels, input-free
  // hyper-kernels) are no segment's output: a later segment recomputes them from the
  // parameters it is passed, so they neither block a cut nor make one.
  llvm::DenseSet<Value> fromInputs;
  llvm::DenseSet<Value> live;
  llvm::DenseMap<int64_t, std::vector<Value>> dyingAt; // last use -> values
  int64_t sinceCut = 0, seen = 0;
  for (Operation &op : body) {
    int64_t here = position[&op];
    for (Value dead : dyingAt.lookup(here))
      live.erase(dead);
    if (isa<InputOp>(op))
      fromInputs.insert(op.getResult(0));
    if (isa<InputOp, ParamOp, OutputOp>(op))
      continue;
    if (llvm::any_of(op.getOperands(), [&](Value v) { return fromInputs.contains(v); }))
      fromInputs.insert(op.getResult(0));
    sinceCut += compileWeight(op);
    seen += compileWeight(op);
    Value result = op.getResult(0);
    int64_t lastUse = -1;
    bool feedsOutput = false;
    for (Operation *user : result.getUsers()) {
      lastUse = std::max(lastUse, position.lookup(user));
      feedsOutput |= isa<OutputOp>(user);
    }
    if (lastUse > here && fromInputs.contains(result)) {
      live.insert(result);
      dyingAt[lastUse].push_back(result);
    }
    if (sinceCut >= minOps && total - seen >= minOps && live.size() == 1 &&
        live.contains(result) && !feedsOutput && canCut(result)) {
      cuts.push_back(&op);
      sinceCut = 0;
    }
  }
  return cuts;
}

namespace {

/// Renames a segment's module-level buffers in its functions' bodies. Halide
/// names a pipeline's GPU state and kernel source by the device API alone
/// ("cuda_buf", "cuda_gpu_source_kernels"); appended to one module, every
/// segment's kernels would resolve to one segment's PTX module (on the H100:
/// cuModuleGetFunction CUDA_ERROR_NOT_FOUND). Buffers are referred to by
/// name, as "NAME.buffer" variables and loads of "NAME".
class RenameBuffers : public Halide::Internal::IRMutator {
public:
  explicit RenameBuffers(const std::map<std::string, Halide::Buffer<>> &renamed)
      : renamed(renamed) {}

  using IRMutator::visit;

  Halide::Expr visit(const Halide::Internal::Variable *op) override {
    llvm::StringRef name = op->name;
    if (name.consume_back(".buffer"))
      if (auto it = renamed.find(name.str()); it != renamed.end())
        return Halide::Internal::Variable::make(op->type, it->second.name() + ".buffer",
                                                it->second);
    return op;
  }

  Halide::Expr visit(const Halide::Internal::Load *op) override {
    auto it = renamed.find(op->name);
    if (it == renamed.end() || !op->image.defined())
      return IRMutator::visit(op);
    return Halide::Internal::Load::make(op->type, it->second.name(), mutate(op->index),
                                        it->second, op->param, mutate(op->predicate),
                                        op->alignment);
  }

private:
  const std::map<std::string, Halide::Buffer<>> &renamed;
};

} // namespace

Halide::Module loom::compileSegmented(Halide::Pipeline main,
                                      const std::vector<Halide::Argument> &arguments,
                                      const std::string &fnName,
                                      const std::vector<Segment> &segments,
                                      const Halide::Target &target) {
  Halide::Module module = main.compile_to_module(arguments, fnName, target);
  for (const Segment &segment : segments) {
    // External linkage without metadata: the symbol is only called by the
    // next segment's extern stage, within this object.
    Halide::Pipeline pipeline = segment.pipeline;
    Halide::Module part = pipeline.compile_to_module(
        segment.arguments, segment.name, target, Halide::LinkageType::External);
    // Every buffer gets the segment's name as a suffix (copies: the originals may be
    // shared with the main pipeline's Funcs).
    std::map<std::string, Halide::Buffer<>> renamed;
    for (const Halide::Buffer<> &buffer : part.buffers()) {
      Halide::Buffer<> copy = buffer.copy();
      copy.set_name(buffer.name() + "_" + segment.name);
      renamed.emplace(buffer.name(), copy);
      module.append(copy);
    }
    RenameBuffers rename(renamed);
    for (Halide::Internal::LoweredFunc function : part.functions()) {
      function.body = rename.mutate(function.body);
      module.append(function);
    }
    for (const auto &submodule : part.submodules())
      module.append(submodule);
  }
  return module;
}
