// [pipeline.schedule]: values, defaults and every error as file:line:col.
#include <doctest/doctest.h>

#include "common/errors.hpp"
#include "schedule/schedule_spec.hpp"
#include "../../support/process.hpp"

using namespace sluice::engine;
using sluice::test::TempDir;
using sluice::test::write_file;

namespace {
std::string error_for(const TempDir& dir, const std::string& schedule_lines) {
  const auto file = dir / "p.toml";
  write_file(file, "[pipeline]\nname = \"p\"\n[pipeline.schedule]\n" + schedule_lines);
  try {
    (void)load_schedule(file);
  } catch (const UsageError& e) {
    const std::string message = e.what();
    return message.substr(file.string().size());  // drop the temp path
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("schedule spec: full table and defaults") {
  TempDir dir;
  write_file(dir / "a.toml", "[pipeline]\nname = \"sales\"\n[pipeline.schedule]\ncron = \"0 6 * * MON\"\n"
                             "timezone = \"Europe/Berlin\"\ncatchup = true\nmax_runtime = \"2h\"\nretries = 3\n"
                             "retry_backoff = \"30s\"\n");
  const auto spec = load_schedule(dir / "a.toml");
  REQUIRE(spec);
  CHECK(spec->pipeline == "sales");
  CHECK(spec->cron_text == "0 6 * * MON");
  CHECK(spec->timezone == "Europe/Berlin");
  CHECK(spec->zone == date::locate_zone("Europe/Berlin"));
  CHECK(spec->catchup);
  CHECK(spec->max_runtime == std::chrono::hours(2));
  CHECK(spec->retries == 3);
  CHECK(spec->retry_backoff == std::chrono::seconds(30));

  write_file(dir / "b.toml", "[pipeline]\nname = \"b\"\n[pipeline.schedule]\ncron = \"@daily\"\n");
  const auto defaults = load_schedule(dir / "b.toml");
  REQUIRE(defaults);
  CHECK(defaults->timezone == "UTC");
  CHECK_FALSE(defaults->catchup);
  CHECK_FALSE(defaults->max_runtime);
  CHECK(defaults->retries == 0);
  CHECK(defaults->retry_backoff == std::chrono::minutes(1));

  write_file(dir / "c.toml", "[pipeline]\nname = \"c\"\n");
  CHECK_FALSE(load_schedule(dir / "c.toml"));
  CHECK_NOTHROW((void)load_schedule(dir / "c.toml"));
  CHECK_THROWS_WITH_AS(require_schedule(dir / "c.toml"),
                       ((dir / "c.toml").string() + ":1:1: the pipeline has no schedule; add a [pipeline.schedule] "
                                                    "table with cron = \"0 6 * * *\" (and optionally timezone, "
                                                    "catchup, max_runtime, retries)").c_str(),
                       UsageError);
}

TEST_CASE("schedule spec: a bad cron field points at the field inside the string") {
  TempDir dir;
  // cron = "0 25 * * *": the value's quote is column 8, so "25" is column 11.
  CHECK(error_for(dir, "cron = \"0 25 * * *\"\n") ==
        ":4:11: invalid cron hour field \"25\" (column 3 of \"0 25 * * *\"): 25 is out of range (hours are 0-23)");
  CHECK(error_for(dir, "cron = \"0 6 * * MON-FUN\"\n") ==
        ":4:21: invalid cron day-of-week field \"FUN\" (column 13 of \"0 6 * * MON-FUN\"): \"FUN\" is not a day of "
        "the week (days of the week are 0-7 or SUN-SAT (0 and 7 are Sunday))");
  CHECK(error_for(dir, "cron = '''0 6 * * 9'''\n") ==
        ":4:19: invalid cron day-of-week field \"9\" (column 9 of \"0 6 * * 9\"): 9 is out of range (days of the week "
        "are 0-7 or SUN-SAT (0 and 7 are Sunday))");
  CHECK(error_for(dir, "cron = \"0 6 * *\"\n") ==
        ":4:8: invalid cron expression \"0 6 * *\": expected 5 fields (minute hour day-of-month month day-of-week) "
        "but found 4; e.g. \"0 6 * * MON\" is 06:00 every Monday");
}

TEST_CASE("schedule spec: every other error names the spot and the fix") {
  TempDir dir;
  CHECK(error_for(dir, "timezone = \"UTC\"\n") ==
        ":3:1: [pipeline.schedule] needs cron = \"...\", e.g. cron = \"0 6 * * MON\" (06:00 every Monday)");
  CHECK(error_for(dir, "cron = 5\n") == ":4:8: cron must be a string, e.g. cron = \"0 6 * * MON\"");
  CHECK(error_for(dir, "cron = \"@daily\"\ntimezone = \"Europe/Berln\"\n") ==
        ":5:12: unknown timezone \"Europe/Berln\" (did you mean 'Europe/Berlin'?); use an IANA name such as "
        "\"Europe/Berlin\", \"America/New_York\" or \"UTC\"");
  CHECK(error_for(dir, "cron = \"@daily\"\ntimezone = 1\n") ==
        ":5:12: timezone must be a string such as \"Europe/Berlin\" or \"UTC\"");
  CHECK(error_for(dir, "cron = \"@daily\"\ncatchup = \"yes\"\n") ==
        ":5:11: catchup must be true or false (without quotes)");
  CHECK(error_for(dir, "cron = \"@daily\"\nmax_runtime = \"30x\"\n") ==
        ":5:15: max_runtime = \"30x\" is not a duration; write a string with a unit, e.g. \"90s\", \"30m\", \"2h\" "
        "or \"1h30m\"");
  CHECK(error_for(dir, "cron = \"@daily\"\nmax_runtime = 30\n") ==
        ":5:15: max_runtime = (not a string) is not a duration; write a string with a unit, e.g. \"90s\", \"30m\", "
        "\"2h\" or \"1h30m\"");
  CHECK(error_for(dir, "cron = \"@daily\"\nmax_runtime = \"0s\"\n") ==
        ":5:15: max_runtime must be more than zero; e.g. \"30m\"");
  CHECK(error_for(dir, "cron = \"@daily\"\nretries = -1\n") ==
        ":5:11: retries must be a whole number from 0 to 100, e.g. retries = 2");
  CHECK(error_for(dir, "cron = \"@daily\"\nretry_backoff = \"soon\"\n") ==
        ":5:17: retry_backoff = \"soon\" is not a duration; write a string with a unit, e.g. \"90s\", \"30m\", "
        "\"2h\" or \"1h30m\"");
  CHECK(error_for(dir, "cron = \"@daily\"\ncatch_up = true\n") ==
        ":5:1: unknown key 'catch_up' in [pipeline.schedule] (did you mean 'catchup'?); allowed keys: cron, "
        "timezone, catchup, max_runtime, retries, retry_backoff");
  CHECK(error_for(dir, "cron = \"@daily\"\ncron2 = [\n") ==
        ":5:11: Error while parsing array: encountered end-of-file; fix the TOML syntax");
}

TEST_CASE("schedule spec: pipeline name") {
  TempDir dir;
  write_file(dir / "n.toml", "[pipeline]\n[pipeline.schedule]\ncron = \"@daily\"\n");
  CHECK_THROWS_WITH_AS((void)load_schedule(dir / "n.toml"),
                       ((dir / "n.toml").string() +
                        ":1:1: [pipeline] needs name = \"...\" (a string); the scheduler records runs under it")
                           .c_str(),
                       UsageError);
  write_file(dir / "m.toml", "[pipeline]\nname = \"m\"\n");
  CHECK(read_pipeline_name(dir / "m.toml") == "m");
}
