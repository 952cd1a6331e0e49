// Elaboration of a Loom syntax tree into the loom dialect (unrolling, naming, typing).
#include "lib/Parse/Elaborate.h"

#include "lib/Parse/Catalogue.h"
#include "dialect/LoomDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <functional>

using namespace mlir;
using namespace loom;
using namespace loom::parse;
using llvm::SMLoc;

namespace {

/// Unrolling stops after this many statements, loop iterations and
/// expressions, so that no input makes the parser run (nearly) forever.
constexpr int64_t kMaxSteps = 250'000;

/// The name of a layer and where it was written (`NAME = ...` or `name="..."`).
struct LayerName {
  std::string name;
  SMLoc loc;
};

struct Loop {
  std::string variable;
  int64_t value;
  SMLoc loc;
};

/// Up to three of `candidates` that are close to `name`, best first.
std::vector<std::string> closeMatches(StringRef name, ArrayRef<StringRef> candidates,
                                      bool allowPrefixes) {
  std::vector<std::pair<unsigned, std::string>> scored;
  unsigned limit = std::max<unsigned>(1, name.size() / 3);
  for (StringRef candidate : candidates) {
    unsigned distance = name.edit_distance(candidate, true, limit + 1);
    bool prefix = allowPrefixes && name.size() >= 3 &&
                  (candidate.starts_with(name) || name.starts_with(candidate));
    if ((distance <= limit && distance < name.size()) || prefix)
      scored.emplace_back(prefix ? std::min(distance, limit) : distance, candidate.str());
  }
  llvm::sort(scored);
  std::vector<std::string> result;
  for (auto &entry : llvm::make_range(scored.begin(),
                                      scored.begin() + std::min<size_t>(scored.size(), 3)))
    result.push_back(entry.second);
  return result;
}

/// "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
std::string alternatives(ArrayRef<std::string> names) {
  std::string text;
  for (auto [index, name] : llvm::enumerate(names)) {
    if (index > 0)
      text += index + 1 == names.size() ? " or " : ", ";
    text += "'" + name + "'";
  }
  return text;
}

std::string describe(const syntax::Literal &literal) {
  using Kind = syntax::Literal::Kind;
  switch (literal.kind) {
  case Kind::Integer: return "the integer " + std::to_string(literal.integer);
  case Kind::Float: return "a fractional number";
  case Kind::Bool: return literal.boolean ? "true" : "false";
  case Kind::String: return "a string";
  case Kind::List:
    return literal.elements.empty() ? std::string("an empty list")
                                    : "a list of " + std::to_string(literal.elements.size()) +
                                          (literal.elements.size() == 1 ? " value" : " values");
  }
  return "a value";
}

/// `proj`, `layers.0`: what `name="..."` accepts.
bool isLayerPath(StringRef text) {
  if (text.empty())
    return false;
  SmallVector<StringRef> segments;
  text.split(segments, '.');
  return llvm::all_of(segments, [](StringRef segment) {
    return !segment.empty() && llvm::all_of(segment, [](char c) {
      return llvm::isAlnum(c) || c == '_';
    });
  });
}

class Elaborator {
public:
  explicit Elaborator(const SourceLocator &source)
      : source(source), context(source.getContext()), builder(context) {}

  OwningOpRef<ModuleOp> run(const syntax::Model &model);

private:
  friend class CallBuilder;

  LogicalResult step(SMLoc loc);
  LogicalResult block(const std::vector<syntax::StmtPtr> &body);
  LogicalResult statement(const syntax::Stmt &stmt);
  LogicalResult input(const syntax::Stmt &stmt);
  LogicalResult output(const syntax::Stmt &stmt);
  LogicalResult forLoop(const syntax::Stmt &stmt);
  FailureOr<std::string> expandPath(ArrayRef<syntax::PathSegment> path);
  std::string qualify(StringRef name) const;

  FailureOr<Value> evaluate(const syntax::Expr &expr, const LayerName *layer);
  FailureOr<Value> lookup(StringRef name, SMLoc loc);
  FailureOr<Value> call(const syntax::Expr &expr, const LayerName *layer);
  FailureOr<Arguments> bind(const OpSpec &spec, const syntax::Expr &call,
                            const syntax::Literal *&nameValue);
  LogicalResult checkValue(const OpSpec &op, const KeywordSpec &spec,
                           const syntax::KeywordArgument &keyword);
  LogicalResult checkTensor(const OpSpec &op, unsigned index, Value value, SMLoc loc);
  FailureOr<Value> apply(const OpSpec &spec, ValueRange operands, const Arguments &args,
                         const LayerName *layer, SMLoc loc);

  const SourceLocator &source;
  MLIRContext *context;
  OpBuilder builder;
  int64_t steps = 0;

  llvm::StringMap<Value> variables;
  llvm::StringMap<SMLoc> layers, inputs, outputs;
  /// Where each name is first assigned in the file, to tell a use before the
  /// definition (or a cycle) from a misspelling.
  llvm::StringMap<SMLoc> assignments;
  std::vector<Loop> loops;
  /// The dotted prefixes of the enclosing scopes, innermost last.
  std::vector<std::string> scopes;
};

/// Gives an op's builder function its parameters and typed ops, named after
/// the layer being built.
class CallBuilder final : public LayerBuilder {
public:
  CallBuilder(Elaborator &elaborator, const OpSpec &spec, const LayerName *layer,
              SMLoc callLoc, Location loc)
      : elaborator(elaborator), spec(spec), layer(layer), callLoc(callLoc), loc(loc) {}

  StringRef opName() const override { return spec.name; }
  InFlightDiagnostic emitError() override { return elaborator.source.emitError(callLoc); }
  Builder &builder() override { return elaborator.builder; }

  FailureOr<Value> param(StringRef suffix, ArrayRef<int64_t> shape, StringRef init,
                         int64_t fanIn) override {
    if (!layer)
      return emitError() << spec.name << " has parameters and needs a name: write `NAME = "
                         << spec.name << "(...)`";
    if (!registered) {
      auto [first, inserted] = elaborator.layers.try_emplace(layer->name, layer->loc);
      if (!inserted) {
        auto diag = elaborator.source.emitError(layer->loc)
                    << "duplicate layer name '" << layer->name << "'";
        if (first->second == layer->loc)
          diag << " (each iteration of a loop repeats it: name the iterations with "
                  "`for i in A..B as PATH.{i}`)";
        diag.attachNote(elaborator.source.get(first->second)) << "first defined here";
        return failure();
      }
      registered = true;
    }
    std::string name = layer->name + "." + suffix.str();
    if (llvm::any_of(shape, [](int64_t extent) { return extent < 1; }) ||
        elementCount(shape) > kMaxTensorElements)
      return emitError() << spec.name << ": parameter '" << name << "' would have shape "
                         << shapeString(shape) << ", which is too large";
    OpBuilder &b = elaborator.builder;
    auto type = RankedTensorType::get(shape, b.getF32Type());
    Location paramLoc = NameLoc::get(b.getStringAttr(name), elaborator.source.get(callLoc));
    auto param = b.create<ParamOp>(paramLoc, type, b.getStringAttr(name),
                                   b.getStringAttr(init),
                                   init == "fan_in" ? b.getI64IntegerAttr(fanIn) : IntegerAttr());
    return param.getResult();
  }

  FailureOr<Value> existingParam(StringRef name) override {
    for (auto param : elaborator.builder.getInsertionBlock()->getOps<ParamOp>())
      if (param.getName() == name)
        return param.getResult();
    return emitError() << spec.name << ": no parameter named '" << name
                       << "' (a layer before this call must create it)";
  }

  FailureOr<Value> create(StringRef op, ValueRange operands,
                          ArrayRef<NamedAttribute> attributes) override {
    OperationState state(loc, ("loom." + op).str());
    state.addOperands(operands);
    state.addAttributes(attributes);
    InferReturnTypesFn infer = lookupInferReturnTypes(state.name.getStringRef());
    if (!infer)
      return emitError() << "internal error: loom." << op << " has no shape inference";
    SmallVector<Type> types;
    if (failed(infer(elaborator.context, loc, operands, state.attributes.getDictionary(elaborator.context),
                     OpaqueProperties(nullptr), RegionRange(), types)))
      return failure();
    for (Type type : types) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor)
        return emitError() << "internal error: loom." << op << " inferred " << type;
      if (llvm::any_of(tensor.getShape(), [](int64_t extent) { return extent < 1; }) ||
          elementCount(tensor.getShape()) > kMaxTensorElements)
        return emitError() << spec.name << ": the result would have shape "
                           << shapeString(tensor.getShape()) << ", which is too large";
    }
    if (types.size() != 1)
      return emitError() << "internal error: loom." << op << " has " << types.size()
                         << " results";
    state.addTypes(types);
    return elaborator.builder.create(state)->getResult(0);
  }

private:
  Elaborator &elaborator;
  const OpSpec &spec;
  const LayerName *layer;
  SMLoc callLoc;
  Location loc;
  /// Whether this call's layer name has been checked and recorded.
  bool registered = false;
};

} // namespace

//===----------------------------------------------------------------------===//
// Model and statements
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> Elaborator::run(const syntax::Model &model) {
  context->getOrLoadDialect<LoomDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(source.get(model.loc));
  builder.setInsertionPointToEnd(module->getBody());
  auto modelOp = builder.create<ModelOp>(
      NameLoc::get(builder.getStringAttr(model.name), source.get(model.nameLoc)), model.name);
  builder.setInsertionPointToEnd(&modelOp.getBody().front());
  std::function<void(const std::vector<syntax::StmtPtr> &)> collect =
      [&](const std::vector<syntax::StmtPtr> &body) {
        for (const syntax::StmtPtr &stmt : body) {
          if (stmt->kind == syntax::Stmt::Kind::Assign)
            assignments.try_emplace(stmt->name, stmt->nameLoc);
          collect(stmt->body);
        }
      };
  collect(model.body);
  if (failed(block(model.body)))
    return nullptr;
  if (outputs.empty()) {
    source.emitError(model.nameLoc)
        << "model '" << model.name
        << "' has no output (add `output NAME` or `output NAME = expression`)";
    return nullptr;
  }
  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

LogicalResult Elaborator::step(SMLoc loc) {
  if (++steps <= kMaxSteps)
    return success();
  return source.emitError(loc) << "the model is too large: unrolling its loops takes more "
                                  "than "
                               << kMaxSteps << " statements and expressions";
}

LogicalResult Elaborator::block(const std::vector<syntax::StmtPtr> &body) {
  for (const syntax::StmtPtr &stmt : body)
    if (failed(statement(*stmt)))
      return failure();
  return success();
}

std::string Elaborator::qualify(StringRef name) const {
  std::string result;
  for (const std::string &scope : scopes)
    result += scope + ".";
  return result + name.str();
}

LogicalResult Elaborator::statement(const syntax::Stmt &stmt) {
  if (failed(step(stmt.loc)))
    return failure();
  using Kind = syntax::Stmt::Kind;
  switch (stmt.kind) {
  case Kind::Input:
    return input(stmt);
  case Kind::Output:
    return output(stmt);
  case Kind::Assign: {
    LayerName layer{qualify(stmt.name), stmt.nameLoc};
    FailureOr<Value> value = evaluate(*stmt.value, &layer);
    if (failed(value))
      return failure();
    variables[stmt.name] = *value;
    return success();
  }
  case Kind::For:
    return forLoop(stmt);
  case Kind::Scope: {
    FailureOr<std::string> path = expandPath(stmt.path);
    if (failed(path))
      return failure();
    scopes.push_back(std::move(*path));
    LogicalResult result = block(stmt.body);
    scopes.pop_back();
    return result;
  }
  }
  return failure();
}

LogicalResult Elaborator::input(const syntax::Stmt &stmt) {
  auto [first, inserted] = inputs.try_emplace(stmt.name, stmt.nameLoc);
  if (!inserted) {
    auto diag = source.emitError(stmt.nameLoc) << "duplicate input name '" << stmt.name << "'";
    diag.attachNote(source.get(first->second)) << "first declared here";
    return failure();
  }
  Type elementType;
  if (stmt.dtype == "f32")
    elementType = builder.getF32Type();
  else if (stmt.dtype == "i32")
    elementType = builder.getIntegerType(32);
  else
    return source.emitError(stmt.dtypeLoc)
           << "unknown dtype '" << stmt.dtype << "' (expected f32 or i32)";
  if (stmt.shape.empty())
    return source.emitError(stmt.dtypeLoc)
           << "input '" << stmt.name << "' needs at least one dimension";
  SmallVector<int64_t> shape;
  for (auto [index, dim] : llvm::enumerate(stmt.shape)) {
    if (dim.first < 1)
      return source.emitError(dim.second)
             << "dimension " << index << " of input '" << stmt.name
             << "' must be positive, got " << dim.first;
    shape.push_back(dim.first);
  }
  if (elementCount(shape) > kMaxTensorElements)
    return source.emitError(stmt.dtypeLoc)
           << "input '" << stmt.name << "' of shape " << shapeString(shape)
           << " is too large (more than 2^40 elements)";
  auto type = RankedTensorType::get(shape, elementType);
  auto op = builder.create<InputOp>(
      NameLoc::get(builder.getStringAttr(stmt.name), source.get(stmt.nameLoc)), type,
      stmt.name);
  variables[stmt.name] = op.getResult();
  return success();
}

LogicalResult Elaborator::output(const syntax::Stmt &stmt) {
  auto [first, inserted] = outputs.try_emplace(stmt.name, stmt.nameLoc);
  if (!inserted) {
    auto diag = source.emitError(stmt.nameLoc) << "duplicate output name '" << stmt.name << "'";
    diag.attachNote(source.get(first->second)) << "first defined here";
    return failure();
  }
  LayerName layer{qualify(stmt.name), stmt.nameLoc};
  FailureOr<Value> value =
      stmt.value ? evaluate(*stmt.value, &layer) : lookup(stmt.name, stmt.nameLoc);
  if (failed(value))
    return failure();
  builder.create<OutputOp>(
      NameLoc::get(builder.getStringAttr(stmt.name), source.get(stmt.nameLoc)), stmt.name,
      *value);
  return success();
}

LogicalResult Elaborator::forLoop(const syntax::Stmt &stmt) {
  for (const Loop &loop : loops)
    if (loop.variable == stmt.name) {
      auto diag = source.emitError(stmt.nameLoc)
                  << "loop variable '" << stmt.name
                  << "' is already the variable of an enclosing loop";
      diag.attachNote(source.get(loop.loc)) << "the enclosing loop's variable";
      return failure();
    }
  if (stmt.end < stmt.start)
    return source.emitError(stmt.loc) << "the range " << stmt.start << ".." << stmt.end
                                      << " runs backwards (the end must be ≥ the start)";
  // `value < end` before incrementing, so the counter never overflows.
  for (int64_t value = stmt.start; value < stmt.end; ++value) {
    if (failed(step(stmt.loc)))
      return failure();
    loops.push_back({stmt.name, value, stmt.nameLoc});
    LogicalResult result = success();
    bool scoped = !stmt.path.empty();
    if (scoped) {
      FailureOr<std::string> path = expandPath(stmt.path);
      if (failed(path))
        result = failure();
      else
        scopes.push_back(std::move(*path));
    }
    if (succeeded(result)) {
      result = block(stmt.body);
      if (scoped)
        scopes.pop_back();
    }
    loops.pop_back();
    if (failed(result))
      return failure();
  }
  return success();
}

FailureOr<std::string> Elaborator::expandPath(ArrayRef<syntax::PathSegment> path) {
  std::string result;
  for (const syntax::PathSegment &segment : path) {
    if (!result.empty())
      result += ".";
    if (!segment.isLoopVariable) {
      result += segment.text;
      continue;
    }
    auto loop = llvm::find_if(llvm::reverse(loops), [&](const Loop &candidate) {
      return candidate.variable == segment.text;
    });
    if (loop == loops.rend())
      return source.emitError(segment.loc)
             << "'" << segment.text << "' is not the variable of an enclosing loop";
    result += std::to_string(loop->value);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

FailureOr<Value> Elaborator::evaluate(const syntax::Expr &expr, const LayerName *layer) {
  if (failed(step(expr.loc)))
    return failure();
  using Kind = syntax::Expr::Kind;
  switch (expr.kind) {
  case Kind::Name:
    return lookup(expr.name, expr.loc);
  case Kind::Call:
    return call(expr, layer);
  case Kind::Add:
  case Kind::Mul: {
    const OpSpec *spec = lookupOp(expr.kind == Kind::Add ? "add" : "mul");
    SmallVector<Value, 2> operands;
    for (auto [index, operand] : llvm::enumerate(expr.operands)) {
      FailureOr<Value> value = evaluate(*operand, nullptr);
      if (failed(value) || failed(checkTensor(*spec, index, *value, operand->loc)))
        return failure();
      operands.push_back(*value);
    }
    return apply(*spec, operands, Arguments(spec->keywords), layer, expr.loc);
  }
  }
  return failure();
}

FailureOr<Value> Elaborator::lookup(StringRef name, SMLoc loc) {
  auto found = variables.find(name);
  if (found != variables.end())
    return found->second;
  auto diag = source.emitError(loc) << "undefined name '" << name << "'";
  if (llvm::any_of(loops, [&](const Loop &loop) { return loop.variable == name; })) {
    diag << " ('" << name << "' is a loop variable: it can only be used in scope paths, as `{"
         << name << "}`)";
    return failure();
  }
  // Names are in scope from their assignment on, so a graph has no cycles.
  auto later = assignments.find(name);
  if (later != assignments.end()) {
    diag << ": it is assigned only later (a name must be assigned before it is used, "
            "so a model has no cycles)";
    diag.attachNote(source.get(later->second)) << "'" << name << "' is assigned here";
    return failure();
  }
  std::vector<StringRef> candidates;
  for (const auto &entry : variables)
    candidates.push_back(entry.getKey());
  std::vector<std::string> close = closeMatches(name, candidates, /*allowPrefixes=*/false);
  if (!close.empty())
    diag << "; did you mean " << alternatives(close) << "?";
  else if (lookupOp(name))
    diag << " (" << name << " is an op: call it as `" << name << "(...)`)";
  return failure();
}

FailureOr<Value> Elaborator::call(const syntax::Expr &expr, const LayerName *layer) {
  const OpSpec *spec = lookupOp(expr.name);
  if (!spec) {
    std::vector<StringRef> names;
    for (const OpSpec &op : allOps())
      names.push_back(op.name);
    auto diag = source.emitError(expr.loc) << "unknown op '" << expr.name << "'";
    std::vector<std::string> close = closeMatches(expr.name, names, /*allowPrefixes=*/true);
    if (!close.empty())
      diag << "; did you mean " << alternatives(close) << "?";
    else
      diag << " (the ops are " << llvm::join(names, ", ") << ")";
    return failure();
  }

  size_t count = expr.operands.size();
  if (count < spec->minTensors || count > spec->maxTensors) {
    SMLoc loc = count > spec->maxTensors ? expr.operands[spec->maxTensors]->loc : expr.loc;
    auto diag = source.emitError(loc) << spec->name << " takes ";
    if (spec->maxTensors == kVariadic)
      diag << "at least " << spec->minTensors;
    else if (spec->minTensors == spec->maxTensors)
      diag << spec->minTensors;
    else
      diag << spec->minTensors << " to " << spec->maxTensors;
    // "1 tensor argument", "at least 1 tensor argument", "2 tensor arguments".
    bool one = spec->minTensors == 1 && (spec->maxTensors == 1 || spec->maxTensors == kVariadic);
    diag << (one ? " tensor argument" : " tensor arguments")
         << " but got " << count;
    return failure();
  }

  const syntax::Literal *nameValue = nullptr;
  FailureOr<Arguments> args = bind(*spec, expr, nameValue);
  if (failed(args))
    return failure();
  LayerName named;
  if (nameValue) {
    named = {qualify(nameValue->string), nameValue->loc};
    layer = &named;
  }

  SmallVector<Value> operands;
  for (auto [index, operand] : llvm::enumerate(expr.operands)) {
    FailureOr<Value> value = evaluate(*operand, nullptr);
    if (failed(value) || failed(checkTensor(*spec, index, *value, operand->loc)))
      return failure();
    operands.push_back(*value);
  }
  return apply(*spec, operands, *args, layer, expr.loc);
}

FailureOr<Arguments> Elaborator::bind(const OpSpec &spec, const syntax::Expr &call,
                                      const syntax::Literal *&nameValue) {
  Arguments args(spec.keywords);
  llvm::StringMap<SMLoc> seen;
  for (const syntax::KeywordArgument &keyword : call.keywords) {
    auto [first, inserted] = seen.try_emplace(keyword.name, keyword.loc);
    if (!inserted) {
      auto diag = source.emitError(keyword.loc)
                  << spec.name << ": keyword '" << keyword.name << "' is given twice";
      diag.attachNote(source.get(first->second)) << "first given here";
      return failure();
    }
    if (keyword.name == "name") {
      if (keyword.value.kind != syntax::Literal::Kind::String)
        return source.emitError(keyword.value.loc)
               << spec.name << ": keyword 'name' expects a string, got "
               << describe(keyword.value);
      if (!isLayerPath(keyword.value.string))
        return source.emitError(keyword.value.loc)
               << spec.name << ": name \"" << keyword.value.string
               << "\" is not a dotted path of names and integers (such as \"proj\" or "
                  "\"layers.0\")";
      nameValue = &keyword.value;
      continue;
    }
    auto found = llvm::find_if(spec.keywords, [&](const KeywordSpec &candidate) {
      return candidate.name == keyword.name;
    });
    if (found == spec.keywords.end()) {
      std::vector<StringRef> names;
      for (const KeywordSpec &candidate : spec.keywords)
        names.push_back(candidate.name);
      names.push_back("name");
      auto diag = source.emitError(keyword.loc)
                  << spec.name << " has no keyword '" << keyword.name << "'";
      std::vector<std::string> close = closeMatches(keyword.name, names, false);
      if (!close.empty())
        diag << " (did you mean " << alternatives(close) << "?)";
      if (names.size() == 1)
        diag << "; its only keyword is 'name'";
      else
        diag << "; valid keywords: " << llvm::join(names, ", ");
      return failure();
    }
    if (failed(checkValue(spec, *found, keyword)))
      return failure();
    args.set(found - spec.keywords.begin(), &keyword.value);
  }
  for (const KeywordSpec &keyword : spec.keywords)
    if (keyword.presence == KeywordSpec::Presence::Required && !args.has(keyword.name))
      return source.emitError(call.loc)
             << spec.name << " needs the keyword '" << keyword.name << "' ("
             << parse::describe(keyword.kind) << ")";
  return args;
}

LogicalResult Elaborator::checkValue(const OpSpec &op, const KeywordSpec &spec,
                                     const syntax::KeywordArgument &keyword) {
  using Kind = syntax::Literal::Kind;
  const syntax::Literal &value = keyword.value;
  auto mismatch = [&]() -> LogicalResult {
    return source.emitError(value.loc)
           << op.name << ": keyword '" << spec.name << "' expects "
           << parse::describe(spec.kind) << ", got " << describe(value);
  };
  auto checkInteger = [&](const syntax::Literal &element) -> LogicalResult {
    if (element.kind != Kind::Integer)
      return mismatch();
    if (element.integer < spec.minimum)
      return source.emitError(element.loc)
             << op.name << ": keyword '" << spec.name << "' must be at least "
             << spec.minimum << ", got " << element.integer;
    if (element.integer > kMaxKeywordInteger)
      return source.emitError(element.loc)
             << op.name << ": keyword '" << spec.name << "' must be at most "
             << kMaxKeywordInteger << ", got " << element.integer;
    return success();
  };
  auto checkList = [&](size_t requiredSize) -> LogicalResult {
    if (value.kind != Kind::List || value.elements.empty() ||
        (requiredSize && value.elements.size() != requiredSize))
      return mismatch();
    for (const syntax::Literal &element : value.elements)
      if (failed(checkInteger(element)))
        return failure();
    return success();
  };

  switch (spec.kind) {
  case ValueKind::Integer:
    return checkInteger(value);
  case ValueKind::IntegerOrPair:
    return value.kind == Kind::List ? checkList(2) : checkInteger(value);
  case ValueKind::IntegerList:
    return checkList(0);
  case ValueKind::Float: {
    if (value.kind != Kind::Integer && value.kind != Kind::Float)
      return mismatch();
    double number = value.kind == Kind::Integer ? value.integer : value.number;
    if (number < static_cast<double>(spec.minimum))
      return source.emitError(value.loc) << op.name << ": keyword '" << spec.name
                                         << "' must be at least " << spec.minimum;
    return success();
  }
  case ValueKind::Bool:
    return value.kind == Kind::Bool ? success() : mismatch();
  case ValueKind::String: {
    if (value.kind != Kind::String)
      return mismatch();
    if (spec.choices.empty())
      return success();
    SmallVector<StringRef> choices;
    spec.choices.split(choices, ',');
    if (llvm::is_contained(choices, value.string))
      return success();
    std::vector<std::string> quoted;
    for (StringRef choice : choices)
      quoted.push_back("\"" + choice.str() + "\"");
    return source.emitError(value.loc)
           << op.name << ": keyword '" << spec.name << "' must be "
           << llvm::join(quoted, " or ") << ", got \"" << value.string << "\"";
  }
  }
  return mismatch();
}

LogicalResult Elaborator::checkTensor(const OpSpec &op, unsigned index, Value value,
                                      SMLoc loc) {
  auto type = cast<RankedTensorType>(value.getType());
  bool wantIndices = op.firstTensorIsIndices && index == 0;
  Type expected = wantIndices ? Type(builder.getIntegerType(32)) : Type(builder.getF32Type());
  if (type.getElementType() == expected)
    return success();
  auto diag = source.emitError(loc) << op.name << ": argument " << index + 1 << " must be "
                                    << (wantIndices ? "an i32 tensor of indices"
                                                    : "an f32 tensor")
                                    << " but has type " << type;
  if (!wantIndices)
    diag << " (i32 tensors can only feed embedding)";
  return failure();
}

FailureOr<Value> Elaborator::apply(const OpSpec &spec, ValueRange operands,
                                   const Arguments &args, const LayerName *layer,
                                   SMLoc loc) {
  Location fileLoc = source.get(loc);
  Location opLoc = layer ? Location(NameLoc::get(builder.getStringAttr(layer->name), fileLoc))
                         : fileLoc;
  CallBuilder callBuilder(*this, spec, layer, loc, opLoc);
  return spec.build(callBuilder, operands, args);
}

OwningOpRef<ModuleOp> loom::parse::elaborate(const syntax::Model &model,
                                             const SourceLocator &source) {
  return Elaborator(source).run(model);
}
