// lowerModelToHalide: plans which Funcs are materialized (fusion groups),
// emits every op's algorithm, applies its schedule and gathers the outputs.
#include "lib/Halide/Emitter.h"

#include "lib/Halide/EmitCore.h"
#include "lib/Halide/EmitSparse.h"
#include "lib/Halide/EmitSSM.h"
#include "lib/Halide/ScanKernel.h"
#include "lib/Halide/GemmKernel.h"
#include "lib/Halide/EmitHyper.h"
#include "schedules/HyperSchedules.h"
#include "lib/Halide/EmitNested.h"
#include "dialect/LoomNested.h"
#include "lib/Halide/Segments.h"
#include "schedules/ScheduleUtil.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>
#include <optional>
#include <variant>

using namespace mlir;
using namespace loom;
using namespace loom::schedules;

ScheduleTarget loom::scheduleTargetOf(const Halide::Target &target) {
  return target.has_gpu_feature() ? ScheduleTarget::Cuda : ScheduleTarget::Cpu;
}

namespace {

/// How an op's result is computed.
enum class Role {
  /// A layer op with a schedule of its own; the result of it, or of the last
  /// elementwise op fused into it, is materialized.
  Anchor,
  /// A fused elementwise op computed inside the loops of its anchor.
  ChainMember,
  /// A fused elementwise op inlined into its (elementwise) consumers.
  Inline,
  /// A fused elementwise op that cannot join a producer and whose consumers
  /// would recompute it: materialized with a pointwise schedule.
  Root,
};

/// The Funcs of an op that its schedule needs beyond the stored one.
using OpFuncs = std::variant<std::monostate, LinearFuncs, ConvolutionFuncs, NormFuncs,
                             SoftmaxFuncs, GlobalAvgPool2DFuncs,
                             SelectiveScanFuncs, SSDScanFuncs, HyperKernelFuncs,
                             HyperZZWFuncs, NestedFFNFuncs, NestedEmbeddingFuncs,
                             TransposeFuncs>;

std::vector<int64_t> shapeOf(Value value) {
  auto shape = cast<RankedTensorType>(value.getType()).getShape();
  return std::vector<int64_t>(shape.begin(), shape.end());
}

std::vector<int64_t> halideExtents(const std::vector<int64_t> &shape) {
  return std::vector<int64_t>(shape.rbegin(), shape.rend());
}

/// A C identifier for a tensor or output name ("fc.weight" -> "fc_weight").
std::string identifierFor(StringRef name) {
  std::string id;
  for (char ch : name)
    id += (isalnum(static_cast<unsigned char>(ch)) || ch == '_') ? ch : '_';
  if (id.empty() || isdigit(static_cast<unsigned char>(id[0])))
    id = "t_" + id;
  return id;
}

Halide::Type halideType(Value value) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  return element.isInteger(32) ? Halide::Int(32) : Halide::Float(32);
}

/// Dense strides and exact bounds: static shapes let Halide drop tail checks.
template <typename Dimensioned>
void constrainDense(Dimensioned &&buffer, const std::vector<int64_t> &extents) {
  int stride = 1;
  for (size_t dim = 0; dim < extents.size(); ++dim) {
    buffer.dim(dim).set_bounds(0, static_cast<int>(extents[dim])).set_stride(stride);
    stride *= static_cast<int>(extents[dim]);
  }
}

/// Computes `func` over exactly [0, extent) in every dimension (Halide order).
void boundWhole(Halide::Func func, const std::vector<int64_t> &extents) {
  for (size_t dim = 0; dim < extents.size(); ++dim)
    func.bound(func.args()[dim], 0, static_cast<int>(extents[dim]));
}

/// The autoschedulers' estimate of a dense buffer: [0, extent) per dimension.
Halide::Region estimateRegion(const std::vector<int64_t> &extents) {
  Halide::Region region;
  for (int64_t extent : extents)
    region.push_back(Halide::Range(0, static_cast<int>(extent)));
  return region;
}

class Lowering {
public:
  Lowering(ModelOp model, const Halide::Target &target, int64_t segmentOps,
           bool applySchedules)
      : model(model), target(target), scheduleTarget(scheduleTargetOf(target)),
        segmentLimit(segmentOps), applySchedules(applySchedules),
        sparse(target, scheduleTarget, [this](Value value) -> const Tensor & {
          return tensor(value);
        }, [this](StringRef base) { return uniqueName(base); }) {}

  FailureOr<LoweredModel> run();

private:
  /// Whether `op` (a slice or reshape) only re-indexes a buffer that the
  /// pipeline has anyway, for consumers that can read through it. Called in
  /// program order, when its producer's role is known.
  bool isBufferView(Operation &op) {
    Value result = op.getResult(0);
    // Extern stages (the scan kernel, the SGEMM kernel) are handed buffers:
    // a view is copied for them, as a materialized value.
    if (result.use_empty() || llvm::any_of(result.getUsers(), [&](Operation *user) {
          StringRef name = user->getName().getStringRef();
          auto linear = dyn_cast<LinearOp>(user);
          return isa<OutputOp, SelectiveScanOp>(user) || (linear && gemmKernelShape(linear)) ||
                 name.starts_with("loom.sparse_") || name.starts_with("loom.mask_");
        }))
      return false;
    Operation *producer = op.getOperand(0).getDefiningOp();
    if (!producer || isa<InputOp, ParamOp>(producer))
      return true;
    if (isa<SliceOp, ReshapeOp>(producer))
      return roles.lookup(producer) == Role::Inline;
    // A fused elementwise op read by a slice or reshape (neither
    // elementwise nor a transpose) is stored: it ends its anchor's chain, or
    // it is a root of its own.
    if (isFused(producer))
      return true;
    auto stored = storedValue.find(producer);
    return roles.lookup(producer) == Role::Anchor && stored != storedValue.end() &&
           stored->second == op.getOperand(0);
  }

  bool isFused(Operation *op) const {
    return op->hasAttr("loom.fused") && loom::isElementwise(op);
  }
  void plan();
  std::string uniqueName(StringRef base);
  LogicalResult emit(Operation *op);
  LogicalResult schedule(Operation *op);
  LogicalResult sealSegment(Operation *last, bool final);
  ScheduleContext contextFor(Value stored, KnobValues knobs) const;
  /// The extern stage that runs `scan` with the block-scan kernel
  /// (ScanKernel.h), or nothing when the kernel does not apply (a length no
  /// chunk divides, an input that is not a buffer); failure when MLIR cannot
  /// make the PTX.
  FailureOr<std::optional<Halide::Func>> emitScanKernel(SelectiveScanOp scan,
                                                        const std::string &name);
  /// The extern stage that runs `linear` with the register-tiled SGEMM
  /// (GemmKernel.h), or nothing when the kernel does not apply (K or N not a
  /// multiple of 4, fewer rows or features than knobs kernel_min_rows and
  /// kernel_min_features, an elementwise op fused after it, an input that is
  /// not a buffer); failure when MLIR cannot make the PTX.
  FailureOr<std::optional<Halide::Func>> emitGemmKernel(LinearOp linear,
                                                        const std::string &name);
  /// The SGEMM kernel's problem and tiling for `linear` when its knobs and
  /// shape let it run the kernel (CUDA, schedules applied); the emitter
  /// also needs buffers for its operands and nothing fused after it.
  std::optional<GemmKernelShape> gemmKernelShape(LinearOp linear);
  /// The extern-stage arguments of `operands`, their extents appended to
  /// `kernel.bufferExtents`: each must be an input's or parameter's buffer
  /// or a materialized value (then bounded whole); false otherwise.
  bool externInputs(llvm::ArrayRef<Value> operands, ExternKernel &kernel,
                    std::vector<Halide::ExternFuncArgument> &arguments);
  /// The extern stage `name` that launches `kernel` (its output's extents
  /// last in bufferExtents), computed whole on the GPU; recorded in `kernels`.
  Halide::Func externStage(ExternKernel kernel, const std::string &name,
                           const std::vector<Halide::ExternFuncArgument> &arguments);

  const Tensor &tensor(Value value) const { return tensors.find(value)->second; }
  const Tensor *optionalTensor(Value value) const {
    return value ? &tensors.find(value)->second : nullptr;
  }

  ModelOp model;
  Halide::Target target;
  ScheduleTarget scheduleTarget;
  int64_t segmentLimit;
  /// False for a Halide autoscheduler: no Loom schedule, estimates instead.
  bool applySchedules;

  llvm::DenseMap<Operation *, Role> roles;
  /// Anchor -> the value whose Func it stores.
  llvm::DenseMap<Operation *, Value> storedValue;
  /// Materialized values that a loom.output returns -> that output's name.
  llvm::DenseMap<Value, std::string> outputNames;

  llvm::DenseMap<Value, Tensor> tensors;
  llvm::DenseMap<Operation *, OpFuncs> opFuncs;
  /// The run-time width of every nested layer (granularityLayers order).
  llvm::DenseMap<Operation *, Halide::Param<int32_t>> widths;
  std::vector<Halide::Param<int32_t>> widthParams;
  llvm::StringSet<> names;
  unsigned counter = 0;
  /// Sparse ops and the elementwise ops over their compact values.
  SparseLowering sparse;

  // Segmentation (Segments.h): values computed as a segment's output.
  llvm::DenseSet<Value> materialized;
  /// The buffer behind each loom.input / loom.param value (and each
  /// segment's input): what an extern stage is handed for it.
  llvm::DenseMap<Value, Halide::ImageParam> imageParamOf;
  /// The kernels that extern stages launch (ScanKernel.h).
  std::vector<ExternKernel> kernels;
  std::map<std::string, Halide::ImageParam> imageParamByName;
  std::vector<Operation *> segmentOps;
  std::vector<Segment> segments;
  std::optional<Halide::ImageParam> segmentInput;
  Halide::Func previousCall;
};

void Lowering::plan() {
  Block &body = model.getBody().front();
  bool gpu = scheduleTarget == ScheduleTarget::Cuda;
  for (Operation &op : body) {
    if (isa<InputOp, ParamOp, OutputOp>(op) || isFused(&op))
      continue;
    // A slice read only by transposes and elementwise ops (how
    // loom-decompose splits a block's projections, and crops a causal
    // convolution) is read through by them: materializing it would be a pass
    // over memory that only copies.
    if (isa<SliceOp>(op) && !op.getResult(0).use_empty() &&
        llvm::all_of(op.getResult(0).getUsers(), [](Operation *user) {
          return isa<TransposeOp>(user) || loom::isElementwise(user);
        })) {
      roles[&op] = Role::Inline;
      continue;
    }
    // A slice or reshape of a buffer (an input, a parameter, a layer's
    // stored result, or such a view of one) is an index map over that
    // buffer: on CUDA its consumers read through it. Materializing it would
    // be a kernel that only copies (the Mamba-2 and Hydra blocks split their
    // projections with slices, and heads with reshapes). Not for extern
    // stages, which are handed buffers, nor for outputs. (CPU builds keep
    // the copies: reading through them made the Hydra block 3-5% slower on
    // the CPU, and the Mamba and Mamba-2 blocks no faster.)
    if (gpu && isa<SliceOp, ReshapeOp>(op) && isBufferView(op)) {
      roles[&op] = Role::Inline;
      continue;
    }
    roles[&op] = Role::Anchor;
    // Fuse the elementwise ops that follow, while each is the only consumer
    // of the previous value and keeps its shape (so the anchor's tiles cover
    // it exactly).
    Value current = op.getResult(0);
    while (current.hasOneUse()) {
      Operation *user = *current.user_begin();
      if (!isFused(user) || roles.count(user) ||
          shapeOf(user->getResult(0)) != shapeOf(op.getResult(0)))
        break;
      roles[user] = Role::ChainMember;
      current = user->getResult(0);
    }
    storedValue[&op] = current;
  }
  for (Operation &op : body) {
    if (!isFused(&op) || roles.count(&op))
      continue;
    // Inlining into a reduction (a linear, a convolution) or an output would
    // recompute the op per use: materialize it then. On CUDA a transpose,
    // which reads each element once, computes the op on the way (the silu
    // between the Mamba-2 block's conv1d and its transpose back).
    bool elementwiseUsers = llvm::all_of(op.getResult(0).getUsers(), [&](Operation *user) {
      return loom::isElementwise(user) || (gpu && isa<TransposeOp>(user));
    });
    roles[&op] = elementwiseUsers ? Role::Inline : Role::Root;
  }
  for (auto &[op, role] : roles) {
    if (role == Role::Anchor)
      materialized.insert(storedValue[op]);
    else if (role == Role::Root)
      materialized.insert(op->getResult(0));
  }
  // A materialized value that a loom.output returns is the pipeline's output
  // Func itself, named after the (first) output.
  for (auto output : body.getOps<OutputOp>()) {
    Value value = output.getValue();
    // Only when no op reads it back: Halide 14 assumes its own vector
    // alignment for loads from a pipeline output's buffer, which the caller
    // allocates; an output that other ops consume is stored by a copy.
    bool onlyOutputs = llvm::all_of(value.getUsers(),
                                    [](Operation *user) { return isa<OutputOp>(user); });
    if (materialized.contains(value) && !outputNames.count(value) && onlyOutputs)
      outputNames[value] = identifierFor(output.getName());
  }
}

std::string Lowering::uniqueName(StringRef base) {
  std::string name = base.str();
  for (unsigned suffix = 1; !names.insert(name).second; ++suffix)
    name = (base + "_" + Twine(suffix)).str();
  return name;
}

LogicalResult Lowering::emit(Operation *op) {
  Value result = op->getResult(0);
  std::string name;
  auto output = outputNames.find(result);
  if (output != outputNames.end())
    name = uniqueName(output->second);
  else
    name = uniqueName((op->getName().stripDialect() + "_" + Twine(counter++)).str());
  std::vector<int64_t> shape = shapeOf(result);
  Halide::Func func;
  if (std::optional<Halide::Func> dense = sparse.emit(op, name)) {
    tensors[result] = Tensor{*dense, shape};
    return success();
  }

  bool supported = true, kernelFailed = false;
  // An op that runs as loomc's own kernel (an extern stage): its Funcs are
  // that stage's call. True when `call` is such a stage or failed (then
  // kernelFailed), false when the op takes its Halide path.
  auto externCall = [&](auto funcs, FailureOr<std::optional<Halide::Func>> call) {
    if (failed(call)) {
      kernelFailed = true;
      return true;
    }
    if (!*call)
      return false;
    funcs.result = **call;
    funcs.externKernel = true;
    func = funcs.result;
    opFuncs[op] = funcs;
    return true;
  };
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](LinearOp linear) {
        // CUDA: the register-tiled SGEMM kernel (knob `kernel`) where it
        // applies; a bad knob is reported when the op is scheduled.
        if (scheduleTarget == ScheduleTarget::Cuda && applySchedules &&
            externCall(LinearFuncs{}, emitGemmKernel(linear, name)))
          return;
        LinearFuncs funcs =
            emitLinear(tensor(linear.getInput()), tensor(linear.getWeight()),
                       optionalTensor(linear.getBias()), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](Conv1DOp conv) {
        ConvolutionFuncs funcs =
            emitConvolution(tensor(conv.getInput()), tensor(conv.getWeight()),
                            optionalTensor(conv.getBias()), {int64_t(conv.getStride())},
                            {int64_t(conv.getPadding())}, {int64_t(conv.getDilation())},
                            int64_t(conv.getGroups()), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](Conv2DOp conv) {
        ConvolutionFuncs funcs = emitConvolution(
            tensor(conv.getInput()), tensor(conv.getWeight()),
            optionalTensor(conv.getBias()), conv.getStride(), conv.getPadding(),
            conv.getDilation(), int64_t(conv.getGroups()), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](LayerNormOp norm) {
        NormFuncs funcs = emitLayerNorm(
            tensor(norm.getInput()), optionalTensor(norm.getWeight()),
            optionalTensor(norm.getBias()), norm.getEps().convertToDouble(), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](RMSNormOp norm) {
        NormFuncs funcs = emitRMSNorm(tensor(norm.getInput()), tensor(norm.getWeight()),
                                      norm.getEps().convertToDouble(), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](BatchNormOp norm) {
        func =
            emitBatchNorm(tensor(norm.getInput()), tensor(norm.getRunningMean()),
                          tensor(norm.getRunningVar()), tensor(norm.getWeight()),
                          tensor(norm.getBias()), norm.getEps().convertToDouble(), name);
      })
      .Case([&](ReluOp unary) { func = emitRelu(tensor(unary.getInput()), name); })
      .Case([&](SiluOp unary) { func = emitSilu(tensor(unary.getInput()), name); })
      .Case([&](SigmoidOp unary) { func = emitSigmoid(tensor(unary.getInput()), name); })
      .Case([&](TanhOp unary) { func = emitTanh(tensor(unary.getInput()), name); })
      .Case(
          [&](SoftplusOp unary) { func = emitSoftplus(tensor(unary.getInput()), name); })
      .Case([&](GeluOp gelu) {
        func = emitGelu(tensor(gelu.getInput()), gelu.getApproximate() == "tanh", name);
      })
      .Case([&](AddOp add) {
        func = emitAdd(tensor(add.getLhs()), tensor(add.getRhs()), shape, name);
      })
      .Case([&](MulOp mul) {
        func = emitMul(tensor(mul.getLhs()), tensor(mul.getRhs()), shape, name);
      })
      .Case([&](MaxPool2DOp pool) {
        auto kernel = pool.getKernel();
        func = emitMaxPool2D(tensor(pool.getInput()), kernel,
                             pool.getStride().value_or(kernel), pool.getPadding(), name);
      })
      .Case([&](AvgPool2DOp pool) {
        auto kernel = pool.getKernel();
        func = emitAvgPool2D(tensor(pool.getInput()), kernel,
                             pool.getStride().value_or(kernel), pool.getPadding(), name);
      })
      .Case([&](GlobalAvgPool2DOp pool) {
        GlobalAvgPool2DFuncs funcs = emitGlobalAvgPool2D(tensor(pool.getInput()), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](SoftmaxOp softmax) {
        int64_t rank = softmax.getType().getRank();
        int64_t axis = static_cast<int64_t>(softmax.getAxis());
        if (axis < 0)
          axis += rank;
        SoftmaxFuncs funcs = emitSoftmax(tensor(softmax.getInput()), axis, name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](EmbeddingOp embedding) {
        func =
            emitEmbedding(tensor(embedding.getIds()), tensor(embedding.getTable()), name);
      })
      .Case([&](ReshapeOp reshape) {
        func = emitReshape(tensor(reshape.getInput()), shape, name);
      })
      .Case([&](TransposeOp transpose) {
        func = emitTranspose(tensor(transpose.getInput()), transpose.getPerm(), name);
        // Halide dimension h is PyTorch's rank - 1 - h.
        llvm::ArrayRef<int64_t> perm = transpose.getPerm();
        int rank = static_cast<int>(perm.size());
        TransposeFuncs funcs{func, tensor(transpose.getInput()).func};
        for (int dim = 0; dim < rank; ++dim)
          if (perm[dim] == rank - 1)
            funcs.inputInner = rank - 1 - dim;
        funcs.resultInner = rank == 0 ? 0 : rank - 1 - static_cast<int>(perm[rank - 1]);
        opFuncs[op] = funcs;
      })
      .Case([&](ConcatOp concat) {
        std::vector<Tensor> inputs;
        for (Value input : concat.getInputs())
          inputs.push_back(tensor(input));
        int64_t axis = static_cast<int64_t>(concat.getAxis());
        if (axis < 0)
          axis += static_cast<int64_t>(shape.size());
        func = emitConcat(inputs, axis, name);
      })
      .Case([&](SliceOp slice) {
        int64_t rank = static_cast<int64_t>(shape.size());
        int64_t axis = static_cast<int64_t>(slice.getAxis());
        if (axis < 0)
          axis += rank;
        int64_t extent = shapeOf(slice.getInput())[axis];
        int64_t start = static_cast<int64_t>(slice.getStart());
        if (start < 0)
          start += extent;
        start = std::clamp<int64_t>(start, 0, extent);
        func = emitSlice(tensor(slice.getInput()), axis, start,
                         static_cast<int64_t>(slice.getStep()), shape, name);
      })
      .Case([&](SelectiveScanOp scan) {
        // GPUs run the chunked form, whose chunk length is a schedule knob;
        // CPUs the sequential one unless `chunked_scan` asks for the other
        // (to test it). A bad knob is reported when the op is scheduled.
        bool gpu = scheduleTarget == ScheduleTarget::Cuda;
        int64_t chunk = 0;
        bool fastMath = true, kernel = false;
        {
          ScopedDiagnosticHandler quiet(op->getContext(),
                                        [](Diagnostic &) { return success(); });
          FailureOr<KnobValues> knobs = knobValuesFor(op, scheduleTarget);
          if (succeeded(knobs) && (gpu || knobs->get("chunked_scan") != 0))
            chunk = knobs->get("chunk");
          if (succeeded(knobs))
            fastMath = knobs->get("fast_math") != 0;
          if (succeeded(knobs) && gpu)
            kernel = knobs->get("kernel") != 0;
        }
        if (kernel && applySchedules &&
            externCall(SelectiveScanFuncs{}, emitScanKernel(scan, name)))
          return;
        SelectiveScanFuncs funcs = emitSelectiveScan(
            tensor(scan.getU()), tensor(scan.getDelta()), tensor(scan.getA()),
            tensor(scan.getB()), tensor(scan.getC()), optionalTensor(scan.getD()),
            optionalTensor(scan.getZ()), optionalTensor(scan.getDeltaBias()),
            scan.getDeltaSoftplus(), scan.getAIsLog(), chunk, gpu, fastMath, name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](SSDScanOp scan) {
        // The chunked SSD algorithm or (knob `chunked` = 0) the sequential
        // recurrence; a bad knob is reported when the op is scheduled.
        int64_t chunk = 0;
        {
          ScopedDiagnosticHandler quiet(op->getContext(),
                                        [](Diagnostic &) { return success(); });
          FailureOr<KnobValues> knobs = knobValuesFor(op, scheduleTarget);
          if (succeeded(knobs) && knobs->get("chunked") != 0)
            chunk = std::max<int64_t>(knobs->get("chunk"), 1);
        }
        SSDScanFuncs funcs = emitSSDScan(
            tensor(scan.getX()), tensor(scan.getDt()), tensor(scan.getA()),
            tensor(scan.getB()), tensor(scan.getC()), optionalTensor(scan.getD()),
            optionalTensor(scan.getZ()), optionalTensor(scan.getDtBias()),
            scan.getDtSoftplus(), scan.getAIsLog(), scan.getReverse(), scan.getShift(), chunk,
            name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](GatedRMSNormOp norm) {
        NormFuncs funcs = emitGatedRMSNorm(
            tensor(norm.getInput()), tensor(norm.getGate()), tensor(norm.getWeight()),
            int64_t(norm.getGroupSize()), norm.getNormBeforeGate(),
            norm.getEps().convertToDouble(), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](HyperKernelOp hyper) {
        std::vector<Tensor> params;
        for (Value param : hyper.getParams())
          params.push_back(tensor(param));
        HyperKernelFuncs funcs = emitHyperKernel(
            optionalTensor(hyper.getContextInput()), params, hyper.getNet() == "siren",
            int64_t(hyper.getKernel()), int64_t(hyper.getChannels()),
            int64_t(hyper.getHidden()), int64_t(hyper.getLayers()),
            hyper.getOmega0().convertToDouble(), hyper.getBeta().convertToDouble(), name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](HyperZZWOp zzw) {
        HyperZZWFuncs funcs = emitHyperZZW(tensor(zzw.getInput()), tensor(zzw.getKernel()),
                                           zzw.getMode() == "elementwise", name);
        // A hyper_kernel whose only use is this op may be computed inside it.
        if (auto producer = zzw.getKernel().getDefiningOp<HyperKernelOp>();
            producer && zzw.getKernel().hasOneUse())
          funcs.fusableProducer = tensor(zzw.getKernel()).func;
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](FoldBatchNormWeightOp fold) {
        func = emitFoldBatchNormWeight(tensor(fold.getWeight()), tensor(fold.getRunningMean()),
                                       tensor(fold.getRunningVar()),
                                       tensor(fold.getNormWeight()),
                                       fold.getEps().convertToDouble(), name);
      })
      .Case([&](FoldBatchNormBiasOp fold) {
        func = emitFoldBatchNormBias(
            tensor(fold.getRunningMean()), tensor(fold.getRunningVar()),
            tensor(fold.getNormWeight()), tensor(fold.getNormBias()),
            optionalTensor(fold.getConvBias()), fold.getEps().convertToDouble(), name);
      })
      .Case([&](EmbedKernelOp embed) {
        func = emitEmbedKernel(tensor(embed.getWeight()), int64_t(embed.getSize()),
                               int64_t(embed.getDilation()), name);
      })
      .Case([&](NestedFFNOp ffn) {
        NestedFFNFuncs funcs = emitNestedFFN(
            tensor(ffn.getInput()), tensor(ffn.getFc1Weight()),
            optionalTensor(ffn.getFc1Bias()), tensor(ffn.getFc2Weight()),
            optionalTensor(ffn.getFc2Bias()), ffn.getActivation(), ffn.getGranularities(),
            widths.find(op)->second, name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Case([&](NestedEmbeddingOp embedding) {
        NestedEmbeddingFuncs funcs = emitNestedEmbedding(
            tensor(embedding.getInput()), embedding.getNormalize(),
            embedding.getGranularities(), widths.find(op)->second, name);
        func = funcs.result;
        opFuncs[op] = funcs;
      })
      .Default([&](Operation *) { supported = false; });
  if (kernelFailed)
    return failure();
  if (!supported)
    return op->emitError() << "no Halide lowering for '" << op->getName() << "'";
  tensors[result] = Tensor{func, shape};
  return success();
}

FailureOr<std::optional<Halide::Func>> Lowering::emitScanKernel(SelectiveScanOp scan,
                                                                const std::string &name) {
  ScanKernelShape shape;
  std::vector<int64_t> u = shapeOf(scan.getU()), a = shapeOf(scan.getA());
  shape.batch = u[0];
  shape.channels = u[1];
  shape.length = u[2];
  shape.states = a[1];
  shape.hasD = static_cast<bool>(scan.getD());
  shape.hasZ = static_cast<bool>(scan.getZ());
  shape.hasBias = static_cast<bool>(scan.getDeltaBias());
  shape.deltaSoftplus = scan.getDeltaSoftplus();
  shape.aIsLog = scan.getAIsLog();
  // The extern stage is the stored Func: no elementwise op fused after it.
  if (!chooseScanKernelTiling(shape) || storedValue.lookup(scan) != scan.getResult())
    return std::optional<Halide::Func>();
  // Every input must be a buffer the stage can be handed: an input or
  // parameter, or a value the pipeline materializes anyway.
  std::vector<Value> operands = {scan.getU(), scan.getDelta(), scan.getA(), scan.getB(),
                                 scan.getC()};
  for (Value optional : {scan.getD(), scan.getZ(), scan.getDeltaBias()})
    if (optional)
      operands.push_back(optional);
  std::vector<Halide::ExternFuncArgument> arguments;
  ExternKernel kernel;
  if (!externInputs(operands, kernel, arguments))
    return std::optional<Halide::Func>();
  kernel.bufferExtents.push_back(halideExtents(u));

  kernel.symbol = "loom_kernel_" + name;
  kernel.kernel = name + "_block_scan";
  std::string error;
  FailureOr<std::string> ptx = compileKernelToPTX(
      selectiveScanKernelMLIR(shape, kernel.kernel), "sm_80", error);
  if (failed(ptx))
    return scan.emitError() << "cannot build the block-scan kernel of this selective_scan: "
                            << error << " (knob kernel=0 uses the Halide schedule)";
  kernel.ptx = std::move(*ptx);
  kernel.grid[0] = static_cast<unsigned>(shape.channels);
  kernel.grid[1] = static_cast<unsigned>(shape.batch);
  kernel.block = static_cast<unsigned>(shape.threads);
  return std::optional<Halide::Func>(externStage(std::move(kernel), name, arguments));
}

std::optional<GemmKernelShape> Lowering::gemmKernelShape(LinearOp linear) {
  if (scheduleTarget != ScheduleTarget::Cuda || !applySchedules)
    return std::nullopt;
  ScopedDiagnosticHandler quiet(linear->getContext(), [](Diagnostic &) { return success(); });
  FailureOr<KnobValues> knobs = knobValuesFor(linear, scheduleTarget);
  if (failed(knobs) || knobs->get("kernel") == 0)
    return std::nullopt;
  std::vector<int64_t> input = shapeOf(linear.getInput()), output = shapeOf(linear.getResult());
  GemmKernelShape shape;
  shape.inFeatures = input.back();
  shape.outFeatures = output.back();
  shape.rows = 1;
  for (size_t dim = 0; dim + 1 < input.size(); ++dim)
    shape.rows *= input[dim];
  shape.hasBias = static_cast<bool>(linear.getBias());
  // Measured on the H100 (gpu_linear.py): below 256 rows (64 × 768 → 3072)
  // and 32 features (8192 × 1536 → 24) the Halide schedules are faster.
  if (input.size() < 2 || shape.rows < knobs->get("kernel_min_rows") ||
      shape.outFeatures < knobs->get("kernel_min_features") ||
      !chooseGemmKernelTiling(shape, knobs->get("kernel_tile")))
    return std::nullopt;
  return shape;
}

FailureOr<std::optional<Halide::Func>> Lowering::emitGemmKernel(LinearOp linear,
                                                                const std::string &name) {
  std::optional<GemmKernelShape> tiled = gemmKernelShape(linear);
  if (!tiled)
    return std::optional<Halide::Func>();
  GemmKernelShape shape = *tiled;
  std::vector<int64_t> output = shapeOf(linear.getResult());
  // The extern stage is the stored Func: no elementwise op fused after it.
  if (storedValue.lookup(linear) != linear.getResult())
    return std::optional<Halide::Func>();
  std::vector<Value> operands = {linear.getInput(), linear.getWeight()};
  if (linear.getBias())
    operands.push_back(linear.getBias());
  std::vector<Halide::ExternFuncArgument> arguments;
  ExternKernel kernel;
  if (!externInputs(operands, kernel, arguments))
    return std::optional<Halide::Func>();
  kernel.bufferExtents.push_back(halideExtents(output));

  kernel.symbol = "loom_kernel_" + name;
  kernel.kernel = name + "_gemm";
  std::string error;
  FailureOr<std::string> ptx =
      compileKernelToPTX(gemmKernelMLIR(shape, kernel.kernel), "sm_80", error);
  if (failed(ptx))
    return linear.emitError() << "cannot build the SGEMM kernel of this linear: " << error
                              << " (knob kernel=0 uses the Halide schedule)";
  kernel.ptx = std::move(*ptx);
  kernel.grid[0] = shape.gridX();
  kernel.grid[1] = shape.gridY();
  kernel.block = static_cast<unsigned>(shape.threads());
  return std::optional<Halide::Func>(externStage(std::move(kernel), name, arguments));
}

bool Lowering::externInputs(llvm::ArrayRef<Value> operands, ExternKernel &kernel,
                            std::vector<Halide::ExternFuncArgument> &arguments) {
  std::vector<std::pair<Halide::Func, size_t>> computedInputs; // with their extents' index
  for (Value operand : operands) {
    if (auto param = imageParamOf.find(operand); param != imageParamOf.end()) {
      arguments.push_back(param->second);
    } else if (materialized.contains(operand)) {
      arguments.push_back(tensor(operand).func);
      computedInputs.emplace_back(tensor(operand).func, kernel.bufferExtents.size());
    } else {
      return false;
    }
    kernel.bufferExtents.push_back(halideExtents(shapeOf(operand)));
  }
  // Halide learns what an extern stage reads only at run time (the bounds
  // query), so without this every producer upstream would be compiled for
  // symbolic bounds. A GPU reduction's shared staging then has a dynamic
  // size, which Halide 14 moves to a global buffer that gave wrong,
  // run-to-run different sums (the rms_norm before examples/hybrid.loom's
  // mamba). The stage reads every input whole: say so statically.
  for (auto &[input, index] : computedInputs)
    boundWhole(input, kernel.bufferExtents[index]);
  return true;
}

Halide::Func Lowering::externStage(ExternKernel kernel, const std::string &name,
                                   const std::vector<Halide::ExternFuncArgument> &arguments) {
  // Computed whole and dense on the GPU; the glue's function of this name
  // launches the kernel (Artifacts.cpp).
  Halide::Func call(name);
  call.define_extern(kernel.symbol, arguments, Halide::Float(32),
                     static_cast<int>(kernel.bufferExtents.back().size()),
                     Halide::NameMangling::C, Halide::DeviceAPI::CUDA);
  call.compute_root();
  boundWhole(call, kernel.bufferExtents.back());
  kernels.push_back(std::move(kernel));
  return call;
}

ScheduleContext Lowering::contextFor(Value stored, KnobValues knobs) const {
  ScheduleContext context;
  context.stored = tensor(stored).func;
  context.extents = halideExtents(shapeOf(stored));
  context.knobs = std::move(knobs);
  context.target = target;
  return context;
}

LogicalResult Lowering::schedule(Operation *op) {
  if (sparse.handles(op))
    return sparse.schedule(op);
  Role role = roles.lookup(op);
  if (role == Role::ChainMember || role == Role::Inline)
    return success(); // Inlined: Halide's default.
  FailureOr<KnobValues> knobs = knobValuesFor(op, scheduleTarget);
  if (failed(knobs))
    return failure();
  Value stored = role == Role::Anchor ? storedValue[op] : op->getResult(0);
  ScheduleContext context = contextFor(stored, *knobs);
  bool cpu = scheduleTarget == ScheduleTarget::Cpu;
  const OpFuncs &funcs = opFuncs[op];

  if (role == Role::Root || loom::isElementwise(op) || isa<BatchNormOp>(op) ||
      isa<FoldBatchNormWeightOp, FoldBatchNormBiasOp, EmbedKernelOp>(op)) {
    cpu ? scheduleElementwiseCpu(context) : scheduleElementwiseCuda(context);
    return success();
  }
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](LinearOp) {
        auto &linear = std::get<LinearFuncs>(funcs);
        cpu ? scheduleLinearCpu(linear, context) : scheduleLinearCuda(linear, context);
      })
      .Case([&](Conv1DOp) {
        auto &conv = std::get<ConvolutionFuncs>(funcs);
        cpu ? scheduleConv1DCpu(conv, context) : scheduleConv1DCuda(conv, context);
      })
      .Case([&](Conv2DOp) {
        auto &conv = std::get<ConvolutionFuncs>(funcs);
        cpu ? scheduleConv2DCpu(conv, context) : scheduleConv2DCuda(conv, context);
      })
      .Case([&](LayerNormOp) {
        auto &norm = std::get<NormFuncs>(funcs);
        cpu ? scheduleLayerNormCpu(norm, context) : scheduleLayerNormCuda(norm, context);
      })
      .Case([&](RMSNormOp) {
        auto &norm = std::get<NormFuncs>(funcs);
        cpu ? scheduleRMSNormCpu(norm, context) : scheduleRMSNormCuda(norm, context);
      })
      .Case([&](SoftmaxOp) {
        auto &softmax = std::get<SoftmaxFuncs>(funcs);
        cpu ? scheduleSoftmaxCpu(softmax, context)
            : scheduleSoftmaxCuda(softmax, context);
      })
      .Case([&](GlobalAvgPool2DOp) {
        auto &pool = std::get<GlobalAvgPool2DFuncs>(funcs);
        cpu ? scheduleGlobalAvgPool2DCpu(pool, context)
            : scheduleGlobalAvgPool2DCuda(pool, context);
      })
      .Case([&](HyperKernelOp) {
        auto &hyper = std::get<HyperKernelFuncs>(funcs);
        cpu ? scheduleHyperKernelCpu(hyper, context) : scheduleHyperKernelCuda(hyper, context);
      })
      .Case([&](HyperZZWOp) {
        auto &zzw = std::get<HyperZZWFuncs>(funcs);
        cpu ? scheduleHyperZZWCpu(zzw, context) : scheduleHyperZZWCuda(zzw, context);
      })
      .Case<MaxPool2DOp, AvgPool2DOp>([&](Operation *) {
        cpu ? schedulePool2DCpu(context) : schedulePool2DCuda(context);
      })
      .Case([&](EmbeddingOp) {
        cpu ? scheduleEmbeddingCpu(context) : scheduleEmbeddingCuda(context);
      })
      .Case([&](SelectiveScanOp) {
        auto &scan = std::get<SelectiveScanFuncs>(funcs);
        cpu ? scheduleSelectiveScanCpu(scan, context)
            : scheduleSelectiveScanCuda(scan, context);
      })
      .Case([&](SSDScanOp) {
        auto &scan = std::get<SSDScanFuncs>(funcs);
        cpu ? scheduleSSDScanCpu(scan, context) : scheduleSSDScanCuda(scan, context);
      })
      .Case([&](GatedRMSNormOp) {
        auto &norm = std::get<NormFuncs>(funcs);
        cpu ? scheduleGatedRMSNormCpu(norm, context) : scheduleGatedRMSNormCuda(norm, context);
      })
      .Case([&](NestedFFNOp) {
        auto &ffn = std::get<NestedFFNFuncs>(funcs);
        cpu ? scheduleNestedFFNCpu(ffn, context) : scheduleNestedFFNCuda(ffn, context);
      })
      .Case([&](NestedEmbeddingOp) {
        auto &embedding = std::get<NestedEmbeddingFuncs>(funcs);
        cpu ? scheduleNestedEmbeddingCpu(embedding, context)
            : scheduleNestedEmbeddingCuda(embedding, context);
      })
      .Case([&](TransposeOp) {
        cpu ? scheduleDataMovementCpu(context)
            : scheduleTransposeCuda(std::get<TransposeFuncs>(funcs), context);
      })
      .Default([&](Operation *) {
        // reshape, concat, slice.
        cpu ? scheduleDataMovementCpu(context) : scheduleDataMovementCuda(context);
      });
  return success();
}

/// Ends the current segment at `last`: its ops become a pipeline of their
/// own whose output is `last`'s result, and later ops read that result from
/// an ImageParam (or, after the `final` cut, from the extern stage that
/// calls the segment in the model's pipeline).
LogicalResult Lowering::sealSegment(Operation *last, bool final) {
  for (Operation *op : segmentOps)
    if (failed(schedule(op)))
      return failure();
  Value boundary = last->getResult(0);
  std::vector<int64_t> shape = shapeOf(boundary);
  std::vector<int64_t> extents = halideExtents(shape);
  Halide::Func result = tensor(boundary).func;
  if (roles.lookup(last) == Role::Inline) {
    FailureOr<KnobValues> knobs = knobValuesFor(last, scheduleTarget);
    if (failed(knobs))
      return failure();
    ScheduleContext context = contextFor(boundary, *knobs);
    scheduleTarget == ScheduleTarget::Cpu ? scheduleElementwiseCpu(context)
                                          : scheduleElementwiseCuda(context);
  }
  constrainDense(result.output_buffer(), extents);

  Segment segment;
  segment.name = identifierFor(model.getSymName()) + "_segment_" +
                 std::to_string(segments.size());
  segment.pipeline = Halide::Pipeline(result);
  // The segment's arguments are whatever its pipeline reads: the previous segment's result,
  // inputs and parameters (also those of weight-only stages such as folded batch norms,
  // recomputed where they are used), and nested layers' widths. The call passes the same.
  std::vector<Halide::ExternFuncArgument> callArguments;
  for (const Halide::Argument &argument : segment.pipeline.infer_arguments()) {
    if (segmentInput && argument.name == segmentInput->name()) {
      segment.arguments.push_back(*segmentInput);
      callArguments.push_back(previousCall);
    } else if (auto image = imageParamByName.find(argument.name);
               image != imageParamByName.end()) {
      segment.arguments.push_back(image->second);
      callArguments.push_back(image->second);
    } else if (auto width = llvm::find_if(widthParams, [&](const Halide::Param<int32_t> &p) {
                 return p.name() == argument.name;
               });
               width != widthParams.end()) {
      segment.arguments.push_back(*width);
      callArguments.push_back(Halide::Expr(*width));
    } else {
      return last->emitError() << "segment " << segment.name << " reads '" << argument.name
                               << "', which is no argument of the model";
    }
  }

  // The call: an extern stage of the next segment's pipeline, computed whole
  // and dense, as the segment's output buffer constraints require.
  Halide::Func call(uniqueName(segment.name + "_call"));
  call.define_extern(segment.name, callArguments, halideType(boundary),
                     static_cast<int>(shape.size()), Halide::NameMangling::C,
                     scheduleTarget == ScheduleTarget::Cpu ? Halide::DeviceAPI::Host
                                                           : Halide::DeviceAPI::CUDA);
  call.compute_root();
  for (size_t dim = 0; dim < extents.size(); ++dim)
    call.bound(call.args()[dim], 0, static_cast<int>(extents[dim]));
  previousCall = call;
  segments.push_back(std::move(segment));
  segmentOps.clear();

  if (final) {
    tensors[boundary] = Tensor{call, shape};
    return success();
  }
  Halide::ImageParam input(halideType(boundary), static_cast<int>(shape.size()),
                           uniqueName(segments.back().name + "_result"));
  constrainDense(input, extents);
  segmentInput = input;
  imageParamOf[boundary] = input;
  tensors[boundary] = Tensor{Halide::Func(input), shape};
  return success();
}

FailureOr<LoweredModel> Lowering::run() {
  plan();
  Block &body = model.getBody().front();
  // Sparse models stay one pipeline: the site lists, shared by every layer of a
  // resolution, span the whole model, and segments do not pass them along. (CUDA models
  // are cut too: compileSegmented gives each segment's PTX module a name of its own.)
  bool spansSegments = false;
  for (Operation &op : body) {
    StringRef name = op.getName().getStringRef();
    spansSegments |= name.starts_with("loom.sparse_") || name.starts_with("loom.mask_");
  }
  std::vector<Operation *> cuts =
      planSegmentCuts(body, spansSegments ? 0 : segmentLimit, [&](Value value) {
        Role role = roles.lookup(value.getDefiningOp());
        return materialized.contains(value) || role == Role::Inline;
      });
  size_t nextCut = 0;
  std::vector<Halide::ImageParam> inputs, params;
  Operation *current = model;
  try {
    // One int32 scalar argument per nested layer, checked by the pipeline to
    // lie in [1, full width]; it defaults to the full width.
    for (const GranularityLayer &layer : granularityLayers(model)) {
      int32_t full = static_cast<int32_t>(layer.granularities.back());
      Halide::Param<int32_t> width(uniqueName(identifierFor(layer.name) + "_width"), full,
                                   1, full);
      if (!applySchedules)
        width.set_estimate(full);
      widths[layer.op] = width;
      widthParams.push_back(width);
    }
    for (Operation &op : body) {
      current = &op;
      if (isa<InputOp, ParamOp>(op)) {
        Value value = op.getResult(0);
        StringRef name =
            isa<InputOp>(op) ? cast<InputOp>(op).getName() : cast<ParamOp>(op).getName();
        std::vector<int64_t> shape = shapeOf(value);
        Halide::ImageParam param(halideType(value), static_cast<int>(shape.size()),
                                 uniqueName(identifierFor(name)));
        constrainDense(param, halideExtents(shape));
        if (!applySchedules)
          param.set_estimates(estimateRegion(halideExtents(shape)));
        (isa<InputOp>(op) ? inputs : params).push_back(param);
        imageParamByName.emplace(param.name(), param);
        imageParamOf[value] = param;
        tensors[value] = Tensor{Halide::Func(param), shape};
        continue;
      }
      if (isa<OutputOp>(op))
        continue;
      if (failed(emit(&op)))
        return failure();
      segmentOps.push_back(&op);
      if (nextCut < cuts.size() && cuts[nextCut] == &op &&
          failed(sealSegment(&op, ++nextCut == cuts.size())))
        return failure();
    }
    for (Operation *op : segmentOps) {
      current = op;
      if (applySchedules && failed(schedule(op)))
        return failure();
    }

    std::vector<Halide::Func> outputs;
    llvm::DenseSet<Value> returned;
    for (auto output : body.getOps<OutputOp>()) {
      current = output;
      Value value = output.getValue();
      std::vector<int64_t> shape = shapeOf(value);
      Halide::Func func = tensor(value).func;
      if (!outputNames.count(value) || !returned.insert(value).second) {
        // An input, a parameter, or a value already returned: a copy.
        Halide::Func copy(uniqueName(identifierFor(output.getName())));
        std::vector<Halide::Var> vars = makeVars(shape.size());
        define(copy, vars,
               tensor(value).at(std::vector<Halide::Expr>(vars.begin(), vars.end())));
        FailureOr<KnobValues> knobs = knobValuesFor(output, scheduleTarget);
        if (failed(knobs))
          return failure();
        ScheduleContext context;
        context.stored = copy;
        context.extents = halideExtents(shape);
        context.knobs = *knobs;
        context.target = target;
        if (applySchedules)
          scheduleTarget == ScheduleTarget::Cpu ? scheduleElementwiseCpu(context)
                                                : scheduleElementwiseCuda(context);
        func = copy;
      }
      constrainDense(func.output_buffer(), halideExtents(shape));
      if (!applySchedules)
        func.set_estimates(estimateRegion(halideExtents(shape)));
      outputs.push_back(func);
    }

    LoweredModel lowered;
    lowered.pipeline = Halide::Pipeline(outputs);
    lowered.segments = std::move(segments);
    lowered.kernels = std::move(kernels);
    lowered.imageParams = inputs;
    lowered.imageParams.insert(lowered.imageParams.end(), params.begin(), params.end());
    for (auto &param : lowered.imageParams)
      lowered.arguments.push_back(param);
    for (auto &width : widthParams)
      lowered.arguments.push_back(width);
    return lowered;
  } catch (const Halide::Error &error) {
    return current->emitError()
           << "Halide rejected the lowering of this op: " << error.what();
  }
}

} // namespace

FailureOr<LoweredModel> loom::lowerModelToHalide(ModelOp model,
                                                 const Halide::Target &target,
                                                 int64_t segmentOps,
                                                 bool applySchedules) {
  return Lowering(model, target, applySchedules ? segmentOps : 0, applySchedules).run();
}
