#include "schedule/scheduler.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/log.hpp"
#include "common/units.hpp"
#include "schedule/catchup.hpp"
#include "schedule/run_history.hpp"
#include "schedule/run_lock.hpp"

namespace sluice::engine {
namespace {

// Sets `cancel` when the stop flag is raised or the run passes its deadline.
class Watchdog {
 public:
  Watchdog(const std::atomic<bool>& stop, std::atomic<bool>& cancel,
           std::optional<std::chrono::milliseconds> max_runtime)
      : thread_([this, &stop, &cancel, max_runtime] {
          // Saturated: a max_runtime of a million days must not wrap around into the past.
          const auto now = std::chrono::steady_clock::now();
          const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::time_point::max() - now);
          const auto deadline = max_runtime && *max_runtime < room ? now + *max_runtime
                                                                   : std::chrono::steady_clock::time_point::max();
          std::unique_lock lock(mutex_);
          while (!done_) {
            if (stop.load()) {
              cancel = true;
              return;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
              timed_out_ = true;
              cancel = true;
              return;
            }
            wake_.wait_for(lock, std::chrono::milliseconds(50));
          }
        }) {}
  ~Watchdog() { finish(); }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  void finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool timed_out() const { return timed_out_; }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::atomic<bool> timed_out_{false};
  std::thread thread_;
};

std::string max_runtime_text(const ScheduleSpec& spec) {
  return spec.max_runtime ? format_duration_ms(static_cast<double>(spec.max_runtime->count())) : std::string();
}

}  // namespace

Scheduler::Scheduler(SchedulerOptions options, Runner runner, CacheDirResolver cache_dir, Clock& clock,
                     const std::atomic<bool>& stop)
    : options_(std::move(options)), runner_(std::move(runner)), cache_dir_(std::move(cache_dir)), clock_(clock),
      stop_(stop) {}

void Scheduler::log_event(const std::string& message) const {
  log::info(format_utc(clock_.now()) + " schedule: " + message);
}

void Scheduler::reload(Pipeline& p) {
  // Pick up edits to the pipeline file; a broken edit keeps the previous schedule.
  try {
    p.spec = require_schedule(p.spec.pipeline_file);
  } catch (const std::exception& e) {
    log::error(std::string(e.what()) + " (keeping the previous schedule \"" + p.spec.cron_text + "\")");
  }
}

int Scheduler::run() {
  for (const auto& file : options_.pipeline_files) {
    Pipeline p;
    p.spec = require_schedule(file);
    RunOptions probe;
    probe.pipeline_file = file;
    probe.cache_dir = options_.cache_dir;
    p.cache_dir = cache_dir_(probe);
    log_event(p.spec.pipeline + ": cron \"" + p.spec.cron_text + "\" in " + p.spec.timezone +
              (p.spec.catchup ? ", catch-up on" : ", catch-up off"));
    pipelines_.push_back(std::move(p));
  }

  int exit_code = 0;
  std::size_t iterations = 0;
  while (!stop_.load()) {
    const SysTime now = clock_.now();
    for (auto& p : pipelines_) {
      if (stop_.load()) break;
      reload(p);
      std::optional<SysTime> last = RunHistory(p.cache_dir).last_scheduled_slot(p.spec.pipeline);
      if (p.last_handled && (!last || *p.last_handled > *last)) last = p.last_handled;
      const auto slots = due_slots(p.spec.cron, p.spec.zone, last, now, p.spec.catchup);
      if (slots.size() > 1)
        log_event(p.spec.pipeline + ": catching up " + std::to_string(slots.size()) + " missed slots, oldest first");
      for (const auto slot : slots) {
        if (stop_.load()) break;
        if (!run_slot(p, slot)) exit_code = 1;
        p.last_handled = slot;
      }
    }
    if (options_.once || stop_.load()) break;
    if (options_.max_iterations && ++iterations >= *options_.max_iterations) break;

    std::optional<SysSeconds> wake;
    std::string who;
    for (const auto& p : pipelines_) {
      const auto next = next_fire(p.spec.cron, p.spec.zone, now);
      if (next && (!wake || *next < *wake)) {
        wake = next;
        who = p.spec.pipeline;
      }
    }
    if (!wake) {
      log_event("no schedule fires again; exiting");
      break;
    }
    const auto* zone = pipelines_.front().spec.zone;
    for (const auto& p : pipelines_)
      if (p.spec.pipeline == who) zone = p.spec.zone;
    log_event("sleeping until " + format_in_zone(*wake, zone) + " (next: " + who + ")");
    if (!clock_.sleep_until(*wake, &stop_)) break;
  }
  log_event(stop_.load() ? "stop requested; exiting" : "done");
  return options_.once ? exit_code : 0;
}

bool Scheduler::run_slot(Pipeline& p, SysSeconds slot) {
  const int attempts = 1 + p.spec.retries;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    const Outcome outcome = run_once(p, slot, attempt);
    if (outcome.kind == Outcome::Kind::Ok) return true;
    if (outcome.kind == Outcome::Kind::Skipped || outcome.kind == Outcome::Kind::Invalid || stop_.load()) return false;
    if (attempt == attempts) {
      if (attempts > 1) log_event(p.spec.pipeline + ": giving up on this slot after " + std::to_string(attempts) + " attempts");
      return false;
    }
    // Exponential backoff: retry_backoff, 2x, 4x, ...
    const auto backoff = p.spec.retry_backoff * (1LL << std::min(attempt - 1, 20));
    log_event(p.spec.pipeline + ": retry " + std::to_string(attempt) + " of " + std::to_string(p.spec.retries) +
              " in " + format_duration_ms(static_cast<double>(backoff.count())));
    if (!clock_.sleep_until(clock_.now() + backoff, &stop_)) return false;
  }
  return false;
}

Scheduler::Outcome Scheduler::run_once(Pipeline& p, SysSeconds slot, int attempt) {
  const std::string name = p.spec.pipeline;
  const std::string slot_text = format_in_zone(slot, p.spec.zone);
  log_event(name + ": slot " + slot_text + " starting" +
            (attempt > 1 ? " (attempt " + std::to_string(attempt) + " of " + std::to_string(1 + p.spec.retries) + ")" : ""));
  std::atomic<bool> cancel{false};
  RunOptions options;
  options.pipeline_file = p.spec.pipeline_file;
  options.cache_dir = p.cache_dir;
  options.jobs = options_.jobs;
  options.quiet = true;
  options.trigger = "schedule";
  options.scheduled_for = SysTime(slot);
  options.cancel = &cancel;
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::string> error;
  Watchdog watchdog(stop_, cancel, p.spec.max_runtime);
  options.cancel_reason = [&] {
    return watchdog.timed_out() ? "cancelled after exceeding max_runtime " + max_runtime_text(p.spec)
                                : std::string("cancelled by a stop request");
  };
  std::int64_t history_row = 0;
  options.history_row = &history_row;
  try {
    const RunReport report = runner_(options);
    watchdog.finish();
    if (report.status != "ok") error = report.first_failure().value_or("the run failed");
  } catch (const LockBusyError& e) {
    watchdog.finish();
    // Another run of this pipeline is in progress: skip the slot (no overlap) and record it.
    log_event(name + ": slot " + slot_text + " skipped: " + e.what());
    try {
      RunHistory history(p.cache_dir);
      history.complete(history.begin(name, "schedule", SysTime(slot)), "skipped", 0, 0, 0, std::string(e.what()), "");
    } catch (const std::exception& h) {
      log::warn("could not record the skipped slot: " + std::string(h.what()));
    }
    return {Outcome::Kind::Skipped, e.what()};
  } catch (const std::exception& e) {
    watchdog.finish();
    error = e.what();
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (watchdog.timed_out() || (stop_.load() && error))
    error = options.cancel_reason() + (error ? " (" + *error + ")" : "");
  if (!error) {
    log_event(name + ": slot " + slot_text + " ok in " + format_duration_ms(ms));
    return {};
  }
  log_event(name + ": slot " + slot_text + " failed after " + format_duration_ms(ms) + ": " + *error);
  if (history_row == 0) {
    // The run never began, so nothing recorded it: recorded here, so that the history shows why and the
    // slot counts as handled (not caught up again at every pass). Retrying would fail the same way.
    try {
      RunHistory history(p.cache_dir);
      history.fail(history.begin(name, "schedule", SysTime(slot)), *error);
    } catch (const std::exception& h) {
      log::warn("could not record the failed slot: " + std::string(h.what()));
    }
    return {Outcome::Kind::Invalid, *error};
  }
  return {Outcome::Kind::Failed, *error};
}

}  // namespace sluice::engine
