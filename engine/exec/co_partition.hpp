#pragma once
// A foreach node's other inputs that are partitioned by the node's own keys (the
// output of an upstream foreach over the same columns). Each partition of the
// node gets the matching partition of such an input instead of all of it, so a
// store's card depends on that store's metrics only.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <sluice/serialize.hpp>
#include <sluice/value.hpp>

#include "exec/port_data.hpp"

namespace sluice::engine {

class Cache;

class CoPartitionedInput {
 public:
  CoPartitionedInput(PortData& port, Cache& cache, const std::vector<std::string>& keys);

  // The partition's object hash; without such a partition, "none:" and the hash of its empty stand-in.
  std::string hash_text(const std::string& key) const;
  // The input's partition `key`; when it has none, a table with its columns and no rows.
  ValuePtr value_for(const std::string& key) const;

 private:
  // The manifest row of partition `key`, if the input has that partition.
  std::optional<std::size_t> row_of(const std::string& key) const;
  ValuePtr empty_value() const;  // the input's columns without rows, made (and hashed) once

  PortData& port_;
  Cache& cache_;
  std::vector<Hash128> hashes_;
  std::unordered_map<std::string, std::size_t> rows_;
  mutable std::once_flag empty_once_;
  mutable ValuePtr empty_;
  mutable std::string empty_hash_text_;  // hash_text of every key without a partition
};

// One entry per input: set for the inputs (other than the first) partitioned by `keys`, else null.
std::vector<std::unique_ptr<CoPartitionedInput>> co_partitioned_inputs(
    const std::vector<std::shared_ptr<PortData>>& inputs, const std::vector<std::string>& keys, Cache& cache);

}  // namespace sluice::engine
