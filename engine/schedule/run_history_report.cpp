// RunHistory::finish lives apart from the rest of the history so that code which
// never records a RunReport (tests, `sluice runs`) does not link the executor.
#include "app/run_pipeline.hpp"
#include "schedule/run_history.hpp"

namespace sluice::engine {

void RunHistory::finish(std::int64_t id, const RunReport& report, const std::optional<std::string>& error) {
  complete(id, report.status, static_cast<std::int64_t>(report.count("ran")),
           static_cast<std::int64_t>(report.count("cached")), static_cast<std::int64_t>(report.count("failed")),
           error ? error : report.first_failure(), report.to_json());
}

}  // namespace sluice::engine
