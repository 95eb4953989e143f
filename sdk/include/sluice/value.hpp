#pragma once
// The values on a stage's ports: a Table, or a Blob for opaque artifacts
// (a rendered file, a model). Inputs are read-only views owned by the engine.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sluice/table.hpp"

namespace sluice {

enum class PortType : std::uint8_t { Table = 1, Blob = 2 };
SLUICE_API std::string_view to_string(PortType type);

struct SLUICE_API Blob {
  std::string media_type;  // e.g. "text/html", "application/octet-stream"
  std::string bytes;
};

using Value = std::variant<Table, Blob>;
using ValuePtr = std::shared_ptr<const Value>;

class SLUICE_API Inputs {
 public:
  // Binds a port (or, for a variadic port, one entry named after its source node).
  void bind(std::string port, ValuePtr value);
  bool has(std::string_view port) const;
  // Throws sluice::Error naming the port if it is absent or of the other type.
  const Table& table(std::string_view port) const;
  const Blob& blob(std::string_view port) const;
  // All bound entries in binding order (port order, then variadic entries).
  const std::vector<std::pair<std::string, ValuePtr>>& entries() const { return entries_; }

 private:
  const Value& value(std::string_view port) const;
  std::vector<std::pair<std::string, ValuePtr>> entries_;
};

class SLUICE_API Outputs {
 public:
  void set(std::string port, Table table);
  void set(std::string port, Blob blob);
  // A sink's record of what it wrote (row count, checksum, path...). The engine
  // stores it and later passes it to Stage::verify().
  void set_receipt(std::string receipt) { receipt_ = std::move(receipt); }

  bool has(std::string_view port) const;
  const std::map<std::string, Value, std::less<>>& values() const { return values_; }
  std::map<std::string, Value, std::less<>>& values() { return values_; }
  const std::string& receipt() const { return receipt_; }

 private:
  std::map<std::string, Value, std::less<>> values_;
  std::string receipt_;
};

}  // namespace sluice
