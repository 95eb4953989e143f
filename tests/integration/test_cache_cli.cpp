// Issue contract: rerun only what is invalid, both ways, through the real CLI.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

#include "cli_fixture.hpp"

using namespace sluice::test;
using Statuses = std::map<std::string, std::string>;

namespace {
const char* kPipeline = R"(
[pipeline]
name = "cachetest"
[vars]
stop = 40
order = 2
[nodes.numbers]
plugin = "sluice.range"
params = { stop = "${vars.stop}" }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
[nodes.pi]
plugin = "sluice.pi_leibniz"
inputs = ["squares"]
params = { order = "${vars.order}" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["pi"]
params = { path = "out.csv" }
)";

Statuses all(const std::string& s) { return {{"numbers", s}, {"squares", s}, {"pi", s}, {"write", s}}; }
}  // namespace

TEST_CASE("a second run is all cached, and the output is unchanged") {
  PipelineDir p(kPipeline);
  const auto first_run = p.run_json();
  CHECK(statuses(first_run) == all("ran"));
  // started_ms places each node on the run's timeline: a node starts after its input finished.
  double upstream_end = 0;
  for (const auto& n : first_run["nodes"]) {
    CHECK(n["started_ms"].get<double>() >= upstream_end);
    upstream_end = n["started_ms"].get<double>() + n["wall_ms"].get<double>();
  }
  CHECK(upstream_end <= first_run["wall_ms"].get<double>());
  const std::string first = slurp(p.path("out.csv"));
  CHECK(first.find("pi") != std::string::npos);
  const auto second = p.run_json();
  CHECK(statuses(second) == all("cached"));
  CHECK(reason(second, "squares") == "cache hit");
  CHECK(slurp(p.path("out.csv")) == first);
}

TEST_CASE("--target runs a node and its inputs only; --force reruns within that selection") {
  PipelineDir p(kPipeline);
  CHECK(statuses(p.run_json("--target squares")) == Statuses{{"numbers", "ran"}, {"squares", "ran"}});
  CHECK(!std::filesystem::exists(p.path("out.csv")));  // `write` is not part of the run
  const auto r = p.run_json("--target pi --force squares");
  CHECK(statuses(r) == Statuses{{"numbers", "cached"}, {"squares", "ran"}, {"pi", "ran"}});
  CHECK(reason(r, "squares") == "forced (--force)");
  // Progress counts the nodes of this run, not of the whole file.
  const auto log = p.sluice("run", "--target pi --force pi").err;
  CHECK(log.find("[3/3] pi: ran") != std::string::npos);
  CHECK(log.find("/4]") == std::string::npos);
}

TEST_CASE("changing a parameter reruns exactly that node and its downstream") {
  PipelineDir p(kPipeline);
  p.run_json();
  const auto r = p.run_json("--set vars.order=3");
  CHECK(statuses(r) == Statuses{{"numbers", "cached"}, {"squares", "cached"}, {"pi", "ran"}, {"write", "ran"}});
  CHECK(reason(r, "pi") == "param `order` changed 2→3");
  CHECK(reason(r, "write") == "input `pi` changed");
  // And `plan` explains the same decision without running anything.
  const auto plan = p.sluice("plan", "--set vars.order=4");
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("run     pi       param `order` changed 3→4") != std::string::npos);
  CHECK(plan.out.find("cached  squares  cache hit") != std::string::npos);
}

TEST_CASE("spelling out a default changes nothing, removing a non-default parameter reruns") {
  PipelineDir p(kPipeline);
  p.run_json();
  std::string explicit_default = kPipeline;
  explicit_default.replace(explicit_default.find("inputs = [\"numbers\"]"), 20,
                           "inputs = [\"numbers\"]\nparams = { column = \"value\", sleep_ms = 0 }");
  p.write(explicit_default);
  CHECK(statuses(p.run_json()) == all("cached"));
  std::string removed = kPipeline;
  removed.replace(removed.find("params = { order = \"${vars.order}\" }"), 36, "");
  p.write(removed);
  const auto r = p.run_json();
  CHECK(statuses(r)["pi"] == "ran");
  CHECK(reason(r, "pi") == "param `order` changed 2→5");
}

TEST_CASE("a rerun with byte-identical output stops at the early cutoff") {
  PipelineDir p(R"(
[pipeline]
name = "cutoff"
[nodes.numbers]
plugin = "sluice.range"
params = { start = 0, stop = 1, step = 1 }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
)");
  p.run_json();
  // step 5 over [0, 1) still yields [0]: numbers reruns, squares must not.
  const auto r = p.run_json("--set nodes.numbers.params.step=5");
  CHECK(statuses(r) == Statuses{{"numbers", "ran"}, {"squares", "cached"}});
  CHECK(reason(r, "squares") == "input `numbers` reran with identical output (early cutoff)");
}

TEST_CASE("deleting a sink's target reruns only the sink") {
  PipelineDir p(kPipeline);
  p.run_json();
  std::filesystem::remove(p.path("out.csv"));
  const auto r = p.run_json();
  CHECK(statuses(r) == Statuses{{"numbers", "cached"}, {"squares", "cached"}, {"pi", "cached"}, {"write", "ran"}});
  CHECK(reason(r, "write") == "sink target missing or changed");
  CHECK(std::filesystem::exists(p.path("out.csv")));
}

TEST_CASE("--force reruns a node and its downstream") {
  PipelineDir p(kPipeline);
  p.run_json();
  const auto r = p.run_json("--force squares");
  CHECK(statuses(r)["numbers"] == "cached");
  CHECK(statuses(r)["squares"] == "ran");
  CHECK(reason(r, "squares") == "forced (--force)");
  CHECK(statuses(r)["write"] == "ran");
  // `plan` gives the run's reason for the downstream nodes too, not "input will be recomputed".
  const auto plan = p.sluice("plan", "--force squares");
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("run     pi       forced (--force)") != std::string::npos);
  CHECK(plan.out.find("run     write    forced (--force)") != std::string::npos);
  CHECK(plan.out.find("cached  numbers  cache hit") != std::string::npos);
}

TEST_CASE("a corrupted object file is detected and recomputed, never used") {
  ScopedEnv files_only("SLUICE_CACHE_INLINE_MAX", "0");  // every object in a file
  PipelineDir p(kPipeline);
  p.run_json();
  const std::string clean = slurp(p.path("out.csv"));
  // Damage every stored object; the next run needs squares' output because pi reruns.
  for (const auto& e : std::filesystem::recursive_directory_iterator(p.path(".sluice/cache/objects"))) {
    if (!e.is_regular_file()) continue;
    std::string bytes = slurp(e.path());
    bytes[bytes.size() / 2] ^= 0x5a;
    write_file(e.path(), bytes);
  }
  const auto r = p.sluice("run", "-q --json --set vars.order=3");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("is corrupt") != std::string::npos);
  CHECK(r.err.find("recomputing") != std::string::npos);
  // Back to the original params: the result must equal the clean run's output.
  const auto again = p.sluice("run", "-q --json");
  CHECK(again.exit_code == 0);
  CHECK(slurp(p.path("out.csv")) == clean);
}

TEST_CASE("a corrupted inline object in index.db is detected and recomputed, never used") {
  PipelineDir p(kPipeline);
  p.run_json();
  const std::string clean = slurp(p.path("out.csv"));
  REQUIRE(damage_inline_objects(p.path(".sluice/cache")) > 0);
  const auto r = p.sluice("run", "-q --json --set vars.order=3");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("in index.db is corrupt") != std::string::npos);
  const auto again = p.sluice("run", "-q --json");
  CHECK(again.exit_code == 0);
  CHECK(slurp(p.path("out.csv")) == clean);
}

TEST_CASE("a corrupted partition object is recomputed from the node's inputs in the same run, never used") {
  std::string partitioned = kPipeline;
  partitioned.replace(partitioned.find("inputs = [\"numbers\"]"), 20, "inputs = [\"numbers\"]\nforeach = \"value\"");
  PipelineDir p(partitioned);
  p.run_json();
  REQUIRE(damage_inline_objects(p.path(".sluice/cache"), partition_objects("squares")) == 40);
  // pi reruns and reads squares' partitions: each damaged one is discarded and recomputed.
  const auto r = p.sluice("run", "-q --json --set vars.order=3");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("in index.db is corrupt") != std::string::npos);
  CHECK(r.err.find("[squares] recomputing partition value=7: its cached output `out` is missing or corrupt") !=
        std::string::npos);
  PipelineDir fresh(partitioned);
  fresh.run_json("--set vars.order=3");
  CHECK(slurp(p.path("out.csv")) == slurp(fresh.path("out.csv")));
  // The objects were stored again: the next run finds everything cached and reads nothing corrupt.
  const auto again = p.sluice("run", "-q --json --force pi --set vars.order=3");
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("corrupt") == std::string::npos);
}

TEST_CASE("runs SIGKILLed at random moments leave a cache that completes with identical results") {
  const std::string slow = std::string(kPipeline) + "\n";
  PipelineDir reference(slow);
  reference.run_json("--set nodes.squares.params.sleep_ms=0");
  const std::string expected = slurp(reference.path("out.csv"));

  std::string partitioned = slow;
  partitioned.replace(partitioned.find("inputs = [\"numbers\"]"), 20, "inputs = [\"numbers\"]\nforeach = \"value\"");
  PipelineDir p(partitioned);
  std::mt19937 rng(42);
  for (int i = 0; i < 20; ++i) {
    const int delay_ms = 5 + static_cast<int>(rng() % 250);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::chdir(p.path().c_str());
      ::execl(SLUICE_BIN, SLUICE_BIN, "run", "-q", "p.toml", "--set", "nodes.squares.params.sleep_ms=10",
              static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  const auto final_run = p.sluice("run", "-q --set nodes.squares.params.sleep_ms=10");
  INFO(final_run.err);
  CHECK(final_run.exit_code == 0);
  CHECK(slurp(p.path("out.csv")) == expected);
  // No temp files are left visible as objects, and a further run is all cached.
  const auto again = p.run_json("--set nodes.squares.params.sleep_ms=10");
  CHECK(statuses(again) == all("cached"));
}

TEST_CASE("four concurrent runs on one cache all succeed with identical outputs") {
  TempDir shared;
  std::vector<std::unique_ptr<PipelineDir>> dirs;
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i) {
    std::string text = kPipeline;
    text.replace(text.find("name = \"cachetest\""), 18, "name = \"concurrent" + std::to_string(i) + "\"");
    dirs.push_back(std::make_unique<PipelineDir>(text));
  }
  for (int i = 0; i < 4; ++i) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::chdir(dirs[i]->path().c_str());
      const std::string cache = shared.path().string();
      ::execl(SLUICE_BIN, SLUICE_BIN, "run", "-q", "p.toml", "--cache-dir", cache.c_str(), "--set", "vars.stop=400",
              static_cast<char*>(nullptr));
      _exit(127);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  const std::string first = slurp(dirs[0]->path("out.csv"));
  CHECK(first.size() > 100);
  for (int i = 1; i < 4; ++i) CHECK(slurp(dirs[i]->path("out.csv")) == first);
}

TEST_CASE("the cache size limit is enforced after each run and never evicts what the run needs") {
  PipelineDir p(std::string(kPipeline).replace(std::string(kPipeline).find("name = \"cachetest\""), 18,
                                               "name = \"cachetest\"\nmax_cache_size = \"6KiB\""));
  p.run_json("--set vars.stop=300");
  p.run_json("--set vars.stop=301");
  p.run_json("--set vars.stop=302");
  const auto ls = p.sluice("cache ls", "");
  INFO(ls.out);
  // Every entry of the newest run survives: a rerun is all cached.
  CHECK(statuses(p.run_json("--set vars.stop=302")) == all("cached"));
  // The older runs' entries were evicted.
  const auto r = p.run_json("--set vars.stop=300");
  CHECK(statuses(r)["squares"] == "ran");
}

TEST_CASE("cache gc and clear from the command line") {
  PipelineDir p(kPipeline);
  p.run_json();
  auto ls = p.sluice("cache ls");
  CHECK(ls.exit_code == 0);
  CHECK(ls.out.find("cachetest  squares") != std::string::npos);
  auto gc = p.sluice("cache gc", "--max-size 0");
  CHECK(gc.exit_code == 0);
  CHECK(gc.out.find("evicted 0 entries") != std::string::npos);  // all are current, so protected
  auto bad = p.sluice("cache gc", "--max-size lots");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--max-size lots: expected a size such as 2GiB or 500MB") != std::string::npos);
  CHECK(p.sluice("cache clear").exit_code == 0);
  CHECK(statuses(p.run_json())["squares"] == "ran");
}

TEST_CASE("a rebuilt plugin binary reruns the nodes that use it, and only those") {
  // A private installation: the binary beside its own plugins/ dir, holding copies we can change.
  TempDir install;
  std::filesystem::create_directories(install / "bin");
  std::filesystem::create_directories(install / "plugins");
  std::filesystem::copy_file(SLUICE_BIN, install / "bin" / "sluice");
  std::filesystem::permissions(install / "bin" / "sluice", std::filesystem::perms::owner_all);
  const std::filesystem::path built = std::filesystem::path(SLUICE_BIN).parent_path() / ".." / "plugins";
  for (const char* lib : {"libsluice_examples.so", "libsluice_csv.so"}) std::filesystem::copy_file(built / lib, install / "plugins" / lib);
  PipelineDir p(kPipeline);
  const std::string bin = shell_quote((install / "bin" / "sluice").string());
  auto run = [&] {
    const auto r = run_command("cd " + shell_quote(p.path().string()) + " && " + bin + " run -q --json p.toml");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  };
  run();
  // "Rebuild" the csv plugin: same code, different bytes (as a new build would be).
  { std::ofstream(install / "plugins" / "libsluice_csv.so", std::ios::app) << "rebuilt"; }
  const auto r = run();
  CHECK(statuses(r) == Statuses{{"numbers", "cached"}, {"squares", "cached"}, {"pi", "cached"}, {"write", "ran"}});
  CHECK(reason(r, "write") == "plugin binary changed");
}

TEST_CASE("sluice cache and sluice runs refuse a cache path that is a file, like sluice run") {
  PipelineDir p(kPipeline);
  { std::ofstream(p.path("not_a_dir")) << "x"; }
  for (const std::string verb : {"run", "cache ls", "runs"}) {
    INFO(verb);
    const auto r = p.sluice(verb, "--cache-dir not_a_dir");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("not_a_dir' exists but is not a directory") != std::string::npos);
  }
  CHECK(slurp(p.path("not_a_dir")) == "x");
}

TEST_CASE("cache gc and clear refuse a directory that is not a cache, and clear deletes only cache files") {
  PipelineDir p(kPipeline);
  // A mistyped --cache-dir pointing at a git checkout: its objects/ is not the cache's.
  const auto foreign = p.path("repo/.git");
  std::filesystem::create_directories(foreign / "objects" / "ab");
  { std::ofstream(foreign / "objects" / "ab" / "cdef0123456789abcdef0123456789ab") << "git object"; }
  for (const std::string verb : {"cache clear", "cache gc --max-size 0"}) {
    INFO(verb);
    const auto r = p.sluice(verb, "--cache-dir repo/.git");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no Sluice cache at") != std::string::npos);
    CHECK(r.err.find("it has no index.db") != std::string::npos);
  }
  CHECK(slurp(foreign / "objects" / "ab" / "cdef0123456789abcdef0123456789ab") == "git object");
  CHECK_FALSE(std::filesystem::exists(foreign / "index.db"));
  CHECK_FALSE(std::filesystem::exists(foreign / "gc.lock"));

  // In a real cache, clear removes objects and orphaned temporary files, and nothing else.
  p.run_json("--set vars.stop=5000");  // large enough that some objects are files
  const auto objects = p.path(".sluice/cache/objects");
  const auto orphan = objects / "0f" / ".0123456789abcdef0123456789abcd.tmp-1-abcdef";
  std::filesystem::create_directories(orphan.parent_path());
  { std::ofstream(orphan) << "half-written"; }
  { std::ofstream(objects / "README") << "mine"; }
  CHECK(p.sluice("cache clear").exit_code == 0);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::recursive_directory_iterator(objects)) left.push_back(e.path().filename().string());
  CHECK(left == std::vector<std::string>{"README"});
}

TEST_CASE("a damaged object file that no read has found is replaced when the same output is stored again") {
  ScopedEnv files_only("SLUICE_CACHE_INLINE_MAX", "0");  // every object in a file
  PipelineDir p(R"(
[pipeline]
name = "manifests"
[vars]
m = 1
[nodes.numbers]
plugin = "sluice.range"
params = { start = 1, stop = 6, column = "k" }
[nodes.per]
plugin = "sluice.sql"
inputs = ["numbers"]
foreach = "k"
params = { query = "SELECT k, k * 10 AS v FROM numbers" }
[nodes.total]
plugin = "sluice.sql"
inputs = ["per"]
params = { query = "SELECT SUM(v) * ${vars.m} AS t FROM per" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["total"]
params = { path = "out.csv" }
)");
  p.run_json();
  std::string manifest_hash;
  {
    SQLite::Database db(p.path(".sluice/cache/index.db").string(), SQLite::OPEN_READONLY);
    const std::string outputs =
        db.execAndGet("SELECT outputs FROM actions WHERE node = 'per' AND partition = ''").getString();
    manifest_hash = outputs.substr(outputs.find('=') + 1, 32);
  }
  const auto file = p.path(".sluice/cache/objects/" + manifest_hash.substr(0, 2) + "/" + manifest_hash.substr(2));
  std::string bytes = slurp(file);
  bytes[bytes.size() / 2] ^= 0x5a;
  write_file(file, bytes);
  // Recomputing `per` stores the same manifest again: the damaged file must not stand in for it.
  CHECK(statuses(p.run_json("--force per"))["per"] == "ran");
  CHECK(slurp(file) != bytes);
  const auto r = p.sluice("run", "-q --json --set vars.m=2");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("corrupt") == std::string::npos);
  CHECK(slurp(p.path("out.csv")) == "t\n300\n");
}

TEST_CASE("options that would do nothing, or something other than asked, are refused with exit 2") {
  PipelineDir p(kPipeline);
  auto r = p.sluice("run", "-q --target squares --force write");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--force write: the --target selection does not include it, so it would not run") != std::string::npos);
  CHECK(p.sluice("run", "-q --wait -5").exit_code == 2);
  CHECK(p.sluice("runs", "--limit 0").exit_code == 2);
  CHECK(p.sluice("runs", "--limit -1").exit_code == 2);
  CHECK(p.sluice("schedule --once --next", "").exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(p.path("out.csv")));
  r = run_command("cd " + shell_quote(p.path().string()) + " && SLUICE_CACHE_MAX_SIZE=lots " + shell_quote(SLUICE_BIN) +
                  " run -q p.toml");
  CHECK(r.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(p.path(".sluice/cache/index.db")));
  r = run_command("cd " + shell_quote(p.path().string()) + " && SLUICE_LOG=verbose " + shell_quote(SLUICE_BIN) +
                  " validate p.toml");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("SLUICE_LOG=verbose is not one of debug, info, warn, error, off; using info") != std::string::npos);
}

TEST_CASE("a damaged index.db is named with the way out, and cache clear starts the cache afresh") {
  PipelineDir p(kPipeline);
  p.run_json();
  const auto index = p.path(".sluice/cache/index.db");
  {
    SQLite::Database db(index.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  std::filesystem::resize_file(index, 8192);
  auto r = p.sluice("run", "-q");
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("cannot open the cache index " + index.string()) != std::string::npos);
  CHECK(r.err.find("`sluice cache clear --cache-dir ") != std::string::npos);
  r = p.sluice("cache clear");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("removing the index and every cache object instead") != std::string::npos);
  CHECK(statuses(p.run_json()) == all("ran"));
}
