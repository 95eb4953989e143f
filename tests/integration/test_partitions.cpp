// Partitioned (`foreach`) nodes through the real binary: per-partition caching,
// broadcast and co-partitioned inputs, output order at any --jobs, chained foreach nodes, partition
// filters, failing partitions, cancellation, max_parallel, non-TTY progress, retirement and planning.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

#include "cli_fixture.hpp"

using namespace sluice::test;

namespace {

// key,value rows for keys 1..n (two rows per key), written in a scrambled key order
// so that sorting by key is the engine's doing. Keys in `bumped` get values that are
// longer (so the file size changes too and the source's fingerprint sees it).
std::string key_value_csv(int n, const std::set<int>& bumped = {}) {
  std::string csv = "key,value\n";
  for (int i = 0; i < n; ++i) {
    const int key = (i * 17) % n + 1;
    for (int r = 0; r < 2; ++r) {
      const int value = key * 10 + r + (bumped.count(key) ? 100000 : 0);
      csv += std::to_string(key) + "," + std::to_string(value) + "\n";
    }
  }
  return csv;
}

// key_value_csv(n) without the rows of key `gone`.
std::string key_value_csv_without(int n, int gone) {
  std::string csv;
  std::istringstream lines(key_value_csv(n));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(std::to_string(gone) + ",", 0) != 0) csv += line + "\n";
  return csv;
}

// The one number a query gives on the SQLite file `db`.
std::int64_t query_number(const std::filesystem::path& db, const std::string& sql) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  return d.execAndGet(sql).getInt64();
}

// A pipeline loading data.csv into wh.db table t, one scoped replace per key.
const char* kScopedLoad = R"(
[nodes.load]
plugin = "sluice.sqlite_load"
inputs = ["data"]
foreach = "key"
params = { db = "wh.db", table = "t", mode = "replace", scope = ["key"] }
)";

// key,name rows for keys 1..n; key 9's name gets `suffix`.
std::string names_csv(int n, const std::string& suffix) {
  std::string csv = "key,name\n";
  for (int k = 1; k <= n; ++k) csv += std::to_string(k) + ",n" + std::to_string(k) + (k == 9 ? suffix : "") + "\n";
  return csv;
}

const nlohmann::json& node(const nlohmann::json& report, const std::string& id) {
  for (const auto& n : report["nodes"])
    if (n["id"] == id) return n;
  FAIL("no node " << id << " in the report");
  static const nlohmann::json none;
  return none;
}

// One number of a node's `partitions` object ("total", "ran", "cached", "failed" or "retired").
std::uint64_t count_of(const nlohmann::json& report, const std::string& id, const char* which) {
  const auto& p = node(report, id)["partitions"];
  REQUIRE(p.is_object());
  return p[which].get<std::uint64_t>();
}

// A node's `partitions` object as "total/ran/cached/failed", readable in a failed CHECK.
std::string counts(const nlohmann::json& report, const std::string& id) {
  std::string out;
  for (const char* which : {"total", "ran", "cached", "failed"}) {
    out += (out.empty() ? "" : "/") + std::to_string(count_of(report, id, which));
  }
  return out;
}

// A pipeline named `name` whose node `data` reads data.csv, followed by `nodes` (TOML text).
std::string csv_pipeline(const std::string& name, const std::string& nodes) {
  return "[pipeline]\nname = \"" + name + "\"\n[nodes.data]\nplugin = \"sluice.csv_read\"\nparams = { path = \"data.csv\" }\n" +
         nodes;
}

const char* kSquares = R"(
[pipeline]
name = "parts"
[nodes.data]
plugin = "sluice.csv_read"
params = { path = "data.csv" }
[nodes.squares]
plugin = "sluice.square"
inputs = ["data"]
foreach = "key"
params = { column = "value" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["squares"]
params = { path = "out.csv" }
)";

// Appends lines to a node's table in a pipeline text (after its `[nodes.<id>]` header).
std::string with_node_keys(std::string toml, const std::string& id, const std::string& lines) {
  const std::string header = "[nodes." + id + "]\n";
  const auto at = toml.find(header);
  REQUIRE(at != std::string::npos);
  toml.insert(at + header.size(), lines + "\n");
  return toml;
}


// Partitions recorded in the cache index so far (0 while the index does not exist yet).
std::int64_t recorded_partitions(const std::filesystem::path& index) {
  try {
    SQLite::Database db(index.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(1000);
    return db.execAndGet("SELECT count(*) FROM actions WHERE partition != ''").getInt64();
  } catch (const std::exception&) {
    return 0;
  }
}

bool wait_for_partitions(const std::filesystem::path& index, std::int64_t at_least) {
  for (int i = 0; i < 1000; ++i) {
    if (recorded_partitions(index) >= at_least) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}
}  // namespace

TEST_CASE("changing the rows of 3 keys out of 50 reruns exactly those 3 partitions") {
  PipelineDir p(kSquares);
  write_file(p.path("data.csv"), key_value_csv(50));
  const auto first = p.run_json();
  CHECK(counts(first, "squares") == "50/50/0/0");
  const std::string before = slurp(p.path("out.csv"));

  const auto again = p.run_json();
  CHECK(statuses(again)["squares"] == "cached");
  CHECK(counts(again, "squares") == "50/0/50/0");

  write_file(p.path("data.csv"), key_value_csv(50, {4, 20, 41}));
  const auto r = p.run_json();
  CHECK(statuses(r) == std::map<std::string, std::string>{{"data", "ran"}, {"squares", "ran"}, {"write", "ran"}});
  CHECK(counts(r, "squares") == "50/3/47/0");
  CHECK(reason(r, "squares") == "input `data` changed; 3 of 50 partitions recomputed");
  // Only the changed keys' lines differ.
  const std::string after = slurp(p.path("out.csv"));
  CHECK(after != before);
  CHECK(after.find("4,100040,10008001600\n") != std::string::npos);
  CHECK(after.find("5,50,2500\n") != std::string::npos);
}

TEST_CASE("a broadcast input reaches every partition whole, and changing it reruns them all") {
  PipelineDir p(csv_pipeline("broadcast", R"(
[nodes.names]
plugin = "sluice.csv_read"
params = { path = "names.csv" }
[nodes.joined]
plugin = "sluice.sql"
inputs = ["data", "names"]
foreach = "key"
params = { query = "SELECT d.key, d.value, n.name, (SELECT COUNT(*) FROM names) AS names_seen FROM data d JOIN names n USING (key) ORDER BY d.value" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["joined"]
params = { path = "out.csv" }
)"));
  write_file(p.path("data.csv"), key_value_csv(50));
  write_file(p.path("names.csv"), names_csv(50, ""));
  CHECK(counts(p.run_json(), "joined") == "50/50/0/0");
  const std::string out = slurp(p.path("out.csv"));
  // Each partition saw its own 2 rows of `data` but all 50 rows of `names`.
  CHECK(out.rfind("key,value,name,names_seen\n1,10,n1,50\n1,11,n1,50\n2,20,n2,50\n", 0) == 0);
  CHECK(out.find("50,501,n50,50\n") != std::string::npos);

  // New data for 3 keys: 3 partitions. A new broadcast table: every partition.
  write_file(p.path("data.csv"), key_value_csv(50, {1, 2, 3}));
  CHECK(counts(p.run_json(), "joined") == "50/3/47/0");
  write_file(p.path("names.csv"), names_csv(50, "-renamed"));
  const auto r = p.run_json();
  CHECK(counts(r, "joined") == "50/50/0/0");
  CHECK(reason(r, "joined") == "input `names` changed; 50 of 50 partitions recomputed");
  CHECK(slurp(p.path("out.csv")).find("9,90,n9-renamed,50\n") != std::string::npos);
}

TEST_CASE("an input partitioned by the same key is co-partitioned: each partition gets its own slice of it") {
  PipelineDir p(csv_pipeline("co-partitioned", R"(
[nodes.squares]
plugin = "sluice.square"
inputs = ["data"]
foreach = "key"
params = { column = "value" }
[nodes.names]
plugin = "sluice.csv_read"
params = { path = "names.csv" }
[nodes.named]
plugin = "sluice.sql"
inputs = ["names"]
foreach = "key"
params = { query = "SELECT key, name FROM names" }
[nodes.joined]
plugin = "sluice.sql"
inputs = ["squares", "named"]
foreach = "key"
params = { query = "SELECT s.key, s.value, s.square, (SELECT COUNT(*) FROM named) AS names_seen, (SELECT MAX(name) FROM named) AS name FROM squares s ORDER BY s.value" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["joined"]
params = { path = "out.csv" }
)"));
  // Names for keys 1..45 only: keys 46..50 have no partition in `named`.
  write_file(p.path("data.csv"), key_value_csv(50));
  write_file(p.path("names.csv"), names_csv(45, ""));
  CHECK(counts(p.run_json(), "joined") == "50/50/0/0");
  const std::string out = slurp(p.path("out.csv"));
  // Each partition saw one row of `named`: its own key's, not all 45.
  CHECK(out.rfind("key,value,square,names_seen,name\n1,10,100,1,n1\n1,11,121,1,n1\n2,20,400,1,n2\n", 0) == 0);
  // A key without a partition upstream sees the input's columns with no rows. Its name is null, a
  // column SQLite cannot type: the join takes the string type of the partitions that have names.
  CHECK(out.find("\n47,470,220900,0,\n") != std::string::npos);

  // One key's name changed: one partition of `named` and of `joined`, not all of them.
  write_file(p.path("names.csv"), names_csv(45, "-renamed"));
  const auto r = p.run_json();
  CHECK(counts(r, "named") == "45/1/44/0");
  CHECK(counts(r, "joined") == "50/1/49/0");
  CHECK(slurp(p.path("out.csv")).find("\n9,90,8100,1,n9-renamed\n") != std::string::npos);
}

TEST_CASE("an input partitioned by other keys is broadcast whole to every partition") {
  PipelineDir p(csv_pipeline("other-keys", R"(
[nodes.squares]
plugin = "sluice.square"
inputs = ["data"]
foreach = "key"
params = { column = "value" }
[nodes.names]
plugin = "sluice.csv_read"
params = { path = "names.csv" }
[nodes.by_name]
plugin = "sluice.sql"
inputs = ["names"]
foreach = "name"
params = { query = "SELECT key, name FROM names" }
[nodes.joined]
plugin = "sluice.sql"
inputs = ["squares", "by_name"]
foreach = "key"
params = { query = "SELECT s.key, s.square, (SELECT COUNT(*) FROM by_name) AS names_seen FROM squares s ORDER BY s.value" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["joined"]
params = { path = "out.csv" }
)"));
  write_file(p.path("data.csv"), key_value_csv(50));
  write_file(p.path("names.csv"), names_csv(50, ""));
  // Many threads: the partitions that wait for the broadcast input to load must not stall its loading.
  const auto r = p.run_json("--jobs 8");
  CHECK(counts(r, "joined") == "50/50/0/0");
  const std::string out = slurp(p.path("out.csv"));
  CHECK(out.rfind("key,square,names_seen\n1,100,50\n1,121,50\n", 0) == 0);
  CHECK(out.find("\n50,251001,50\n") != std::string::npos);
}

TEST_CASE("partitioned output is byte-identical and in key order at --jobs 1, 2 and 8") {
  PipelineDir p(kSquares);
  write_file(p.path("data.csv"), key_value_csv(50));
  std::vector<std::string> outputs;
  for (const char* jobs : {"1", "2", "8"}) {
    // A fresh cache each time, so every partition really runs at this --jobs.
    const auto r = p.run_json("--jobs " + std::string(jobs) + " --cache-dir cache-j" + jobs +
                              " --set nodes.write.params.path=out-j" + jobs + ".csv");
    CHECK(counts(r, "squares") == "50/50/0/0");
    outputs.push_back(slurp(p.path("out-j" + std::string(jobs) + ".csv")));
  }
  CHECK(outputs[0] == outputs[1]);
  CHECK(outputs[0] == outputs[2]);
  // Numeric key order (2 before 10), rows of one key in input order.
  CHECK(outputs[0].rfind("key,value,square\n1,10,100\n1,11,121\n2,20,400\n2,21,441\n3,30,900\n", 0) == 0);
  CHECK(outputs[0].find("9,91,8281\n10,100,10000\n") != std::string::npos);
}

// Two foreach nodes by the same key, then a join of all partitions.
constexpr const char* kChained = R"(
[nodes.squares]
plugin = "sluice.square"
inputs = ["data"]
foreach = "key"
[nodes.pi]
plugin = "sluice.pi_leibniz"
inputs = ["squares"]
foreach = "key"
params = { order = 2 }
[nodes.total]
plugin = "sluice.sql"
inputs = ["pi"]
params = { query = "SELECT COUNT(*) AS n, SUM(square) AS s FROM pi" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["total"]
params = { path = "out.csv" }
)";

TEST_CASE("a foreach node feeding a foreach node by the same key reruns only the changed partitions downstream") {
  PipelineDir p(csv_pipeline("chained", kChained));
  write_file(p.path("data.csv"), key_value_csv(50));
  const auto first = p.run_json();
  CHECK(counts(first, "squares") == "50/50/0/0");
  CHECK(counts(first, "pi") == "50/50/0/0");
  const std::string before = slurp(p.path("out.csv"));
  CHECK(before.rfind("n,s\n100,", 0) == 0);

  write_file(p.path("data.csv"), key_value_csv(50, {7, 8, 9}));
  const auto r = p.run_json();
  CHECK(counts(r, "squares") == "50/3/47/0");
  CHECK(counts(r, "pi") == "50/3/47/0");
  CHECK(statuses(r)["total"] == "ran");
  CHECK(slurp(p.path("out.csv")) != before);

  // Back to the original data: every partition is a cache hit again, both levels.
  write_file(p.path("data.csv"), key_value_csv(50) + "\n");
  const auto back = p.run_json();
  CHECK(counts(back, "squares") == "50/0/50/0");
  CHECK(counts(back, "pi") == "50/0/50/0");
  CHECK(slurp(p.path("out.csv")) == before);
}

TEST_CASE("outputs reach their consumers through the cache, or in memory within --handoff-memory, with the same results") {
  PipelineDir p(csv_pipeline("chained", kChained));
  write_file(p.path("data.csv"), key_value_csv(50));
  const auto run = [&](const std::string& handoff, const std::string& name) {
    return p.sluice("run", "-q " + handoff + " --cache-dir cache-" + name + " --set nodes.write.params.path=" + name + ".csv");
  };
  const std::string message = "the in-memory handoff budget (1 B) is used up";
  // The default keeps nothing in memory: every consumer loads its inputs from the cache.
  const auto through_cache = run("", "default");
  CHECK(through_cache.exit_code == 0);
  CHECK(through_cache.err.find("handoff budget") == std::string::npos);
  // Everything fits in 1 GiB: the partitions go from node to node in memory.
  const auto in_memory = run("--handoff-memory 1GiB", "memory");
  CHECK(in_memory.exit_code == 0);
  CHECK(in_memory.err.find("handoff budget") == std::string::npos);
  // One byte is used up by the first output: said once, and the rest goes through the cache.
  const auto tiny = run("--handoff-memory 1", "tiny");
  CHECK(tiny.exit_code == 0);
  const auto at = tiny.err.find(message);
  CHECK(at != std::string::npos);
  CHECK(tiny.err.find(message, at + 1) == std::string::npos);

  const std::string expected = slurp(p.path("default.csv"));
  CHECK(expected.rfind("n,s\n100,", 0) == 0);
  CHECK(slurp(p.path("memory.csv")) == expected);
  CHECK(slurp(p.path("tiny.csv")) == expected);

  const auto bad = p.sluice("run", "-q --handoff-memory lots");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--handoff-memory lots: not a size; use e.g. 512MiB or 4GiB") != std::string::npos);
}

TEST_CASE("a lost partition of a foreach sink fails its consumer once, and the next run loads that partition again") {
  PipelineDir p(csv_pipeline("lost", R"(
[nodes.load]
plugin = "sluice.sqlite_load"
inputs = ["data"]
foreach = "key"
params = { db = "wh.db", table = "t", mode = "replace", scope = ["key"] }
[nodes.loaded]
plugin = "sluice.sql"
inputs = ["load"]
params = { query = "SELECT SUM(rows_loaded) AS n FROM load" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["loaded"]
params = { path = "out.csv" }
)"));
  write_file(p.path("data.csv"), key_value_csv(5));
  CHECK(counts(p.run_json(), "load") == "5/5/0/0");
  // One partition's summary row, damaged in the cache. A sink's partition is not recomputed in
  // passing (that would load it into the warehouse again behind the run's back).
  REQUIRE(damage_inline_objects(p.path(".sluice/cache"), partition_objects("load", "key=3")) == 1);
  const auto r = p.sluice("run", "-q --json --force loaded");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("of node 'load' is missing or corrupt and cannot be recomputed in this run; the next run "
                   "recomputes it") != std::string::npos);
  const auto again = p.run_json();
  CHECK(counts(again, "load") == "5/1/4/0");
  CHECK(slurp(p.path("out.csv")) == "n\n10\n");
  CHECK(query_number(p.path("wh.db"), "SELECT count(*) FROM t") == 10);
}

TEST_CASE("--partition and the partitions key restrict a foreach node to some keys") {
  PipelineDir p(kSquares);
  write_file(p.path("data.csv"), key_value_csv(50));

  SUBCASE("--partition key=value, repeatable: nodes that read the whole output are held back") {
    const auto r = p.run_json("--partition key=7 --partition key=12");
    CHECK(r["status"] == "ok");
    CHECK(counts(r, "squares") == "2/2/0/0");
    // Writing 2 of 50 keys over out.csv would lose the other 48.
    CHECK(statuses(r)["write"] == "skipped");
    CHECK(reason(r, "write") == "held back: input `squares` holds only the partitions chosen with --partition; "
                                "run without --partition to update this node");
    CHECK_FALSE(std::filesystem::exists(p.path("out.csv")));
    // The full run afterwards reuses the two partitions already computed.
    CHECK(counts(p.run_json(), "squares") == "50/48/2/0");
    CHECK(slurp(p.path("out.csv")).rfind("key,value,square\n1,10,100\n", 0) == 0);
  }
  SUBCASE("--partition must name a key column of some foreach node") {
    for (const std::string bad : {"kee=7", "=7", "7"}) {
      INFO(bad);
      const auto r = p.sluice("run", "-q --partition " + bad);
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("--partition " + bad + ": ") != std::string::npos);
    }
    CHECK(p.sluice("run", "-q --partition kee=7").err.find("no foreach node of this pipeline is partitioned by 'kee' "
                                                            "(its key columns: key)") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(p.path("out.csv")));
  }
  SUBCASE("partitions = [...] in the pipeline file") {
    p.write(with_node_keys(kSquares, "squares", "partitions = [3, 40]"));
    const auto r = p.run_json();
    CHECK(counts(r, "squares") == "2/2/0/0");
    CHECK(slurp(p.path("out.csv")) == "key,value,square\n3,30,900\n3,31,961\n40,400,160000\n40,401,160801\n");
  }
  SUBCASE("string keys, quoted in the file") {
    write_file(p.path("data.csv"), "key,value\nnorth,1\nsouth,2\neast,3\nnorth,4\n");
    p.write(with_node_keys(kSquares, "squares", "partitions = [\"north\", \"east\"]"));
    const auto r = p.run_json();
    CHECK(counts(r, "squares") == "2/2/0/0");
    CHECK(slurp(p.path("out.csv")) == "key,value,square\neast,3,9\nnorth,1,1\nnorth,4,16\n");
  }
  SUBCASE("one partition is reported in the singular") {
    CHECK(reason(p.run_json("--partition key=7"), "squares") == "no cache entry; 1 of 1 partition recomputed");
    p.run_json();  // every partition, so that key 12's is cached too
    CHECK(reason(p.run_json("--partition key=12"), "squares") == "the 1 partition cached");
  }
  SUBCASE("a filter that matches nothing runs no partition, and says so") {
    const auto r = p.sluice("run", "--json -q --partition key=999");
    CHECK(r.exit_code == 0);
    CHECK(counts(nlohmann::json::parse(r.out), "squares") == "0/0/0/0");
    CHECK(r.err.find("[squares] the partition filter (key=999) matches none of its 50 partitions; they run from key=1 "
                     "to key=50") != std::string::npos);
    // Again, with nothing changed: the node is a cache hit, and still says that the filter selects nothing.
    const auto again = p.sluice("run", "--json -q --partition key=999");
    CHECK(counts(nlohmann::json::parse(again.out), "squares") == "0/0/0/0");
    CHECK(again.err.find("[squares] the partition filter (key=999) matches none of its 50 partitions; they run from "
                         "key=1 to key=50 (its input is unchanged since the run that found this)") != std::string::npos);
    CHECK(again.err.find("matches none") == again.err.rfind("matches none"));  // once
  }
  SUBCASE("an input without partitions is not a filter that matches nothing, on the first run or the next") {
    write_file(p.path("data.csv"), "key,value\n");
    for (int run = 0; run < 2; ++run) {
      CAPTURE(run);
      const auto r = p.sluice("run", "--json -q --partition key=999");
      CHECK(r.exit_code == 0);
      CHECK(counts(nlohmann::json::parse(r.out), "squares") == "0/0/0/0");
      CHECK(r.err.find("matches none") == std::string::npos);
    }
  }
}

TEST_CASE("a partition filter upstream retires nothing downstream, and --partition leaves whole-output sinks alone") {
  PipelineDir p(csv_pipeline("filtered-sinks", R"(
[nodes.squares]
plugin = "sluice.square"
inputs = ["data"]
foreach = "key"
params = { column = "value" }
[nodes.load]
plugin = "sluice.sqlite_load"
inputs = ["squares"]
foreach = "key"
params = { db = "${pipeline.dir}/wh.db", table = "per_key", mode = "replace", scope = ["key"] }
[nodes.whole]
plugin = "sluice.sqlite_load"
inputs = ["squares"]
params = { db = "${pipeline.dir}/wh.db", table = "all_keys", mode = "replace" }
)"));
  write_file(p.path("data.csv"), key_value_csv(5));
  p.run_json();
  const auto wh = p.path("wh.db");
  REQUIRE(query_number(wh, "SELECT count(*) FROM per_key") == 10);
  REQUIRE(query_number(wh, "SELECT count(*) FROM all_keys") == 10);

  // --partition: the per-key load computes key 2 only and retires nothing; the whole-table load waits.
  write_file(p.path("data.csv"), key_value_csv(5, {2}));
  auto r = p.run_json("--partition key=2");
  CHECK(counts(r, "load") == "1/1/0/0");
  CHECK(r["nodes"][2]["partitions"]["retired"] == 0);
  CHECK(statuses(r)["whole"] == "skipped");
  CHECK(query_number(wh, "SELECT count(*) FROM per_key") == 10);
  CHECK(query_number(wh, "SELECT count(*) FROM all_keys") == 10);

  // partitions = [...] upstream: the downstream foreach sink sees 2 keys and retires none of the others.
  p.write(with_node_keys(slurp(p.path("p.toml")), "squares", "partitions = [1, 2]"));
  r = p.run_json();
  CHECK(r["nodes"][2]["partitions"]["retired"] == 0);
  CHECK(query_number(wh, "SELECT count(*) FROM per_key") == 10);
}

TEST_CASE("a failing partition fails its node naming the key, and a rerun after the fix recomputes only what did not finish") {
  // sluice.sql's json() raises "malformed JSON" only for the rows that hold bad JSON:
  // a data-dependent failure in some partitions, fixed by fixing the data.
  PipelineDir p(csv_pipeline("failing", R"(
[nodes.parse]
plugin = "sluice.sql"
inputs = ["data"]
foreach = "key"
params = { query = "SELECT key, json(payload) AS parsed FROM data" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["parse"]
params = { path = "out.csv" }
)"));
  // payload is JSON text ("[k]"); a broken row lacks the closing bracket. The column stays a
  // string column either way, so fixing two rows changes only those two partitions.
  auto data = [](const std::set<int>& broken) {
    std::string csv = "key,payload\n";
    for (int k = 1; k <= 20; ++k) csv += std::to_string(k) + ",[" + std::to_string(k) + (broken.count(k) ? "" : "]") + "\n";
    return csv;
  };
  write_file(p.path("data.csv"), data({7, 15}));

  SUBCASE("fail-fast: the node fails at the first bad partition, the rest are cancelled") {
    const auto r = p.run_json("--jobs 1", 1);
    CHECK(r["status"] == "failed");
    CHECK(statuses(r) == std::map<std::string, std::string>{{"data", "ran"}, {"parse", "failed"}, {"write", "skipped"}});
    const auto ran = count_of(r, "parse", "ran");
    CHECK(count_of(r, "parse", "total") == 20);
    CHECK(count_of(r, "parse", "failed") == 1);  // only key 7: key 15 was never tried
    CHECK(ran + 1 < 20);                          // and the partitions after key 7 were cancelled
    const std::string error = node(r, "parse")["error"].get<std::string>();
    CHECK(error.rfind("node 'parse' (sluice.sql) failed: partition key=7: SQL error: malformed JSON", 0) == 0);
    CHECK(error.find("more failed") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(p.path("out.csv")));

    write_file(p.path("data.csv"), data({}) + "\n");
    const auto fixed = p.run_json("--jobs 1");
    // The partitions that finished before the failure are reused; the failed and the
    // cancelled ones run now.
    CHECK(counts(fixed, "parse") == "20/" + std::to_string(20 - ran) + "/" + std::to_string(ran) + "/0");
  }
  SUBCASE("--keep-going: the other partitions finish and are cached; the fix reruns the failed two") {
    const auto r = p.run_json("--keep-going", 1);
    CHECK(counts(r, "parse") == "20/18/0/2");
    const std::string error = node(r, "parse")["error"].get<std::string>();
    CHECK(error.rfind("node 'parse' (sluice.sql) failed: partition key=7: SQL error: malformed JSON", 0) == 0);
    CHECK(error.find("(and 1 more failed partitions)") != std::string::npos);
    // stderr carries the same message for the user.
    const auto again = p.sluice("run", "-q --keep-going");
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("partition key=7: SQL error: malformed JSON") != std::string::npos);

    write_file(p.path("data.csv"), data({}) + "\n");
    const auto fixed = p.run_json();
    CHECK(counts(fixed, "parse") == "20/2/18/0");
    CHECK(slurp(p.path("out.csv")).find("15,[15]\n") != std::string::npos);
  }
}

TEST_CASE("SIGINT during a slow foreach node exits 130 promptly, writes no output, and the rerun completes") {
  PipelineDir p(R"(
[pipeline]
name = "cancel"
[nodes.numbers]
plugin = "sluice.range"
params = { stop = 20 }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
foreach = "value"
params = { sleep_ms = 300 }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["squares"]
params = { path = "out.csv" }
)");
  Background run(p.path(), {"run", "p.toml", "--jobs", "2"});
  // Signal once a few partitions are recorded, however slowly the machine starts the run.
  REQUIRE(wait_for_partitions(p.path(".sluice/cache/index.db"), 2));
  const Ended ended = signal_and_wait(run, SIGINT);
  INFO("stderr: " << slurp(run.err));
  CHECK(ended.exit_code == 130);
  CHECK(ended.seconds < 1.5 * time_scale());  // a partition sleeps 300 ms at most before it sees the flag
  CHECK_FALSE(std::filesystem::exists(p.path("out.csv")));
  for (const auto& e : std::filesystem::directory_iterator(p.path())) {
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
  }

  // The partitions finished before the signal are kept; the rest run now.
  const auto r = p.run_json("--jobs 2");
  CHECK(count_of(r, "squares", "total") == 20);
  CHECK(count_of(r, "squares", "cached") >= 2);
  CHECK(count_of(r, "squares", "ran") + count_of(r, "squares", "cached") == 20);
  CHECK(slurp(p.path("out.csv")).find("19,361\n") != std::string::npos);
  CHECK(counts(p.run_json(), "squares") == "20/0/20/0");
}

TEST_CASE("max_parallel caps how many partitions of a node run at once") {
  const std::string base = R"(
[pipeline]
name = "capped"
[nodes.numbers]
plugin = "sluice.range"
params = { stop = 4 }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
foreach = "value"
params = { sleep_ms = 300 }
)";
  auto wall_ms = [&](int max_parallel) {
    PipelineDir p(with_node_keys(base, "squares", "max_parallel = " + std::to_string(max_parallel)));
    const auto r = p.run_json("--jobs 2");
    CHECK(counts(r, "squares") == "4/4/0/0");
    return node(r, "squares")["wall_ms"].get<double>();
  };
  const double one = wall_ms(1), two = wall_ms(2);
  INFO("max_parallel 1: " << one << " ms, max_parallel 2: " << two << " ms");
  CHECK(one >= 1200);
  CHECK(two >= 600);
  // About half of one at a time, measured in the same conditions (a loaded machine stretches both).
  CHECK(two < 0.75 * one);
}

TEST_CASE("the partitions to recompute are shared among the threads even when they are neighbours in key order") {
  // 1,000 keys of one row each; then keys 1-4 (the first four in key order) get 200 rows each. Each
  // row sleeps 4 ms, so each of the four recomputes for 800 ms: 3,200 ms on one thread, 1,600 ms on two.
  // The long keys' values start at `first_value`, so that new values recompute those four alone.
  auto rows = [](const std::set<int>& long_keys, int first_value) {
    std::string csv = "key,value\n";
    for (int key = 1; key <= 1000; ++key) {
      const bool is_long = long_keys.count(key) > 0;
      for (int r = 0; r < (is_long ? 200 : 1); ++r)
        csv += std::to_string(key) + "," + std::to_string(is_long ? first_value + r : r) + "\n";
    }
    return csv;
  };
  PipelineDir p(csv_pipeline("neighbours", R"(
[nodes.squares]
plugin = "sluice.square"
inputs = ["data"]
foreach = "key"
params = { column = "value", sleep_ms = 4 }
)"));
  write_file(p.path("data.csv"), rows({}, 0));
  CHECK(counts(p.run_json("--jobs 2"), "squares") == "1000/1000/0/0");
  // The four recomputed on two threads, then (with other values) on one, as the reference: a loaded
  // machine stretches sleeps and bookkeeping alike for both, where a fixed bound would not hold.
  const auto recompute_ms = [&](int first_value, const char* jobs) {
    write_file(p.path("data.csv"), rows({1, 2, 3, 4}, first_value));
    const auto r = p.run_json(jobs);
    CHECK(counts(r, "squares") == "1000/4/996/0");
    return node(r, "squares")["wall_ms"].get<double>();
  };
  const double two = recompute_ms(0, "--jobs 2");
  const double one = recompute_ms(1000, "--jobs 1");
  INFO("4 partitions of 800 ms each took " << two << " ms at --jobs 2 and " << one << " ms at --jobs 1");
  CHECK(two >= 1600);
  CHECK(one >= 3200);
  // Shared out, two threads take about half as long; four neighbours run by one thread would take as long.
  CHECK(two < 0.75 * one);
}

TEST_CASE("without a terminal, progress is plain lines: one per finished node and a periodic one for a slow node") {
  PipelineDir p(R"(
[pipeline]
name = "progress"
[nodes.numbers]
plugin = "sluice.range"
params = { stop = 12 }
[nodes.squares]
plugin = "sluice.square"
inputs = ["numbers"]
foreach = "value"
params = { sleep_ms = 500 }
)");
  const auto r = p.sluice("run", "--jobs 2");
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("[1/2] numbers: ran (") != std::string::npos);
  CHECK(r.err.find("[2/2] squares: ran (") != std::string::npos);
  CHECK(r.err.find("12 of 12 partitions recomputed)") != std::string::npos);
  // The periodic line: percent, bar, done/total partitions, computed vs cached, rate, elapsed.
  const auto line = r.err.find("squares: ");
  REQUIRE(line != std::string::npos);
  const std::string text = r.err.substr(line, r.err.find('\n', line) - line);
  CHECK(text.find("% |") != std::string::npos);
  CHECK(text.find("/12 partitions (") != std::string::npos);
  CHECK(text.find(" computed, 0 cached)") != std::string::npos);
  CHECK(text.find("elapsed") != std::string::npos);
  // No terminal control sequences in a log file.
  CHECK(r.err.find("\x1b[") == std::string::npos);

  // A rerun with nothing changed is one cache hit for the whole node.
  const auto again = p.sluice("run", "--jobs 2");
  CHECK(again.err.find("[2/2] squares: cached (cache hit)") != std::string::npos);
}

TEST_CASE("a partition that left the input is retired: a scoped replace removes its slice, and it loads again when it returns") {
  PipelineDir p(csv_pipeline("mirror", kScopedLoad));
  const auto warehouse = [&](const std::string& sql) { return query_number(p.path("wh.db"), sql); };
  write_file(p.path("data.csv"), key_value_csv(5));
  CHECK(counts(p.run_json(), "load") == "5/5/0/0");
  CHECK(warehouse("SELECT count(*) FROM t") == 10);

  write_file(p.path("data.csv"), key_value_csv_without(5, 3));
  SUBCASE("an unfiltered run removes the slice and the ledger entry, and reruns nothing else") {
    const auto r = p.run_json();
    CHECK(counts(r, "load") == "4/0/4/0");
    CHECK(reason(r, "load") == "all 4 partitions cached; 1 partition is no longer in the input (retired)");
    CHECK(count_of(r, "load", "retired") == 1);
    CHECK(warehouse("SELECT count(*) FROM t") == 8);
    CHECK(warehouse("SELECT count(*) FROM t WHERE key = 3") == 0);
    CHECK(warehouse("SELECT count(*) FROM _sluice_loads WHERE target = 't'") == 4);

    const auto again = p.run_json();
    CHECK(statuses(again)["load"] == "cached");
    CHECK(reason(again, "load") == "all 4 partitions cached");
    CHECK(count_of(again, "load", "retired") == 0);

    write_file(p.path("data.csv"), key_value_csv(5));
    CHECK(counts(p.run_json(), "load") == "5/1/4/0");
    CHECK(warehouse("SELECT count(*) FROM t") == 10);
    CHECK(warehouse("SELECT count(*) FROM (SELECT key, value FROM t GROUP BY 1, 2 HAVING count(*) > 1)") == 0);
  }
  SUBCASE("a filtered run cannot tell a removed key from a filtered one, so it retires nothing") {
    CHECK(counts(p.run_json("--partition key=1"), "load") == "1/0/1/0");
    CHECK(warehouse("SELECT count(*) FROM t WHERE key = 3") == 2);
    CHECK(counts(p.run_json(), "load") == "4/0/4/0");
    CHECK(warehouse("SELECT count(*) FROM t WHERE key = 3") == 0);
  }
}

TEST_CASE("a partition that became empty upstream empties its slice of a scoped replace, and then stays cached") {
  PipelineDir p(csv_pipeline("emptied", R"(
[vars]
limit = 1000000
[nodes.kept]
plugin = "sluice.sql"
inputs = ["data"]
foreach = "key"
params = { query = "SELECT key, value FROM data WHERE value < ${vars.limit}" }
[nodes.load]
plugin = "sluice.sqlite_load"
inputs = ["kept"]
foreach = "key"
params = { db = "wh.db", table = "t", mode = "replace", scope = ["key"] }
)"));
  const auto warehouse = [&](const std::string& sql) { return query_number(p.path("wh.db"), sql); };
  write_file(p.path("data.csv"), key_value_csv(5));  // key k: values 10k and 10k + 1
  CHECK(counts(p.run_json(), "load") == "5/5/0/0");
  CHECK(warehouse("SELECT count(*) FROM t") == 10);
  for (const char* isolate : {"", " --isolate"}) {
    CAPTURE(isolate);
    // Keys 3, 4 and 5 keep no rows: their partitions are still there, empty, and their old rows must go.
    const auto r = p.run_json(std::string("--set vars.limit=30") + isolate);
    CHECK(counts(r, "load") == "5/3/2/0");
    CHECK(warehouse("SELECT count(*) FROM t") == 4);
    CHECK(warehouse("SELECT count(*) FROM t WHERE key >= 3") == 0);
    // Their receipts hold: nothing reruns.
    CHECK(statuses(p.run_json(std::string("--set vars.limit=30") + isolate))["load"] == "cached");
    // And the rows come back when the partitions do.
    CHECK(counts(p.run_json(isolate), "load") == "5/3/2/0");
    CHECK(warehouse("SELECT count(*) FROM t") == 10);
  }
}

TEST_CASE("a load of a foreach over nothing (a table without columns) into an existing table is cached on the rerun") {
  // `each` runs over `kept`'s keys; with limit = 0 it has none, and its output has no columns.
  const std::string nodes = R"(
[vars]
limit = 1000000
[nodes.kept]
plugin = "sluice.sql"
inputs = ["data"]
params = { query = "SELECT key, value FROM data WHERE value < ${vars.limit}" }
[nodes.each]
plugin = "sluice.square"
inputs = ["kept"]
foreach = "key"
params = { column = "value" }
[nodes.load]
plugin = "sluice.sqlite_load"
inputs = ["each"]
)";
  for (const char* params : {R"(params = { db = "wh.db", table = "t" })",
                             R"(params = { db = "wh.db", table = "t", mode = "upsert", key = ["key", "value"] })",
                             R"(params = { db = "wh.db", table = "t", mode = "replace", scope = ["key"] })",
                             R"(params = { db = "wh.db", table = "t", mode = "replace" })"}) {
    CAPTURE(params);
    PipelineDir p(csv_pipeline("nothing", nodes + params + "\n"));
    write_file(p.path("data.csv"), key_value_csv(3));
    CHECK(statuses(p.run_json())["load"] == "ran");  // creates t
    CHECK(statuses(p.run_json("--set vars.limit=0"))["load"] == "ran");
    const auto again = p.run_json("--set vars.limit=0");
    CHECK(statuses(again)["each"] == "cached");
    CHECK(statuses(again)["load"] == "cached");
    CHECK(node(again, "load")["reason"] == "cache hit");
  }
}

TEST_CASE("a rerun that finds every partition of a foreach sink cached keeps the node's entry instead of writing it again") {
  PipelineDir p(csv_pipeline("kept", kScopedLoad));
  // The run that last wrote the node's entry (the one without a partition) and its references.
  const auto entry_run = [&] {
    SQLite::Database db(p.path(".sluice/cache/index.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT run_id FROM actions WHERE node = 'load' AND partition = ''").getString();
  };
  const auto node_refs = [&] {
    return query_number(p.path(".sluice/cache/index.db"),
                        "SELECT count(*) FROM refs JOIN actions USING (key) WHERE node = 'load' AND partition = ''");
  };
  write_file(p.path("data.csv"), key_value_csv(5));
  CHECK(counts(p.run_json(), "load") == "5/5/0/0");
  const std::string first = entry_run();
  REQUIRE(!first.empty());
  CHECK(node_refs() == 6);  // its manifest and the 5 partitions' receipts' objects

  CHECK(counts(p.run_json(), "load") == "5/0/5/0");
  CHECK(entry_run() == first);
  CHECK(node_refs() == 6);

  // A slice deleted behind the engine's back fails its check: that partition reloads, and the
  // node's entry is written again.
  SQLite::Database(p.path("wh.db").string(), SQLite::OPEN_READWRITE).exec("DELETE FROM t WHERE key = 2");
  const auto repaired = p.run_json();
  CHECK(counts(repaired, "load") == "5/1/4/0");
  CHECK(entry_run() != first);
  CHECK(query_number(p.path("wh.db"), "SELECT count(*) FROM t") == 10);
}

TEST_CASE("the manifest of 2,000 partitions lives in index.db with the node's entry: the run writes no object file") {
  PipelineDir p(R"(
[pipeline]
name = "many"
[nodes.rows]
plugin = "sluice.range"
params = { stop = 2000, column = "row" }
[nodes.pi]
plugin = "sluice.pi_leibniz"
inputs = ["rows"]
foreach = "row"
params = { order = 0 }
[nodes.total]
plugin = "sluice.sql"
inputs = ["pi"]
params = { query = "SELECT COUNT(*) AS n, SUM(\"row\") AS s FROM pi" }
[nodes.write]
plugin = "sluice.csv_write"
inputs = ["total"]
params = { path = "out.csv" }
)");
  const auto index = p.path(".sluice/cache/index.db");
  const auto object_files = [&] {
    std::size_t n = 0;
    const auto dir = p.path(".sluice/cache/objects");
    if (std::filesystem::exists(dir))
      for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
    return n;
  };
  CHECK(counts(p.run_json(), "pi") == "2000/2000/0/0");
  CHECK(slurp(p.path("out.csv")) == "n,s\n2000,1999000\n");
  CHECK(object_files() == 0);
  // The manifest is larger than the inline limit of other objects (16 KiB), so the test means something.
  CHECK(query_number(index, "SELECT max(length(data)) FROM inline_objects") > 16 * 1024);
  // And it is read back from there, checksum and all: the join reruns from it.
  const auto forced = p.run_json("--force total");
  CHECK(statuses(forced)["pi"] == "cached");
  CHECK(statuses(forced)["total"] == "ran");
  CHECK(slurp(p.path("out.csv")) == "n,s\n2000,1999000\n");

  // SLUICE_CACHE_INLINE_MAX=0 still means every object in a file, the manifest too.
  const auto r = run_command("cd " + shell_quote(p.path().string()) + " && SLUICE_CACHE_INLINE_MAX=0 " +
                             shell_quote(SLUICE_BIN) + " run -q --cache-dir files-only p.toml");
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(query_number(p.path("files-only/index.db"), "SELECT count(*) FROM inline_objects") == 0);
}

TEST_CASE("sluice plan decides a foreach node's partitions as a run would, and changes nothing") {
  PipelineDir p(csv_pipeline("planned", kScopedLoad));
  const auto warehouse = [&](const std::string& sql) { return query_number(p.path("wh.db"), sql); };
  const auto plan = [&] {
    const CommandResult r = p.sluice("plan", "--json");
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  };
  write_file(p.path("data.csv"), key_value_csv(5));
  CHECK(counts(p.run_json(), "load") == "5/5/0/0");

  // A partitioned sink is checked partition by partition (its receipts), not by a node-level entry.
  const auto unchanged = plan();
  CHECK(statuses(unchanged)["load"] == "cached");
  CHECK(reason(unchanged, "load") == "all 5 partitions cached");

  SUBCASE("rows deleted from the warehouse behind the pipeline's back: plan names the partition a run reloads") {
    {
      SQLite::Database db(p.path("wh.db").string(), SQLite::OPEN_READWRITE);
      db.exec("DELETE FROM t WHERE key = 2");
    }
    const auto planned = plan();
    CHECK(statuses(planned)["load"] == "run");
    CHECK(reason(planned, "load") == "sink target missing or changed; 1 of 5 partitions to recompute");
    CHECK(counts(planned, "load") == "5/1/4/0");
    CHECK(warehouse("SELECT count(*) FROM t WHERE key = 2") == 0);  // planning wrote nothing

    const auto r = p.run_json();
    CHECK(counts(r, "load") == "5/1/4/0");
    CHECK(reason(r, "load") == "sink target missing or changed; 1 of 5 partitions recomputed");
    CHECK(warehouse("SELECT count(*) FROM t WHERE key = 2") == 2);
  }
  SUBCASE("a key gone from a cached input: plan counts the partition to retire, and retires nothing") {
    write_file(p.path("data.csv"), key_value_csv_without(5, 3));
    CHECK(statuses(p.run_json("--target data"))["data"] == "ran");
    const auto planned = plan();
    CHECK(statuses(planned)["load"] == "run");
    CHECK(reason(planned, "load") == "all 4 partitions cached; 1 partition is no longer in the input (to retire)");
    CHECK(count_of(planned, "load", "retired") == 1);
    CHECK(warehouse("SELECT count(*) FROM t WHERE key = 3") == 2);

    const auto r = p.run_json();
    CHECK(count_of(r, "load", "retired") == 1);
    CHECK(warehouse("SELECT count(*) FROM t WHERE key = 3") == 0);
    CHECK(statuses(plan())["load"] == "cached");
  }
}

TEST_CASE("a node's partitions log their first 3 info messages, and the node counts the rest") {
  PipelineDir p(csv_pipeline("mirror", kScopedLoad));
  const auto lines_with = [](const std::string& log, const std::string& text) {
    std::size_t n = 0;
    for (std::size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
    return n;
  };
  SUBCASE("20 partitions: 3 lines, then one line for the other 17") {
    write_file(p.path("data.csv"), key_value_csv(20));
    const auto r = p.sluice("run", "-q");
    REQUIRE(r.exit_code == 0);
    CHECK(lines_with(r.err, "] loaded 2 rows into 't'") == 3);
    CHECK(lines_with(r.err, "[load] 17 more info messages from partitions (SLUICE_LOG=debug shows each)") == 1);
    SUBCASE("and the debug log has every partition's line") {
      ScopedEnv debug("SLUICE_LOG", "debug");
      const auto again = p.sluice("run", "-q --force load");
      REQUIRE(again.exit_code == 0);
      CHECK(lines_with(again.err, "] loaded 2 rows into 't'") == 20);
    }
  }
  SUBCASE("3 partitions: each logs its line, no count") {
    write_file(p.path("data.csv"), key_value_csv(3));
    const auto r = p.sluice("run", "-q");
    REQUIRE(r.exit_code == 0);
    CHECK(lines_with(r.err, "] loaded 2 rows into 't'") == 3);
    CHECK(r.err.find("more info message") == std::string::npos);
  }
}

TEST_CASE("a foreach sink over an input without rows runs once, then is cached until rows arrive") {
  PipelineDir p(csv_pipeline("empty_sink", kScopedLoad));
  write_file(p.path("data.csv"), "key,value\n");
  const auto first = p.run_json();
  CHECK(statuses(first)["load"] == "ran");
  CHECK(counts(first, "load") == "0/0/0/0");

  const auto again = p.run_json();
  CHECK(statuses(again)["load"] == "cached");
  CHECK(reason(again, "load") == "cache hit: the input has no partitions, as last time");
  const CommandResult planned = p.sluice("plan", "--json");
  REQUIRE(planned.exit_code == 0);
  const auto plan = nlohmann::json::parse(planned.out);
  CHECK(statuses(plan)["load"] == "cached");
  CHECK(reason(plan, "load") == "cache hit: the input has no partitions, as last time");

  write_file(p.path("data.csv"), key_value_csv(3));
  const auto filled = p.run_json();
  CHECK(statuses(filled)["load"] == "ran");
  CHECK(counts(filled, "load") == "3/3/0/0");
  CHECK(query_number(p.path("wh.db"), "SELECT count(*) FROM t") == 6);
}
