#include "exec/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "common/log.hpp"
#include "common/units.hpp"

namespace sluice::engine {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kLineInterval = std::chrono::seconds(2);
constexpr auto kLiveInterval = std::chrono::milliseconds(100);

Progress* g_live = nullptr;  // the display that log lines must clear and redraw around

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// "1.0/s", "250.3/s", "551.6k/s", "2.4M/s": a rate stays short whatever its size.
std::string format_rate(double per_second) {
  char text[32];
  if (per_second >= 1e6) std::snprintf(text, sizeof text, "%.1fM/s", per_second / 1e6);
  else if (per_second >= 1e3) std::snprintf(text, sizeof text, "%.1fk/s", per_second / 1e3);
  else std::snprintf(text, sizeof text, "%.1f/s", per_second);
  return text;
}

std::string bar(double fraction, int width) {
  const int filled = static_cast<int>(fraction * width + 0.5);
  std::string s;
  for (int i = 0; i < width; ++i) s += i < filled ? "#" : "-";
  return s;
}
}  // namespace

Progress::Mode Progress::detect(bool quiet) {
  if (quiet) return Mode::Off;
  return ::isatty(STDERR_FILENO) ? Mode::Live : Mode::Lines;
}

Progress::Progress(Mode mode, std::vector<std::string> node_ids, std::size_t run_size)
    : mode_(mode), ids_(std::move(node_ids)), nodes_(ids_.size()), run_size_(run_size == 0 ? ids_.size() : run_size),
      run_start_(Clock::now()) {
  if (mode_ == Mode::Live) {
    g_live = this;
    log::set_redraw_hooks([] { if (g_live) g_live->clear_live(); }, [] { if (g_live) g_live->draw_live(); });
    thread_ = std::thread([this] { display_loop(); });
  }
}

Progress::~Progress() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    log::set_redraw_hooks(nullptr, nullptr);
    clear_live();
    g_live = nullptr;
  }
}

void Progress::node_started(std::size_t node, std::uint64_t total, std::string_view unit) {
  if (mode_ == Mode::Off) return;
  std::lock_guard lock(mutex_);
  auto& n = nodes_[node];
  n.started = true;
  n.total = total;
  n.unit = std::string(unit);
  n.start = n.last_line = Clock::now();
}

void Progress::node_progress(std::size_t node, std::uint64_t done, std::uint64_t total, std::string_view unit) {
  if (mode_ == Mode::Off) return;
  std::string line;
  {
    std::lock_guard lock(mutex_);
    auto& n = nodes_[node];
    if (!n.started) {
      n.started = true;
      n.start = n.last_line = Clock::now();
    }
    n.done = done;
    n.total = total;
    n.unit = std::string(unit);
    if (mode_ == Mode::Lines && Clock::now() - n.last_line >= kLineInterval) {
      n.last_line = Clock::now();
      line = render_line(node);
    }
  }
  if (!line.empty()) log::info(line);
}

void Progress::item_done(std::size_t node, bool cached) {
  if (mode_ == Mode::Off) return;
  std::string line;
  {
    std::lock_guard lock(mutex_);
    auto& n = nodes_[node];
    ++n.done;
    ++(cached ? n.cached : n.computed);
    if (mode_ == Mode::Lines && Clock::now() - n.last_line >= kLineInterval) {
      n.last_line = Clock::now();
      line = render_line(node);
    }
  }
  if (!line.empty()) log::info(line);
}

void Progress::node_phase(std::size_t node, std::string phase) {
  if (mode_ == Mode::Off) return;
  std::lock_guard lock(mutex_);
  nodes_[node].phase = std::move(phase);
}

void Progress::node_finished(std::size_t node, const std::string& status, const std::string& summary) {
  if (mode_ == Mode::Off) return;
  std::size_t finished;
  {
    std::lock_guard lock(mutex_);
    nodes_[node].finished = true;
    finished = ++finished_count_;
  }
  log::info("[" + std::to_string(finished) + "/" + std::to_string(run_size_) + "] " + ids_[node] + ": " + status +
            (summary.empty() ? "" : " (" + summary + ")"));
}

std::string Progress::render_line(std::size_t node) const {
  const auto& n = nodes_[node];
  const double elapsed = seconds_since(n.start);
  std::string line = ids_[node] + ": ";
  if (!n.phase.empty()) return line + n.phase + ", elapsed " + format_duration_ms(elapsed * 1000);
  if (n.total == 0 && n.done == 0) {
    // The stage reports no progress (yet): a count and a rate of zero would say nothing.
    return line + "running, elapsed " + format_duration_ms(elapsed * 1000);
  }
  if (n.total > 0) {
    const double fraction = static_cast<double>(n.done) / static_cast<double>(n.total);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%%", fraction * 100);
    line += std::string(pct) + " |" + bar(fraction, 20) + "| ";
  }
  line += std::to_string(n.done) + (n.total ? "/" + std::to_string(n.total) : "") + " " + n.unit;
  if (n.cached + n.computed > 0) {
    line += " (" + std::to_string(n.computed) + " computed, " + std::to_string(n.cached) + " cached)";
  }
  const double rate = elapsed > 0 ? static_cast<double>(n.done) / elapsed : 0;
  line += " " + format_rate(rate) + ", elapsed " + format_duration_ms(elapsed * 1000);
  if (n.total > n.done && rate > 0) {
    line += ", eta " + format_duration_ms(static_cast<double>(n.total - n.done) / rate * 1000);
  }
  return line;
}

void Progress::clear_live() {
  // Called with the log lock held (or at shutdown): erase the lines we drew.
  for (std::size_t i = 0; i < drawn_lines_; ++i) std::fputs("\x1b[1A\x1b[2K", stderr);
  drawn_lines_ = 0;
}

void Progress::draw_live() {
  std::string out;
  std::size_t lines = 0;
  {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].started && !nodes_[i].finished) {
        out += "  " + render_line(i) + "\n";
        ++lines;
      }
    }
  }
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  drawn_lines_ = lines;
}

void Progress::display_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, kLiveInterval);
    if (stop_) break;
    lock.unlock();
    // Redraw through the logger's lock so log lines and the display never interleave.
    log::redraw();
    lock.lock();
  }
}

}  // namespace sluice::engine
