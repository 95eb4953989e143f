#include "exec/foreach_receipt.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace sluice::engine {

std::string encode_foreach_receipt(const ForeachReceipt& receipt) {
  std::string text = std::to_string(receipt.partitions);
  if (const auto& m = receipt.unmatched)
    text += " " + nlohmann::json{{"candidates", m->candidates}, {"first", m->first}, {"last", m->last}}.dump();
  return text;
}

ForeachReceipt decode_foreach_receipt(const std::string& text) {
  ForeachReceipt receipt;
  const char* end = text.data() + text.size();
  const auto [rest, ec] = std::from_chars(text.data(), end, receipt.partitions);
  if (ec != std::errc{}) return {};
  if (rest == end || *rest != ' ') return receipt;
  const auto j = nlohmann::json::parse(rest + 1, end, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return receipt;
  const auto candidates = j.find("candidates"), first = j.find("first"), last = j.find("last");
  const bool readable = candidates != j.end() && candidates->is_number_unsigned() && first != j.end() &&
                        first->is_string() && last != j.end() && last->is_string();
  if (readable && candidates->get<std::size_t>() > 0)
    receipt.unmatched = UnmatchedFilter{candidates->get<std::size_t>(), first->get<std::string>(), last->get<std::string>()};
  return receipt;
}

std::string unmatched_filter_warning(const std::string& node_id, const std::string& filters, const UnmatchedFilter& m) {
  const std::string range = m.candidates == 1 ? "its one partition is " + m.first
                                              : "they run from " + m.first + " to " + m.last;
  return "[" + node_id + "] the partition filter (" + filters + ") matches none of its " +
         std::to_string(m.candidates) + (m.candidates == 1 ? " partition; " : " partitions; ") + range;
}

}  // namespace sluice::engine
