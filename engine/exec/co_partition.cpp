#include "exec/co_partition.hpp"

#include <sluice/table.hpp>

#include "exec/partition.hpp"

namespace sluice::engine {

CoPartitionedInput::CoPartitionedInput(PortData& port, Cache& cache, const std::vector<std::string>& keys)
    : port_(port), cache_(cache) {
  const auto manifest = manifest_of(port, cache);
  hashes_ = manifest_hashes(*manifest);
  const auto part_keys = manifest_keys(*manifest, keys);
  for (std::size_t i = 0; i < part_keys.size(); ++i) rows_.emplace(part_keys[i], i);
}

std::optional<std::size_t> CoPartitionedInput::row_of(const std::string& key) const {
  const auto it = rows_.find(key);
  if (it == rows_.end()) return std::nullopt;
  return it->second;
}

std::string CoPartitionedInput::hash_text(const std::string& key) const {
  if (const auto row = row_of(key)) return hashes_[*row].hex();
  // Without a partition the stage sees the input's columns: they are what it depends on.
  empty_value();
  return empty_hash_text_;
}

ValuePtr CoPartitionedInput::value_for(const std::string& key) const {
  if (const auto row = row_of(key)) return partition_value(port_, cache_, *row);
  return empty_value();
}

ValuePtr CoPartitionedInput::empty_value() const {
  // No partition of a key upstream (say, a store an upstream filter dropped): the stage still sees
  // the input's columns, with no rows.
  std::call_once(empty_once_, [this] {
    Table empty;
    if (!hashes_.empty()) {
      const ValuePtr first = partition_value(port_, cache_, 0);
      if (const auto* t = std::get_if<Table>(first.get())) empty = t->empty_like();
    }
    empty_ = std::make_shared<const Value>(std::move(empty));
    empty_hash_text_ = "none:" + hash_value(*empty_).hex();
  });
  return empty_;
}

std::vector<std::unique_ptr<CoPartitionedInput>> co_partitioned_inputs(
    const std::vector<std::shared_ptr<PortData>>& inputs, const std::vector<std::string>& keys, Cache& cache) {
  std::vector<std::unique_ptr<CoPartitionedInput>> out(inputs.size());
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    if (inputs[i]->partitioned && inputs[i]->foreach == keys)
      out[i] = std::make_unique<CoPartitionedInput>(*inputs[i], cache, keys);
  }
  return out;
}

}  // namespace sluice::engine
