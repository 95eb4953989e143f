#include "pipeline/pipeline_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "common/errors.hpp"
#include "common/file_io.hpp"
#include "common/identifiers.hpp"
#include "common/suggest.hpp"
#include "common/units.hpp"
#include "pipeline/interpolate.hpp"
#include "schedule/schedule_spec.hpp"

namespace sluice::engine {

namespace {

SourceLoc loc_of(const toml::node& node, const std::string& fallback_file) {
  const auto& src = node.source();
  SourceLoc loc;
  loc.file = src.path ? std::string(*src.path) : fallback_file;
  loc.line = src.begin.line;
  loc.column = src.begin.column;
  return loc;
}

// The values that --set put into the document, each with its argument ("--set nodes.pi.params.order=abc").
// toml++ copies no source region with a node, so without this a problem with such a value would
// name the pipeline file without a position, as if the file held the value.
class OverrideOrigins {
 public:
  // Records the nodes the overrides finally left in `doc` (a later --set of the same key wins).
  OverrideOrigins(const toml::table& doc, const std::vector<std::string>& overrides) {
    for (const auto& item : overrides)
      if (const toml::node* node = find(doc, item.substr(0, item.find('=')))) record(*node, "--set " + item);
  }
  const std::string* origin_of(const toml::node& node) const {
    const auto it = origins_.find(&node);
    return it == origins_.end() ? nullptr : &it->second;
  }

 private:
  static const toml::node* find(const toml::table& doc, std::string_view path) {
    const toml::node* at = &doc;
    while (at != nullptr && !path.empty()) {
      const auto dot = path.find('.');
      const auto* table = at->as_table();
      at = table ? table->get(path.substr(0, dot)) : nullptr;
      path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    }
    return at;
  }
  // The node and everything inside it (list elements, the keys of a table).
  void record(const toml::node& node, const std::string& origin) {
    origins_[&node] = origin;
    if (const auto* array = node.as_array())
      for (const auto& element : *array) record(element, origin);
    if (const auto* table = node.as_table())
      for (const auto& [key, value] : *table) record(value, origin);
  }
  std::map<const toml::node*, std::string> origins_;
};

// Collects every problem so one `sluice validate` shows them all.
class Problems {
 public:
  Problems(std::string file, const OverrideOrigins& origins, std::vector<Problem>& items)
      : file_(std::move(file)), origins_(origins), items_(items) {}
  void add(const SourceLoc& loc, const std::string& message) { items_.push_back(Problem{loc, message}); }
  void add(const toml::node& node, const std::string& message) { add(loc(node), message); }
  // Where a value came from: its position in the file, or the --set argument that gave it.
  SourceLoc loc(const toml::node& node) const {
    if (const std::string* origin = origins_.origin_of(node)) return SourceLoc{*origin, 0, 0};
    return loc_of(node, file_);
  }
  std::size_t count() const { return items_.size(); }

 private:
  std::string file_;
  const OverrideOrigins& origins_;
  std::vector<Problem>& items_;
};

Interpolator::Sink problems_sink(Problems& problems) {
  return [&problems](const SourceLoc& loc, const std::string& message) { problems.add(loc, message); };
}

const std::vector<std::string> kTopKeys = {"pipeline", "vars", "nodes"};
const std::vector<std::string> kPipelineKeys = {"name", "description", "plugin_dirs", "max_cache_size", "schedule"};
const std::vector<std::string> kNodeKeys = {"plugin",  "inputs",      "params",     "foreach",   "partitions",
                                            "batch_size", "max_parallel", "retries", "timeout", "always_run",
                                            "isolation", "description"};

void check_keys(const toml::table& table, const std::vector<std::string>& allowed, const std::string& where,
                Problems& problems) {
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string allowed_list;
      for (const auto& a : allowed) allowed_list += (allowed_list.empty() ? "" : ", ") + a;
      problems.add(node, "unknown key '" + k + "' in " + where + did_you_mean(k, allowed) +
                             "; allowed keys: " + allowed_list);
    }
  }
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

// A listed partition key value as it appears in a partition's key text (exec/partition.hpp): a string
// as it is, a number as the engine writes it (a double as its shortest round-trip text).
std::string key_value_text(const Scalar& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, res.ptr);
  }
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return {};
}

std::optional<Scalar> to_scalar(const toml::node& node) {
  if (auto v = node.as_boolean()) return Scalar(v->get());
  if (auto v = node.as_integer()) return Scalar(static_cast<std::int64_t>(v->get()));
  if (auto v = node.as_floating_point()) return Scalar(v->get());
  if (auto v = node.as_string()) return Scalar(v->get());
  if (auto v = node.as_date()) {
    std::ostringstream ss;
    ss << v->get();
    return Scalar(ss.str());
  }
  if (auto v = node.as_date_time()) {
    std::ostringstream ss;
    ss << v->get();
    return Scalar(ss.str());
  }
  return std::nullopt;
}

std::optional<ParamValue> to_param(const toml::node& node, Problems& problems, const std::string& what) {
  if (auto arr = node.as_array()) {
    std::vector<Scalar> items;
    for (const auto& el : *arr) {
      auto s = to_scalar(el);
      if (!s) {
        problems.add(el, what + ": list elements must be strings, numbers or booleans, got " + type_name(el));
        return std::nullopt;
      }
      items.push_back(std::move(*s));
    }
    return ParamValue(std::move(items));
  }
  if (auto s = to_scalar(node)) {
    return std::visit(
        [](auto&& v) -> ParamValue {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) return ParamValue();
          else return ParamValue(v);
        },
        *s);
  }
  problems.add(node, what + ": expected a string, number, boolean or list, got " + type_name(node) +
                         " (nested tables are not supported as values)");
  return std::nullopt;
}

std::vector<std::string> string_or_list(const toml::node& node, Problems& problems, const std::string& what) {
  std::vector<std::string> out;
  if (auto s = node.as_string()) {
    out.push_back(s->get());
  } else if (auto arr = node.as_array()) {
    for (const auto& el : *arr) {
      if (auto es = el.as_string()) out.push_back(es->get());
      else problems.add(el, what + ": expected a string, got " + type_name(el));
    }
  } else {
    problems.add(node, what + ": expected a string or a list of strings, got " + type_name(node));
  }
  return out;
}

// The settings of a foreach node make sense only together: each is checked against `foreach`.
void check_partition_settings(const toml::table& table, const NodeSpec& spec, Problems& problems, const std::string& what) {
  if (spec.foreach.empty()) {
    for (const char* setting : {"partitions", "batch_size", "max_parallel"}) {
      if (const auto* n = table.get(setting))
        problems.add(*n, what + ": " + setting + " applies to a foreach node; add foreach = \"<key column>\" or remove " +
                             setting);
    }
    return;
  }
  for (std::size_t i = 0; i < spec.foreach.size(); ++i) {
    if (std::find(spec.foreach.begin(), spec.foreach.begin() + static_cast<std::ptrdiff_t>(i), spec.foreach[i]) !=
        spec.foreach.begin() + static_cast<std::ptrdiff_t>(i))
      problems.add(*table.get("foreach"), what + ": foreach lists column '" + spec.foreach[i] + "' twice; list each key column once");
  }
  for (const auto& column : spec.foreach)
    if (column.find("${") != std::string::npos)
      problems.add(*table.get("foreach"), what + ": foreach names columns as written; ${...} references work in params, " +
                                              "[vars] and plugin_dirs only");
  for (const auto& value : spec.partitions)
    if (value.find("${") != std::string::npos)
      problems.add(*table.get("partitions"), what + ": partitions lists key values as written; ${...} references work in " +
                                                 "params, [vars] and plugin_dirs only");
  if (spec.foreach.size() > 1) {
    for (const auto& value : spec.partitions) {
      if (value.find('=') == std::string::npos)
        problems.add(*table.get("partitions"), what + ": partitions of a node partitioned by several columns name the column, " +
                                                 "e.g. partitions = [\"" + spec.foreach.front() + "=" + value + "\"]");
    }
  }
}

// Resolves [vars] into spec.vars and the interpolator. A variable may refer to others in any order
// (TOML tables do not keep the file's order): each is resolved after those it refers to, and a cycle
// is reported with its path. Returns the variables given by --set, each with its argument.
std::map<std::string, std::string> define_vars(const toml::table& vars, PipelineSpec& spec, Interpolator& interp,
                                               Problems& problems) {
  struct Raw {
    ParamValue value;
    SourceLoc loc;
  };
  std::map<std::string, Raw> raw;
  for (const auto& [key, value] : vars) {
    const std::string name(key.str());
    if (auto v = to_param(value, problems, "var '" + name + "'")) raw.emplace(name, Raw{*v, problems.loc(value)});
  }
  std::set<std::string> done;
  std::vector<std::string> path;  // the variables being resolved, outermost first
  std::function<void(const std::string&)> resolve = [&](const std::string& name) {
    if (done.count(name)) return;
    const Raw& var = raw.at(name);
    if (const auto at = std::find(path.begin(), path.end(), name); at != path.end()) {
      std::string cycle;
      for (auto it = at; it != path.end(); ++it) cycle += *it + " -> ";
      problems.add(var.loc, "[vars] refer to each other in a cycle: " + cycle + name + "; break the cycle");
      done.insert(path.begin(), path.end());
      return;
    }
    path.push_back(name);
    for (const auto& dependency : Interpolator::referenced_vars(var.value))
      if (raw.count(dependency)) resolve(dependency);
    path.pop_back();
    // Part of a reported cycle: kept as written, so the cycle is the one problem reported.
    spec.vars[name] = done.count(name) ? var.value : interp.apply(var.value, var.loc, problems_sink(problems));
    interp.define(name, spec.vars[name]);
    done.insert(name);
  };
  for (const auto& [name, var] : raw) resolve(name);
  std::map<std::string, std::string> given_by_set;
  for (const auto& [name, var] : raw)
    if (var.loc.line == 0 && var.loc.file.rfind("--set ", 0) == 0) given_by_set.emplace(name, var.loc.file);
  return given_by_set;
}

// Node ids name SQL tables (sluice.sql) and files, where case may not tell them apart.
void check_ids_differ_beyond_case(const std::vector<NodeSpec>& nodes, Problems& problems) {
  std::map<std::string, const NodeSpec*> seen;  // lower-case id -> first node
  for (const auto& n : nodes) {
    std::string folded = n.id;
    std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto [it, fresh] = seen.emplace(folded, &n);
    if (!fresh)
      problems.add(n.loc, "node '" + n.id + "' differs from node '" + it->second->id + "' (" + it->second->loc.str() +
                              ") only in case; SQL table names and some file systems ignore case, so rename one");
  }
}

// Applies one --set override (dotted path = TOML value) onto the document.
void apply_override(toml::table& doc, const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError("--set " + item + ": expected KEY=VALUE, e.g. --set vars.horizon=35 or --set nodes.forecast.params.horizon=35");
  }
  const std::string path = item.substr(0, eq);
  const std::string raw = item.substr(eq + 1);
  if (!is_override_path(path)) {
    throw UsageError("--set " + item + ": cannot override '" + path +
                     "'; use vars.NAME, nodes.NODE.params.NAME, nodes.NODE.KEY or pipeline.KEY");
  }
  if (path.rfind("nodes.", 0) == 0) {
    // --set refines a node of the file; it cannot create one.
    const std::string node = path.substr(6, path.find('.', 6) - 6);
    const auto* nodes = doc["nodes"].as_table();
    if (nodes == nullptr || !nodes->contains(node)) {
      std::vector<std::string> ids;
      if (nodes != nullptr)
        for (const auto& [key, value] : *nodes) ids.emplace_back(key.str());
      throw UsageError("--set " + item + ": the pipeline has no node '" + node + "'" + did_you_mean(node, ids) +
                       "; --set can change a node's keys, not add a node");
    }
  }
  const std::string source = "--set " + item;
  toml::table snippet;
  try {
    snippet = toml::parse(std::string_view("v = " + raw), std::string_view(source));
  } catch (const toml::parse_error&) {
    // Not a TOML literal: treat the text as a plain string (--set vars.db=demo/sales.db).
    snippet = toml::table{{"v", raw}};
  }
  toml::table* cursor = &doc;
  std::string_view rest = path;
  while (true) {
    const auto dot = rest.find('.');
    const std::string key(rest.substr(0, dot));
    if (dot == std::string_view::npos) {
      cursor->insert_or_assign(key, *snippet.get("v"));
      break;
    }
    auto* next = cursor->get(key);
    if (next == nullptr) {
      cursor->insert_or_assign(key, toml::table{});
      next = cursor->get(key);
    }
    if (!next->is_table()) throw UsageError("--set " + item + ": '" + key + "' is not a table in the pipeline file");
    cursor = next->as_table();
    rest = rest.substr(dot + 1);
  }
}

// A --set of a variable the file neither declares under [vars] nor references is a typo
// (--set vars.horizn=60) that would otherwise change nothing, silently.
void check_var_overrides(const std::vector<std::string>& overrides, const std::vector<std::string>& declared,
                         const Interpolator& interp, Problems& problems) {
  for (const auto& item : overrides) {
    if (item.rfind("vars.", 0) != 0) continue;
    const std::string name = item.substr(5, item.find('=') - 5);
    if (std::find(declared.begin(), declared.end(), name) != declared.end() || interp.was_used("vars." + name)) continue;
    problems.add(SourceLoc{"--set " + item, 0, 0}, "the pipeline neither declares nor uses a variable '" + name + "'" +
                                                       did_you_mean(name, declared) + "; its [vars] are: " +
                                                       list_text(declared));
  }
}

void parse_inputs(const toml::node& node, NodeSpec& spec, Problems& problems) {
  auto add_ref = [&](const toml::node& el, std::string port) {
    const auto* s = el.as_string();
    if (s == nullptr) {
      problems.add(el, "node '" + spec.id + "': an input is a node id or \"node.port\", got " + type_name(el));
      spec.invalid_keys.insert("inputs");
      return;
    }
    InputRef ref;
    ref.port = std::move(port);
    const std::string text = s->get();
    const auto dot = text.find('.');
    ref.node = text.substr(0, dot);
    if (dot != std::string::npos) ref.node_port = text.substr(dot + 1);
    ref.loc = problems.loc(el);
    spec.inputs.push_back(std::move(ref));
  };
  if (node.is_string()) {
    add_ref(node, "");
  } else if (auto arr = node.as_array()) {
    for (const auto& el : *arr) add_ref(el, "");
  } else if (auto tbl = node.as_table()) {
    for (const auto& [port, el] : *tbl) add_ref(el, std::string(port.str()));
  } else {
    problems.add(node, "node '" + spec.id + "': inputs must be a node id, a list of node ids, or a table {port = \"node\"}");
    spec.invalid_keys.insert("inputs");
  }
}

template <typename T>
std::optional<T> get_number(const toml::node& node, const std::string& what, std::int64_t min, Problems& problems) {
  const auto* v = node.as_integer();
  if (v == nullptr || v->get() < min) {
    problems.add(node, what + ": expected an integer >= " + std::to_string(min) + ", got " +
                           (v ? std::to_string(v->get()) : type_name(node)));
    return std::nullopt;
  }
  return static_cast<T>(v->get());
}

NodeSpec parse_node(const std::string& id, const toml::node& node, Problems& problems) {
  NodeSpec spec;
  spec.id = id;
  spec.loc = problems.loc(node);
  if (!is_node_id(id)) {
    problems.add(node, "invalid node id '" + id + "': use letters, digits, '_' and '-', starting with a letter or '_'");
  }
  const auto* table = node.as_table();
  if (table == nullptr) {
    problems.add(node, "node '" + id + "' must be a table ([nodes." + id + "]), got " + type_name(node));
    spec.invalid_keys.insert("plugin");
    return spec;
  }
  check_keys(*table, kNodeKeys, "[nodes." + id + "]", problems);
  const std::string what = "node '" + id + "'";
  if (const auto* p = table->get("plugin")) {
    spec.plugin_loc = problems.loc(*p);
    if (auto s = p->as_string()) spec.plugin = s->get();
    else problems.add(*p, what + ": 'plugin' must be a stage id string such as \"sluice.sqlite_extract\"");
  } else {
    problems.add(node, what + " has no 'plugin'; add plugin = \"<stage id>\" (see `sluice plugins`)");
  }
  if (!(*table)["plugin"].is_string()) spec.invalid_keys.insert("plugin");
  if (const auto* in = table->get("inputs")) parse_inputs(*in, spec, problems);
  if (const auto* params = table->get("params")) {
    spec.params_loc = problems.loc(*params);
    if (const auto* pt = params->as_table()) {
      for (const auto& [key, value] : *pt) {
        const std::string name(key.str());
        spec.param_locs[name] = problems.loc(value);
        if (auto v = to_param(value, problems, what + " param '" + name + "'")) spec.params[name] = std::move(*v);
        else spec.invalid_keys.insert("params." + name);
      }
    } else {
      problems.add(*params, what + ": 'params' must be a table, e.g. params = { horizon = 30 }");
      spec.invalid_keys.insert("params");
    }
  }
  if (const auto* f = table->get("foreach")) {
    spec.foreach_loc = problems.loc(*f);
    spec.foreach = string_or_list(*f, problems, what + " foreach");
  }
  if (const auto* p = table->get("partitions")) {
    if (auto arr = p->as_array()) {
      for (const auto& el : *arr) {
        if (auto s = to_scalar(el); s && !std::holds_alternative<bool>(*s)) {
          spec.partitions.push_back(key_value_text(*s));
        } else {
          problems.add(el, what + ": partitions lists key values, e.g. partitions = [7, 12]");
        }
      }
    } else {
      problems.add(*p, what + ": partitions must be a list of key values, e.g. partitions = [7, 12]");
    }
  }
  if (const auto* b = table->get("batch_size")) {
    if (auto s = b->as_string(); s && s->get() == "auto") spec.batch_size.reset();
    else if (auto v = get_number<std::uint64_t>(*b, what + " batch_size (or \"auto\")", 1, problems)) spec.batch_size = *v;
  }
  if (const auto* m = table->get("max_parallel")) {
    if (auto v = get_number<unsigned>(*m, what + " max_parallel", 1, problems)) spec.max_parallel = *v;
  }
  if (const auto* r = table->get("retries")) {
    if (auto v = get_number<unsigned>(*r, what + " retries", 0, problems)) spec.retries = *v;
  }
  if (const auto* t = table->get("timeout")) {
    auto s = t->as_string();
    auto d = s ? parse_duration(s->get()) : std::nullopt;
    if (d && d->count() > 0) spec.timeout = *d;
    else problems.add(*t, what + ": timeout must be a duration string such as \"30s\", \"10m\" or \"2h\"");
  }
  if (const auto* a = table->get("always_run")) {
    if (auto v = a->as_boolean()) spec.always_run = v->get();
    else problems.add(*a, what + ": always_run must be true or false");
  }
  if (const auto* iso = table->get("isolation")) {
    auto s = iso->as_string();
    if (s && (s->get() == "process" || s->get() == "none")) spec.isolate = s->get() == "process";
    else problems.add(*iso, what + ": isolation must be \"process\" or \"none\"");
  }
  check_partition_settings(*table, spec, problems, what);
  return spec;
}

// Resolves the ${...} references in a node's parameters. A parameter whose reference cannot be
// resolved is marked invalid, so the schema check does not also call its unresolved text a wrong type.
// A parameter referring to a variable given by --set (`given_by_set`) says so where it is reported:
// the file shows only the reference, and the value to fix is in the command line.
void interpolate_params(NodeSpec& node, const Interpolator& interp, Problems& problems,
                        const std::map<std::string, std::string>& given_by_set) {
  for (auto& [name, value] : node.params) {
    for (const auto& var : Interpolator::referenced_vars(value)) {
      const auto given = given_by_set.find(var);
      if (given == given_by_set.end()) continue;
      std::string& via = node.param_locs[name].via;
      via += (via.empty() ? "" : "; ") + ("${vars." + var + "} is given by " + given->second);
    }
    const std::size_t before = problems.count();
    value = interp.apply(value, node.param_locs[name], problems_sink(problems));
    if (problems.count() != before) node.invalid_keys.insert("params." + name);
  }
}

// [pipeline.schedule] is the scheduler's, but a bad one is a bad pipeline file: checked here, from
// the document already parsed. Its messages name their place themselves.
void check_schedule(const toml::table& doc, const PipelineSpec& spec, Problems& problems) {
  if (spec.name.empty()) return;  // reported already; the schedule check would repeat it
  try {
    (void)read_schedule(doc, spec.file);
  } catch (const UsageError& e) {
    problems.add(SourceLoc{}, e.what());
  }
}

}  // namespace

PipelineSpec parse_pipeline(std::string_view text, const std::filesystem::path& file,
                            const std::vector<std::string>& overrides) {
  std::vector<Problem> problems;
  PipelineSpec spec = parse_pipeline(text, file, overrides, problems);
  throw_problems(std::move(problems));
  return spec;
}

PipelineSpec parse_pipeline(std::string_view text, const std::filesystem::path& file,
                            const std::vector<std::string>& overrides, std::vector<Problem>& found) {
  const std::string file_name = file.string();
  toml::table doc;
  try {
    doc = toml::parse(text, std::string_view(file_name));
  } catch (const toml::parse_error& e) {
    SourceLoc loc{file_name, e.source().begin.line, e.source().begin.column};
    throw UsageError(loc.str() + ": invalid TOML: " + std::string(e.description()) +
                     "; fix the syntax at that position (strings need quotes, tables [name], key = value)");
  }
  std::vector<std::string> declared_vars;  // before --set adds any
  if (const auto* vt = doc["vars"].as_table())
    for (const auto& [key, value] : *vt) declared_vars.emplace_back(key.str());
  for (const auto& item : overrides) apply_override(doc, item);

  const OverrideOrigins origins(doc, overrides);
  Problems problems(file_name, origins, found);
  PipelineSpec spec;
  spec.file = std::filesystem::absolute(file).lexically_normal();
  spec.dir = spec.file.parent_path();
  check_keys(doc, kTopKeys, "the pipeline file", problems);

  const auto* pipeline = doc.get("pipeline");
  if (pipeline == nullptr || !pipeline->is_table()) {
    problems.add(SourceLoc{file_name, 1, 1}, "missing [pipeline] table; add [pipeline] with name = \"...\"");
    throw_problems(std::move(found));  // nothing else can be checked without it
  }
  const auto& ptable = *pipeline->as_table();
  check_keys(ptable, kPipelineKeys, "[pipeline]", problems);
  if (auto name = ptable["name"].as_string()) spec.name = name->get();
  else problems.add(*pipeline, "[pipeline] needs name = \"...\" (a string)");
  if (!spec.name.empty() && !is_pipeline_name(spec.name)) {
    problems.add(*ptable.get("name"), "pipeline name '" + spec.name + "' may only use letters, digits, '_', '-' and '.'");
  }
  if (auto d = ptable["description"].as_string()) spec.description = d->get();
  if (const auto* mcs = ptable.get("max_cache_size")) {
    auto s = mcs->as_string();
    auto size = s ? parse_size(s->get()) : std::nullopt;
    if (size) spec.max_cache_size = *size;
    else problems.add(*mcs, "max_cache_size must be a size string such as \"2GiB\" or \"500MB\"");
  }

  Interpolator interp(spec.name, spec.dir);
  std::map<std::string, std::string> given_by_set;  // variable -> its --set argument
  if (const auto* vars = doc.get("vars")) {
    if (const auto* vt = vars->as_table()) given_by_set = define_vars(*vt, spec, interp, problems);
    else problems.add(*vars, "[vars] must be a table of name = value");
  }
  if (const auto* dirs = ptable.get("plugin_dirs")) {
    for (const auto& d : string_or_list(*dirs, problems, "plugin_dirs")) {
      std::filesystem::path p = interp.apply(ParamValue(d), problems.loc(*dirs), problems_sink(problems)).as_string();
      spec.plugin_dirs.push_back((p.is_absolute() ? p : spec.dir / p).lexically_normal());
    }
  }

  const auto* nodes = doc.get("nodes");
  if (nodes == nullptr || !nodes->is_table() || nodes->as_table()->empty()) {
    problems.add(nodes ? problems.loc(*nodes) : SourceLoc{file_name, 1, 1},
                 "the pipeline has no nodes; add at least one [nodes.<id>] table with plugin = \"...\"");
  } else {
    for (const auto& [key, node] : *nodes->as_table()) {
      NodeSpec n = parse_node(std::string(key.str()), node, problems);
      interpolate_params(n, interp, problems, given_by_set);
      spec.nodes.push_back(std::move(n));
    }
    // toml++ keeps tables in key order; users expect file order in listings.
    std::stable_sort(spec.nodes.begin(), spec.nodes.end(), [](const NodeSpec& a, const NodeSpec& b) {
      return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
    });
    check_ids_differ_beyond_case(spec.nodes, problems);
  }
  check_var_overrides(overrides, declared_vars, interp, problems);
  check_schedule(doc, spec, problems);
  return spec;
}

std::string read_pipeline_text(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  const char* why = nullptr;
  if (!std::filesystem::exists(status)) why = "no such file";
  else if (std::filesystem::is_directory(status)) why = "it is a directory";
  const auto text = why ? std::nullopt : read_whole_file(file);
  if (!text) throw UsageError(file.string() + ": cannot open the pipeline file (" + (why ? why : "permission denied") + "); check the path");
  return *text;
}

PipelineSpec load_pipeline(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  return parse_pipeline(read_pipeline_text(file), file, overrides);
}

PipelineSpec load_pipeline(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                           std::vector<Problem>& problems) {
  return parse_pipeline(read_pipeline_text(file), file, overrides, problems);
}

}  // namespace sluice::engine
