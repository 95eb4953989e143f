#pragma once
// HTML/SVG text building. Every string that comes from data goes through
// escape_text(); the builder makes the safe path the short one (text() and
// attribute values escape, only raw() does not, and raw() is for markup this
// plugin generated itself).
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace sluice::dashboard {

// Escapes & < > " ' and replaces characters XML forbids (C0 controls other than
// tab/newline/CR, invalid UTF-8) with U+FFFD, so the result is safe in HTML text,
// in quoted attributes, and in a standalone SVG (XML) document.
std::string escape_text(std::string_view text);

// Receives a page in pieces, in order (a file being written, a string being built).
using PageSink = std::function<void(std::string_view)>;

struct Attr {
  std::string_view name;  // a literal from this plugin, never data
  std::string value;      // escaped on output
};

class Markup {
 public:
  Markup() = default;
  // Markup that spill() may hand to `sink` (which must outlive it) and empty.
  explicit Markup(const PageSink* sink) : sink_(sink) {}

  Markup& raw(std::string_view trusted_markup) {
    out_ += trusted_markup;
    return *this;
  }
  Markup& text(std::string_view untrusted) {
    out_ += escape_text(untrusted);
    return *this;
  }
  Markup& open(std::string_view tag, std::initializer_list<Attr> attrs = {});
  // <tag a="..."/> (SVG) or <tag a="..."> for HTML void elements when self_close is false.
  Markup& empty(std::string_view tag, std::initializer_list<Attr> attrs = {}, bool self_close = true);
  Markup& close(std::string_view tag);
  // <tag attrs>escaped text</tag>
  Markup& element(std::string_view tag, std::initializer_list<Attr> attrs, std::string_view untrusted_text);

  // With a sink: once the text reaches `at_least` bytes, hands it to the sink and starts again in the
  // same buffer. A page of a thousand cards (19 MB) is written through a buffer of a few hundred KiB
  // instead of being built whole, which on some machines cost more in page faults than the rendering.
  void spill(std::size_t at_least = 256 * 1024) {
    if (sink_ != nullptr && !out_.empty() && out_.size() >= at_least) {
      (*sink_)(out_);
      out_.clear();
    }
  }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void attributes(std::initializer_list<Attr> attrs);
  std::string out_;
  const PageSink* sink_ = nullptr;
};

}  // namespace sluice::dashboard
