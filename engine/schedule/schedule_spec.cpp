#include "schedule/schedule_spec.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "common/errors.hpp"
#include "common/suggest.hpp"
#include "common/units.hpp"
#include "pipeline/pipeline_loader.hpp"

namespace sluice::engine {
namespace {

const std::vector<std::string> kKeys = {"cron", "timezone", "catchup", "max_runtime", "retries", "retry_backoff"};

class SpecReader {
 public:
  explicit SpecReader(const std::filesystem::path& file) : file_(file) {}

  [[noreturn]] void fail(const toml::source_region& where, const std::string& message, std::size_t extra_columns = 0) const {
    throw UsageError(file_.string() + ":" + std::to_string(where.begin.line) + ":" +
                     std::to_string(where.begin.column + extra_columns) + ": " + message);
  }

  // How many characters the string's opening quote takes ("..." = 1, """...""" = 3).
  std::size_t quote_width(const toml::source_region& where) const {
    std::ifstream in(file_);
    std::string line;
    for (std::uint32_t i = 0; i < where.begin.line && std::getline(in, line); ++i) {
    }
    const std::size_t col = where.begin.column - 1;
    if (col >= line.size()) return 1;  // the text did not come from this file (parse_pipeline)
    if (line.compare(col, 3, "\"\"\"") == 0 || line.compare(col, 3, "'''") == 0) return 3;
    return 1;
  }

  std::chrono::milliseconds duration(const toml::node& node, const std::string& key, bool allow_zero) const {
    const auto* text = node.as_string();
    const auto value = text ? parse_duration(text->get()) : std::nullopt;
    const std::string shown = text ? "\"" + text->get() + "\"" : "(not a string)";
    if (!value)
      fail(node.source(), key + " = " + shown + " is not a duration; write a string with a unit, e.g. \"90s\", \"30m\", \"2h\" or \"1h30m\"");
    if (*value < std::chrono::milliseconds(allow_zero ? 0 : 1))
      fail(node.source(), key + " must be " + (allow_zero ? "zero or more" : "more than zero") + "; e.g. \"30m\"");
    return *value;
  }

 private:
  std::filesystem::path file_;
};

}  // namespace

const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

namespace {
toml::table parse_pipeline_file(const std::filesystem::path& pipeline_file) {
  try {
    const std::string path = pipeline_file.string();
    return toml::parse(read_pipeline_text(pipeline_file), std::string_view(path));
  } catch (const toml::parse_error& e) {
    throw UsageError(pipeline_file.string() + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) + ": " + std::string(e.description()) +
                     "; fix the TOML syntax");
  }
}
}  // namespace

std::optional<ScheduleSpec> load_schedule(const std::filesystem::path& pipeline_file) {
  return read_schedule(parse_pipeline_file(pipeline_file), pipeline_file);
}

std::optional<ScheduleSpec> read_schedule(const toml::table& doc, const std::filesystem::path& pipeline_file) {
  const SpecReader reader(pipeline_file);
  const auto* pipeline = doc["pipeline"].as_table();
  if (!pipeline) throw UsageError(pipeline_file.string() + ":1:1: missing [pipeline] table; add [pipeline] with name = \"...\"");
  const auto* schedule_node = pipeline->get("schedule");
  if (!schedule_node) return std::nullopt;
  const auto* schedule = schedule_node->as_table();
  if (!schedule) reader.fail(schedule_node->source(), "pipeline.schedule must be a table; write [pipeline.schedule] with cron = \"0 6 * * *\"");

  ScheduleSpec spec;
  spec.pipeline_file = pipeline_file;
  if (const auto* name = pipeline->get_as<std::string>("name")) spec.pipeline = name->get();
  else reader.fail(pipeline->source(), "[pipeline] needs name = \"...\" (a string); the scheduler records runs under it");

  for (const auto& [key, value] : *schedule) {
    const std::string k(key.str());
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end())
      reader.fail(key.source(), "unknown key '" + k + "' in [pipeline.schedule]" + did_you_mean(k, kKeys) +
                                    "; allowed keys: cron, timezone, catchup, max_runtime, retries, retry_backoff");
    (void)value;
  }

  const auto* cron = schedule->get("cron");
  if (!cron) reader.fail(schedule->source(), "[pipeline.schedule] needs cron = \"...\", e.g. cron = \"0 6 * * MON\" (06:00 every Monday)");
  if (!cron->is_string()) reader.fail(cron->source(), "cron must be a string, e.g. cron = \"0 6 * * MON\"");
  spec.cron_text = cron->as_string()->get();
  try {
    spec.cron = CronExpr::parse(spec.cron_text);
  } catch (const CronError& e) {
    if (e.field() == "expression")
      reader.fail(cron->source(), "invalid cron expression \"" + e.text() + "\": " + e.problem());
    reader.fail(cron->source(),
                "invalid cron " + e.field() + " field \"" + e.text() + "\" (column " + std::to_string(e.offset() + 1) +
                    " of \"" + spec.cron_text + "\"): " + e.problem(),
                reader.quote_width(cron->source()) + e.offset());
  }

  if (const auto* tz = schedule->get("timezone")) {
    if (!tz->is_string()) reader.fail(tz->source(), "timezone must be a string such as \"Europe/Berlin\" or \"UTC\"");
    spec.timezone = tz->as_string()->get();
  }
  spec.zone = find_zone(spec.timezone);
  if (!spec.zone) {
    std::vector<std::string> names;
    for (const auto& z : date::get_tzdb().zones) names.emplace_back(z.name());
    const auto* tz = schedule->get("timezone");
    reader.fail(tz->source(), "unknown timezone \"" + spec.timezone + "\"" + did_you_mean(spec.timezone, names) +
                                  "; use an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\"");
  }

  if (const auto* catchup = schedule->get("catchup")) {
    if (!catchup->is_boolean()) reader.fail(catchup->source(), "catchup must be true or false (without quotes)");
    spec.catchup = catchup->as_boolean()->get();
  }
  if (const auto* max_runtime = schedule->get("max_runtime"))
    spec.max_runtime = reader.duration(*max_runtime, "max_runtime", false);
  if (const auto* retries = schedule->get("retries")) {
    const auto* n = retries->as_integer();
    if (!n || n->get() < 0 || n->get() > 100)
      reader.fail(retries->source(), "retries must be a whole number from 0 to 100, e.g. retries = 2");
    spec.retries = static_cast<int>(n->get());
  }
  if (const auto* backoff = schedule->get("retry_backoff"))
    spec.retry_backoff = reader.duration(*backoff, "retry_backoff", true);
  return spec;
}

ScheduleSpec require_schedule(const std::filesystem::path& pipeline_file) {
  auto spec = load_schedule(pipeline_file);
  if (!spec)
    throw UsageError(pipeline_file.string() +
                     ":1:1: the pipeline has no schedule; add a [pipeline.schedule] table with cron = \"0 6 * * *\" "
                     "(and optionally timezone, catchup, max_runtime, retries)");
  return std::move(*spec);
}

std::string read_pipeline_name(const std::filesystem::path& pipeline_file) {
  const toml::table doc = parse_pipeline_file(pipeline_file);
  if (const auto* name = doc["pipeline"]["name"].as_string()) return name->get();
  throw UsageError(pipeline_file.string() + ":1:1: [pipeline] needs name = \"...\" (a string)");
}

}  // namespace sluice::engine
