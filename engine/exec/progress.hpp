#pragma once
// Progress of a run: a live display on a TTY (per node: done/total, rate,
// elapsed, ETA, cached vs computed) or plain periodic lines otherwise.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <condition_variable>

namespace sluice::engine {

class Progress {
 public:
  enum class Mode { Off, Lines, Live };
  // Mode from the environment: Off when quiet, Live when stderr is a TTY, else Lines.
  static Mode detect(bool quiet);

  // `run_size`: how many of the nodes this run executes (--target selects fewer); 0 = all.
  Progress(Mode mode, std::vector<std::string> node_ids, std::size_t run_size = 0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void node_started(std::size_t node, std::uint64_t total, std::string_view unit);
  void node_progress(std::size_t node, std::uint64_t done, std::uint64_t total, std::string_view unit);
  void item_done(std::size_t node, bool cached);  // one partition finished
  // What the engine does for the node once its stage returned; shown instead of the counts.
  void node_phase(std::size_t node, std::string phase);
  void node_finished(std::size_t node, const std::string& status, const std::string& summary);

  // Renders the current state (used by the display thread and by tests).
  std::string render_line(std::size_t node) const;

 private:
  struct NodeState {
    bool started = false, finished = false;
    std::uint64_t done = 0, total = 0, cached = 0, computed = 0;
    std::string unit = "items";
    std::string phase;
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point last_line;
  };
  void display_loop();
  void draw_live();
  void clear_live();

  Mode mode_;
  std::vector<std::string> ids_;
  std::vector<NodeState> nodes_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::size_t run_size_;
  std::size_t finished_count_ = 0;
  std::size_t drawn_lines_ = 0;
  std::chrono::steady_clock::time_point run_start_;
  std::thread thread_;
};

}  // namespace sluice::engine
