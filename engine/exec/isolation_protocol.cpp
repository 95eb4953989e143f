#include "exec/isolation_protocol.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <type_traits>
#include <utility>
#include <variant>

#include <sluice/errors.hpp>
#include <sluice/serialize.hpp>

#include "common/file_io.hpp"

namespace sluice::engine::isolation {

namespace {

// ---- a length-prefixed record format (both ends are the same build on the same machine) ----

void put_u64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t u64() {
    need(sizeof(std::uint64_t));
    std::uint64_t v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string_view str() {
    const std::uint64_t n = u64();
    need(n);
    const auto s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  void need(std::uint64_t n) const {
    if (n > bytes_.size() - pos_) throw Error("isolation: truncated data between the engine and the stage process");
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

// ---- parameters: a tag per scalar, lists as a count of scalars -------------

enum Tag : std::uint64_t { kNull, kFalse, kTrue, kInt, kDouble, kString, kList };

void put_scalar(std::string& out, const Scalar& s) {
  if (const auto* b = std::get_if<bool>(&s)) {
    put_u64(out, *b ? kTrue : kFalse);
  } else if (const auto* i = std::get_if<std::int64_t>(&s)) {
    put_u64(out, kInt);
    put_u64(out, static_cast<std::uint64_t>(*i));
  } else if (const auto* d = std::get_if<double>(&s)) {
    put_u64(out, kDouble);
    put_u64(out, std::bit_cast<std::uint64_t>(*d));
  } else if (const auto* str = std::get_if<std::string>(&s)) {
    put_u64(out, kString);
    put_str(out, *str);
  } else {
    put_u64(out, kNull);
  }
}

Scalar read_scalar(RecordReader& r, std::uint64_t tag) {
  switch (tag) {
    case kNull: return std::monostate{};
    case kFalse: return false;
    case kTrue: return true;
    case kInt: return static_cast<std::int64_t>(r.u64());
    case kDouble: return std::bit_cast<double>(r.u64());
    case kString: return std::string(r.str());
    default: throw Error("isolation: unknown parameter tag " + std::to_string(tag));
  }
}

void put_param(std::string& out, const ParamValue& v) {
  if (v.is_list()) {
    put_u64(out, kList);
    put_u64(out, v.as_list().size());
    for (const Scalar& s : v.as_list()) put_scalar(out, s);
  } else if (v.is_bool()) {
    put_scalar(out, v.as_bool());
  } else if (v.is_int()) {
    put_scalar(out, v.as_int());
  } else if (v.is_double()) {
    put_scalar(out, v.as_double());
  } else if (v.is_string()) {
    put_scalar(out, v.as_string());
  } else {
    put_scalar(out, std::monostate{});
  }
}

ParamValue read_param(RecordReader& r) {
  const std::uint64_t tag = r.u64();
  if (tag == kList) {
    std::vector<Scalar> items(r.u64());
    for (Scalar& s : items) s = read_scalar(r, r.u64());
    return ParamValue(std::move(items));
  }
  return std::visit([](auto&& s) -> ParamValue {
    if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) return ParamValue();
    else return ParamValue(std::move(s));
  }, read_scalar(r, tag));
}

// ---- events ------------------------------------------------------------------

constexpr char kLog = 'L';       // payload: level byte + text
constexpr char kProgress = 'P';  // payload: done, total (u64), unit

// A log line or progress report is small; a longer announced payload means the pipe does not
// carry events (a stage that wrote to fd 3 itself), and waiting for it would buffer without end.
constexpr std::size_t kMaxEventPayload = std::size_t{1} << 20;

std::string event(char type, std::string_view payload) {
  std::string msg(1, type);
  put_str(msg, payload);
  return msg;
}

}  // namespace

std::string encode_request(const StageFacts& facts, const Params& params, const Inputs& inputs) {
  std::string out;
  put_str(out, facts.plugin.string());
  put_str(out, facts.stage_id);
  put_str(out, facts.node_id);
  put_str(out, facts.pipeline_dir.string());
  put_str(out, facts.run_info);
  put_u64(out, facts.partition_keys ? 1 : 0);
  if (facts.partition_keys) put_str(out, encode_value(Value(*facts.partition_keys)));
  put_u64(out, params.values().size());
  for (const auto& [name, value] : params.values()) {
    put_str(out, name);
    put_param(out, value);
  }
  put_u64(out, inputs.entries().size());
  for (const auto& [port, value] : inputs.entries()) {
    put_str(out, port);
    put_str(out, encode_value(*value));
  }
  return out;
}

Request decode_request(std::string_view bytes) {
  RecordReader r(bytes);
  Request q;
  q.facts.plugin = r.str();
  q.facts.stage_id = r.str();
  q.facts.node_id = r.str();
  q.facts.pipeline_dir = r.str();
  q.facts.run_info = r.str();
  if (r.u64() != 0) {
    Value keys = decode_value(r.str());
    if (auto* t = std::get_if<Table>(&keys)) q.facts.partition_keys = std::move(*t);
    else throw Error("isolation: the partition keys in the request are not a table");
  }
  for (std::uint64_t i = 0, n = r.u64(); i < n; ++i) {
    std::string name(r.str());
    q.params.set(name, read_param(r));
  }
  for (std::uint64_t i = 0, n = r.u64(); i < n; ++i) {
    std::string port(r.str());
    q.inputs.bind(std::move(port), std::make_shared<const Value>(decode_value(r.str())));
  }
  return q;
}

std::string encode_outputs(const Outputs& outputs) {
  std::string out;
  put_str(out, outputs.receipt());
  put_u64(out, outputs.values().size());
  for (const auto& [port, value] : outputs.values()) {
    put_str(out, port);
    put_str(out, encode_value(value));
  }
  return out;
}

Outputs decode_outputs(std::string_view bytes) {
  RecordReader r(bytes);
  Outputs outputs;
  outputs.set_receipt(std::string(r.str()));
  for (std::uint64_t i = 0, n = r.u64(); i < n; ++i) {
    std::string port(r.str());
    Value value = decode_value(r.str());
    if (auto* t = std::get_if<Table>(&value)) outputs.set(std::move(port), std::move(*t));
    else outputs.set(std::move(port), std::move(std::get<Blob>(value)));
  }
  return outputs;
}

std::string log_event(LogLevel level, std::string_view message) {
  std::string payload(1, static_cast<char>(level));
  constexpr std::string_view kCut = " ... (truncated)";
  if (message.size() >= kMaxEventPayload) {
    payload.append(message.substr(0, kMaxEventPayload - 1 - kCut.size()));
    payload.append(kCut);
  } else {
    payload.append(message);
  }
  return event(kLog, payload);
}

std::string progress_event(std::uint64_t done, std::uint64_t total, std::string_view unit) {
  std::string payload;
  put_u64(payload, done);
  put_u64(payload, total);
  payload.append(unit.substr(0, 256));  // a unit is a word ("rows"), never a payload
  return event(kProgress, payload);
}

namespace {
[[noreturn]] void foreign_bytes_on_events_pipe() {
  throw Error("isolation: the stage process wrote something other than an event to its events pipe (fd " +
              std::to_string(kEventsFd) + "); a stage must not write to that descriptor");
}
}  // namespace

void forward_events(std::string& buffer, Context& ctx) {
  std::size_t pos = 0;
  while (buffer.size() - pos >= 1 + sizeof(std::uint64_t)) {
    std::uint64_t n;
    std::memcpy(&n, buffer.data() + pos + 1, sizeof n);
    const char type = buffer[pos];
    if ((type != kLog && type != kProgress) || n > kMaxEventPayload) foreign_bytes_on_events_pipe();
    if (buffer.size() - pos - 1 - sizeof n < n) break;
    const std::string_view payload(buffer.data() + pos + 1 + sizeof n, n);
    if (type == kLog && !payload.empty()) {
      ctx.log(static_cast<LogLevel>(payload.front()), payload.substr(1));
    } else if (type == kProgress && payload.size() >= 2 * sizeof(std::uint64_t)) {
      RecordReader r(payload.substr(0, 2 * sizeof(std::uint64_t)));
      const auto done = r.u64();
      const auto total = r.u64();
      ctx.progress(done, total, payload.substr(2 * sizeof(std::uint64_t)));
    }
    pos += 1 + sizeof n + n;
  }
  buffer.erase(0, pos);
}

void check_events_drained(const std::string& buffer) {
  if (!buffer.empty()) foreign_bytes_on_events_pipe();
}

void write_file(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) throw Error("isolation: cannot write " + file.string());
}

std::string read_file(const std::filesystem::path& file) {
  auto bytes = read_whole_file(file);
  if (!bytes) throw Error("isolation: cannot read " + file.string());
  return std::move(*bytes);
}

}  // namespace sluice::engine::isolation
