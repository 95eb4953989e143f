#include "key_groups.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>

namespace sluice::daily {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// Open-addressing map from 64-bit keys to ids; the key sets here are small and
// probed once per row, so linear probing on two flat arrays beats node-based maps.
class FlatIndex {
 public:
  FlatIndex() { rehash(1024); }

  std::uint32_t find_or_insert(std::uint64_t key, std::uint32_t next_id, bool& inserted) {
    std::size_t slot = (key * 0x9E3779B97F4A7C15ULL) >> shift_;
    for (;;) {
      if (ids_[slot] == kNone) {
        keys_[slot] = key;
        ids_[slot] = next_id;
        inserted = true;
        if (++size_ * 2 > ids_.size()) rehash(ids_.size() * 2);
        return next_id;
      }
      if (keys_[slot] == key) {
        inserted = false;
        return ids_[slot];
      }
      slot = (slot + 1) & (ids_.size() - 1);
    }
  }

 private:
  void rehash(std::size_t capacity) {
    std::vector<std::uint64_t> old_keys = std::move(keys_);
    std::vector<std::uint32_t> old_ids = std::move(ids_);
    keys_.assign(capacity, 0);
    ids_.assign(capacity, kNone);
    shift_ = 64 - std::countr_zero(capacity);
    size_ = 0;
    for (std::size_t i = 0; i < old_ids.size(); ++i) {
      if (old_ids[i] == kNone) continue;
      bool ignored;
      find_or_insert(old_keys[i], old_ids[i], ignored);
    }
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> ids_;
  int shift_ = 0;
  std::size_t size_ = 0;
};

// Codes 0..k-1 in order of first appearance; first_row[code] is where it appeared.
struct Coded {
  std::vector<std::uint32_t> codes;
  std::vector<std::size_t> first_row;
};

class Coder {
 public:
  explicit Coder(std::size_t rows) { out_.codes.resize(rows); }

  void set(std::size_t row, std::uint32_t code, bool inserted) {
    out_.codes[row] = code;
    if (inserted) out_.first_row.push_back(row);
  }
  std::uint32_t next() const { return static_cast<std::uint32_t>(out_.first_row.size()); }
  std::uint32_t null_code(std::size_t row) {
    const bool fresh = null_ == kNone;
    if (fresh) null_ = next();
    set(row, null_, fresh);
    return null_;
  }
  Coded take() { return std::move(out_); }

 private:
  Coded out_;
  std::uint32_t null_ = kNone;
};

Coded code_integers(const Column& c) {
  Coder coder(c.size());
  const auto& v = c.ints();
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  for (std::size_t r = 0; r < v.size(); ++r) {
    if (c.is_null(r)) continue;
    lo = std::min(lo, v[r]);
    hi = std::max(hi, v[r]);
  }
  const auto span = hi >= lo ? static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) : 0;
  // Small ranges (store ids, dates) index a flat table directly.
  if (hi >= lo && span < std::max<std::uint64_t>(2 * v.size(), 1 << 16) && span < (1u << 26)) {
    std::vector<std::uint32_t> table(span + 1, kNone);
    for (std::size_t r = 0; r < v.size(); ++r) {
      if (c.is_null(r)) {
        coder.null_code(r);
        continue;
      }
      std::uint32_t& slot = table[static_cast<std::uint64_t>(v[r]) - static_cast<std::uint64_t>(lo)];
      const bool fresh = slot == kNone;
      if (fresh) slot = coder.next();
      coder.set(r, slot, fresh);
    }
    return coder.take();
  }
  FlatIndex index;
  for (std::size_t r = 0; r < v.size(); ++r) {
    if (c.is_null(r)) {
      coder.null_code(r);
      continue;
    }
    bool fresh;
    const auto code = index.find_or_insert(static_cast<std::uint64_t>(v[r]), coder.next(), fresh);
    coder.set(r, code, fresh);
  }
  return coder.take();
}

Coded code_doubles(const Column& c) {
  Coder coder(c.size());
  FlatIndex index;
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (c.is_null(r)) {
      coder.null_code(r);
      continue;
    }
    double d = c.double_at(r);
    if (d == 0) d = 0;  // -0.0 and 0.0 are one key
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    bool fresh;
    const auto code = index.find_or_insert(bits, coder.next(), fresh);
    coder.set(r, code, fresh);
  }
  return coder.take();
}

Coded code_strings(const Column& c) {
  Coder coder(c.size());
  std::unordered_map<std::string_view, std::uint32_t> index;
  std::string_view last;
  std::uint32_t last_code = kNone;
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (c.is_null(r)) {
      coder.null_code(r);
      continue;
    }
    const std::string_view s = c.string_at(r);
    if (last_code != kNone && s == last) {  // runs of one key are common
      coder.set(r, last_code, false);
      continue;
    }
    auto [it, fresh] = index.emplace(s, coder.next());
    coder.set(r, it->second, fresh);
    last = s;
    last_code = it->second;
  }
  return coder.take();
}

Coded code_column(const Column& c) {
  switch (c.type()) {
    case ColumnType::String: return code_strings(c);
    case ColumnType::Double: return code_doubles(c);
    default: return code_integers(c);
  }
}

}  // namespace

KeyGroups group_rows(std::size_t rows, const std::vector<const Column*>& keys) {
  KeyGroups g;
  if (keys.empty()) {
    g.group_of_row.assign(rows, 0);
    if (rows > 0) g.first_row.push_back(0);
    return g;
  }
  Coded acc = code_column(*keys[0]);
  for (std::size_t k = 1; k < keys.size(); ++k) {
    const Coded next = code_column(*keys[k]);
    Coder coder(rows);
    FlatIndex index;
    for (std::size_t r = 0; r < rows; ++r) {
      const std::uint64_t pair = (static_cast<std::uint64_t>(acc.codes[r]) << 32) | next.codes[r];
      bool fresh;
      const auto code = index.find_or_insert(pair, coder.next(), fresh);
      coder.set(r, code, fresh);
    }
    acc = coder.take();
  }
  g.group_of_row = std::move(acc.codes);
  g.first_row = std::move(acc.first_row);
  return g;
}

}  // namespace sluice::daily
