#pragma once
// Shared helpers for integration tests that drive the real `sluice` binary.
#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "../support/process.hpp"

namespace sluice::test {

// A temp dir with a pipeline file in it; runs sluice there with its own cache.
class PipelineDir {
 public:
  explicit PipelineDir(const std::string& toml) { write(toml); }
  void write(const std::string& toml) { write_file(dir_ / "p.toml", toml); }
  std::filesystem::path path(const std::string& name = "") const { return name.empty() ? dir_.path() : dir_ / name; }
  std::string file() const { return (dir_ / "p.toml").string(); }

  // `sluice <verb> p.toml <args>` from inside the dir.
  CommandResult sluice(const std::string& verb, const std::string& args = "") const {
    return run_command("cd " + shell_quote(dir_.path().string()) + " && " + shell_quote(SLUICE_BIN) + " " + verb +
                       " p.toml " + args);
  }
  // Runs with --json and returns node id -> status (and checks the JSON parses).
  nlohmann::json run_json(const std::string& args = "", int expected_exit = 0) const {
    const CommandResult r = sluice("run", "--json -q " + args);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == expected_exit);
    return nlohmann::json::parse(r.out);
  }

 private:
  TempDir dir_;
};

inline std::map<std::string, std::string> statuses(const nlohmann::json& report) {
  std::map<std::string, std::string> out;
  for (const auto& n : report["nodes"]) out[n["id"].get<std::string>()] = n["status"].get<std::string>();
  return out;
}

// Flips one byte in the middle of the cache's inline objects (those matching `where`, an SQL condition
// on inline_objects; all by default) and returns how many were damaged.
inline int damage_inline_objects(const std::filesystem::path& cache_dir, const std::string& where = "true") {
  SQLite::Database db((cache_dir / "index.db").string(), SQLite::OPEN_READWRITE);
  return db.exec("UPDATE inline_objects SET data = CAST(substr(data, 1, length(data) / 2) || "
                 "CASE WHEN substr(data, length(data) / 2 + 1, 1) = x'00' THEN x'01' ELSE x'00' END || "
                 "substr(data, length(data) / 2 + 2) AS BLOB) WHERE " + where);
}

// The condition for the objects of `node`'s partitions (not its manifest, which the node's own
// entry refers to); `partition` narrows it to one ("key=3").
inline std::string partition_objects(const std::string& node, const std::string& partition = "") {
  return "hash IN (SELECT hash FROM refs WHERE key IN (SELECT key FROM actions WHERE node = '" + node + "' AND " +
         (partition.empty() ? std::string("partition <> ''") : "partition = '" + partition + "'") + "))";
}

inline std::string reason(const nlohmann::json& report, const std::string& node) {
  for (const auto& n : report["nodes"])
    if (n["id"] == node) return n["reason"].get<std::string>();
  return "(no such node)";
}

}  // namespace sluice::test
