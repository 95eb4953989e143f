#include "sluice/serialize.hpp"

#include <xxhash.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "sluice/errors.hpp"
#include "xxh3_stream.hpp"

static_assert(std::endian::native == std::endian::little, "the value encoding assumes a little-endian host");

namespace sluice {

namespace {
constexpr char kMagic[4] = {'S', 'L', 'V', '1'};
constexpr std::uint8_t kTableTag = 1;
constexpr std::uint8_t kBlobTag = 2;

// Encodes into a sink in pieces: small fields are gathered in a buffer, large column buffers
// are passed straight through, so a multi-gigabyte table is never copied to be hashed or stored.
class Writer {
 public:
  explicit Writer(const ValueSink& sink) : sink_(sink) { buffer_.reserve(kBuffer); }
  template <typename T>
  void pod(T v) {
    if (buffer_.size() + sizeof v > kBuffer) flush();
    buffer_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void bytes(const void* p, std::size_t n) {
    if (n >= kDirect) {
      flush();
      sink_(std::string_view(static_cast<const char*>(p), n));
      return;
    }
    if (buffer_.size() + n > kBuffer) flush();
    buffer_.append(static_cast<const char*>(p), n);
  }
  void str32(std::string_view s) {
    pod(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void flush() {
    if (buffer_.empty()) return;
    sink_(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kBuffer = 64 * 1024;
  static constexpr std::size_t kDirect = 16 * 1024;
  const ValueSink& sink_;
  std::string buffer_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  T pod() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  const char* take(std::size_t n) {
    if (n > in_.size() - pos_) throw Error("corrupt value encoding: truncated at byte " + std::to_string(pos_));
    const char* p = in_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::string str32() {
    auto n = pod<std::uint32_t>();
    return std::string(take(n), n);
  }
  template <typename T>
  std::vector<T> array(std::uint64_t count) {
    if (count > (in_.size() - pos_) / sizeof(T)) throw Error("corrupt value encoding: array exceeds the data");
    std::vector<T> v(count);
    if (count) std::memcpy(v.data(), take(count * sizeof(T)), count * sizeof(T));
    return v;
  }
  bool done() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

void encode_table(Writer& w, const Table& t) {
  w.pod(static_cast<std::uint32_t>(t.num_columns()));
  w.pod(static_cast<std::uint64_t>(t.num_rows()));
  for (const auto& c : t.columns()) {
    w.str32(c.name());
    w.pod(static_cast<std::uint8_t>(c.type()));
    w.pod(static_cast<std::uint8_t>(c.has_nulls() ? 1 : 0));
    if (c.has_nulls()) w.bytes(c.validity().data(), c.validity().size());
    switch (c.type()) {
      case ColumnType::Double:
        // NaNs are written in one canonical form so equal tables hash alike.
        for (double d : c.doubles()) w.pod(std::isnan(d) ? std::numeric_limits<double>::quiet_NaN() : d);
        break;
      case ColumnType::String:
        w.bytes(c.string_offsets().data(), c.string_offsets().size() * sizeof(std::uint64_t));
        w.bytes(c.string_bytes().data(), c.string_bytes().size());
        break;
      default: w.bytes(c.ints().data(), c.ints().size() * sizeof(std::int64_t)); break;
    }
  }
}

std::size_t bytes_left(const Reader& r) { return r.remaining(); }

Table decode_table(Reader& r) {
  Table t;
  const auto ncols = r.pod<std::uint32_t>();
  const auto nrows = r.pod<std::uint64_t>();
  // Every row takes at least one byte somewhere, so a larger count is corrupt (and nrows + 1 cannot wrap).
  if (ncols > 0 && nrows > bytes_left(r)) throw Error("corrupt value encoding: row count " + std::to_string(nrows) + " exceeds the data");
  for (std::uint32_t i = 0; i < ncols; ++i) {
    std::string name = r.str32();
    const auto type_tag = r.pod<std::uint8_t>();
    if (type_tag < 1 || type_tag > 5) throw Error("corrupt value encoding: bad column type " + std::to_string(type_tag));
    const auto type = static_cast<ColumnType>(type_tag);
    const auto has_nulls = r.pod<std::uint8_t>();
    if (has_nulls > 1) throw Error("corrupt value encoding: bad null flag");
    std::vector<std::uint8_t> validity = has_nulls ? r.array<std::uint8_t>(nrows) : std::vector<std::uint8_t>{};
    for (std::uint8_t v : validity)
      if (v > 1) throw Error("corrupt value encoding: bad validity byte");
    std::vector<std::int64_t> ints;
    std::vector<double> doubles;
    std::vector<std::uint64_t> offsets{0};
    std::string bytes;
    if (type == ColumnType::Double) {
      doubles = r.array<double>(nrows);
    } else if (type == ColumnType::String) {
      offsets = r.array<std::uint64_t>(nrows + 1);
      const std::uint64_t len = offsets.back();
      // Straight into the column's bytes, without a zero-filled intermediate buffer.
      if (len > r.remaining()) throw Error("corrupt value encoding: array exceeds the data");
      bytes.assign(r.take(len), len);
    } else {
      ints = r.array<std::int64_t>(nrows);
    }
    Column c(std::move(name), type);
    try {
      c.assign_raw(nrows, std::move(ints), std::move(doubles), std::move(offsets), std::move(bytes), std::move(validity));
      t.add_column(std::move(c));
    } catch (const Error& e) {
      throw Error(std::string("corrupt value encoding: ") + e.what());
    } catch (const std::invalid_argument& e) {
      throw Error(std::string("corrupt value encoding: ") + e.what());
    }
  }
  return t;
}
}  // namespace

std::string Hash128::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = digits[(high >> (4 * i)) & 0xF];
    out[31 - i] = digits[(low >> (4 * i)) & 0xF];
  }
  return out;
}

Hash128 Hash128::from_hex(std::string_view hex) {
  if (hex.size() != 32) throw std::invalid_argument("a hash has 32 hex digits, got '" + std::string(hex) + "'");
  Hash128 h;
  for (std::size_t i = 0; i < 32; ++i) {
    const char c = hex[i];
    std::uint64_t d;
    if (c >= '0' && c <= '9') d = static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<std::uint64_t>(c - 'a' + 10);
    else throw std::invalid_argument("bad hex digit in hash '" + std::string(hex) + "'");
    std::uint64_t& part = i < 16 ? h.high : h.low;
    part = (part << 4) | d;
  }
  return h;
}

Hash128 hash_bytes(std::string_view bytes) { return detail::to_hash128(XXH3_128bits(bytes.data(), bytes.size())); }

namespace {
detail::KeyXxh3Stream& stream_of(void* state) { return *static_cast<detail::KeyXxh3Stream*>(state); }
}  // namespace

// The stream lives behind the opaque pointer of the public class, so its size is not part of the ABI.
Hasher::Hasher() : state_(std::make_unique<detail::KeyXxh3Stream>().release()) {}
Hasher::~Hasher() {
  const std::unique_ptr<detail::KeyXxh3Stream> owned(static_cast<detail::KeyXxh3Stream*>(state_));  // frees it
}

Hasher& Hasher::add(std::string_view bytes) { return add(static_cast<std::uint64_t>(bytes.size())).add_raw(bytes); }
Hasher& Hasher::add(std::uint64_t v) {
  stream_of(state_).update(&v, sizeof v);
  return *this;
}
Hasher& Hasher::add_raw(std::string_view bytes) {
  stream_of(state_).update(bytes.data(), bytes.size());
  return *this;
}
Hash128 Hasher::finish() const { return stream_of(state_).digest(); }

void encode_value_to(const Value& value, const ValueSink& sink) {
  Writer w(sink);
  w.bytes(kMagic, 4);
  if (const auto* t = std::get_if<Table>(&value)) {
    w.pod(kTableTag);
    encode_table(w, *t);
  } else {
    const auto& b = std::get<Blob>(value);
    w.pod(kBlobTag);
    w.str32(b.media_type);
    w.pod(static_cast<std::uint64_t>(b.bytes.size()));
    w.bytes(b.bytes.data(), b.bytes.size());
  }
  w.flush();
}

std::string encode_value(const Value& value) {
  std::string out;
  if (const auto* t = std::get_if<Table>(&value)) {
    std::size_t estimate = 64;
    for (const auto& c : t->columns()) estimate += 32 + c.name().size() + c.size() * 9 + c.string_bytes().size();
    out.reserve(estimate);
  }
  encode_value_to(value, [&out](std::string_view piece) { out.append(piece); });
  return out;
}

Value decode_value(std::string_view bytes) {
  Reader r(bytes);
  if (std::memcmp(r.take(4), kMagic, 4) != 0) throw Error("corrupt value encoding: bad magic");
  const auto tag = r.pod<std::uint8_t>();
  Value v;
  if (tag == kTableTag) {
    v = decode_table(r);
  } else if (tag == kBlobTag) {
    Blob b;
    b.media_type = r.str32();
    const auto n = r.pod<std::uint64_t>();
    auto raw = r.array<char>(n);
    b.bytes.assign(raw.begin(), raw.end());
    v = std::move(b);
  } else {
    throw Error("corrupt value encoding: unknown value tag " + std::to_string(tag));
  }
  if (!r.done()) throw Error("corrupt value encoding: trailing bytes");
  return v;
}

ValueDigest digest_value(const Value& value, const ValueSink& tee) {
  detail::Xxh3Stream stream;
  ValueDigest d;
  encode_value_to(value, [&](std::string_view piece) {
    stream.update(piece.data(), piece.size());
    d.size += piece.size();
    if (tee) tee(piece);
  });
  d.hash = stream.digest();
  return d;
}

Hash128 hash_value(const Value& value) { return digest_value(value).hash; }

}  // namespace sluice
