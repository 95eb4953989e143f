#include "sluice/value.hpp"

#include "sluice/errors.hpp"
#include "sluice/stage.hpp"

namespace sluice {

std::string_view to_string(PortType type) { return type == PortType::Table ? "table" : "blob"; }

std::string_view to_string(StageKind kind) {
  switch (kind) {
    case StageKind::Extract: return "extract";
    case StageKind::Transform: return "transform";
    case StageKind::Load: return "load";
    case StageKind::Forecast: return "forecast";
    case StageKind::Report: return "report";
    case StageKind::Other: return "other";
  }
  return "other";
}

const ParamSpec* StageDescriptor::find_param(std::string_view name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

void Inputs::bind(std::string port, ValuePtr value) { entries_.emplace_back(std::move(port), std::move(value)); }

bool Inputs::has(std::string_view port) const {
  for (const auto& [name, value] : entries_)
    if (name == port) return value != nullptr;
  return false;
}

const Value& Inputs::value(std::string_view port) const {
  for (const auto& [name, value] : entries_)
    if (name == port && value) return *value;
  throw Error("input port '" + std::string(port) + "' is not connected");
}

const Table& Inputs::table(std::string_view port) const {
  const Value& v = value(port);
  if (const auto* t = std::get_if<Table>(&v)) return *t;
  throw Error("input port '" + std::string(port) + "' carries a blob, expected a table");
}

const Blob& Inputs::blob(std::string_view port) const {
  const Value& v = value(port);
  if (const auto* b = std::get_if<Blob>(&v)) return *b;
  throw Error("input port '" + std::string(port) + "' carries a table, expected a blob");
}

void Outputs::set(std::string port, Table table) {
  table.check_rectangular();
  values_.insert_or_assign(std::move(port), Value(std::move(table)));
}
void Outputs::set(std::string port, Blob blob) { values_.insert_or_assign(std::move(port), Value(std::move(blob))); }
bool Outputs::has(std::string_view port) const { return values_.find(port) != values_.end(); }

}  // namespace sluice
