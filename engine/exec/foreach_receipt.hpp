#pragma once
// The receipt of a foreach node's own cache entry: how many partitions the node had and, when its
// partition filter selected none of them, what the filter could have selected. A rerun that finds
// the entry unchanged (a cache hit, nothing split) repeats the first run's warning from it.
//
// Text form: "50", or "0 {"candidates":50,"first":"key=1","last":"key=50"}" for an empty selection.
// Its number parses as the partition count on its own.
#include <cstddef>
#include <optional>
#include <string>

namespace sluice::engine {

// A partition filter that selected none of a node's `candidates` partitions (keys `first`..`last`).
struct UnmatchedFilter {
  std::size_t candidates = 0;
  std::string first, last;
};

struct ForeachReceipt {
  std::size_t partitions = 0;
  std::optional<UnmatchedFilter> unmatched;  // set when partitions == 0 because of the filter
};

std::string encode_foreach_receipt(const ForeachReceipt& receipt);
// An empty or unreadable text reads as no partitions.
ForeachReceipt decode_foreach_receipt(const std::string& text);

// "[squares] the partition filter (key=999) matches none of its 50 partitions; they run from key=1 to key=50"
std::string unmatched_filter_warning(const std::string& node_id, const std::string& filters, const UnmatchedFilter& m);

}  // namespace sluice::engine
