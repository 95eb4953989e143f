#include <map>

#include "sql_database.hpp"
#include "stages.hpp"

namespace sluice::sql {

StageDescriptor sql_descriptor() {
  StageDescriptor d;
  d.id = "sluice.sql";
  d.kind = StageKind::Transform;
  // 1.1.0: inputs are read in place; a query without ORDER BY may return its rows in another order.
  d.version = "1.1.0";
  d.summary = "Runs a read-only SQLite query over the input tables (each named after its upstream node)";
  d.inputs = {{"in", PortType::Table, false, true,
               "any number of tables; each is a SQL table named after its upstream node (quote unusual names: \"my-node\")"}};
  d.outputs = {{"out", PortType::Table, false, false, "the query result"}};
  d.params = {
      {"query", ParamType::String, {}, true, {}, {}, {},
       "one SQLite SELECT (or WITH ... SELECT / VALUES) over the input tables"},
      {"types", ParamType::StringList, ParamValue::strings({}), false, {}, {}, {},
       "\"column:type\" entries forcing result column types (int64|double|string|date|timestamp); other columns keep "
       "their input column's type when taken straight from one, else the type of their values (text -> string, "
       "real -> double, integer -> int64, nulls only -> double)"},
  };
  return d;
}

namespace {

std::map<std::string, ColumnType> parse_types(const std::vector<std::string>& entries) {
  std::map<std::string, ColumnType> out;
  for (const auto& e : entries) {
    const auto colon = e.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      throw param_error("types", "entry '" + e + "' is not \"column:type\"");
    }
    try {
      out[e.substr(0, colon)] = column_type_from_string(std::string_view(e).substr(colon + 1));
    } catch (const std::invalid_argument&) {
      throw param_error("types", "entry '" + e + "' has unknown type '" + e.substr(colon + 1) +
                                     "' (use int64, double, string, date or timestamp)");
    }
  }
  return out;
}

class SqlStage : public Stage {
 public:
  explicit SqlStage(const Params& p) : query_(p.get_string("query")), types_(parse_types(p.get_string_list("types"))) {}

  void run(Context& ctx, const Inputs& inputs, Outputs& outputs) override {
    SqlDatabase db;
    for (const auto& [name, value] : inputs.entries()) {
      const auto* table = std::get_if<Table>(value.get());
      if (table == nullptr) throw Error("input '" + name + "' is a blob, not a table; sluice.sql only reads tables");
      db.load(name, *table);
      ctx.check_cancelled();
    }
    Table result = db.query(query_, types_, ctx);
    ctx.progress(result.num_rows(), result.num_rows(), "rows");
    outputs.set("out", std::move(result));
  }

 private:
  std::string query_;
  std::map<std::string, ColumnType> types_;
};

}  // namespace

std::unique_ptr<Stage> make_sql(const Params& params) { return std::make_unique<SqlStage>(params); }

}  // namespace sluice::sql
