// The bad-input catalogue (tests/integration/bad_inputs/<case>/): every case is
// a pipeline (p.toml) plus what it needs, and case.toml saying what must happen.
// Each case runs through the real binary in a fresh copy of its directory; the
// test asserts the exit code, the message, that no signal or sanitizer report
// appeared, and that a failure wrote nothing: no output file, no warehouse row,
// no cache entry for the failing node. Every message must be explained in
// docs/errors.md.
//
// case.toml keys:
//   group        docs/errors.md section ("pipeline file", "plugins", ...)
//   command      "run" (default) or "validate";  args = [...] extra arguments
//   pre_args     run the pipeline once with these arguments before the real run
//   exit         expected exit code;  message = distinctive text in stderr/stdout
//                (the case's directory appears as <dir>)
//   message_ulimit  the message when the full-disk setup has to fall back to ulimit -f
//   writes       true: the case succeeds and may write (skip the nothing-written check)
//   failing_node no cache entry may exist for it afterwards
//   setup        world_writable_plugin_dir | read_only_warehouse | locked_warehouse | small_disk:<dir>
//   fixture_plugin  load the broken-on-purpose plugin tests/fixtures/plugins/<name> (SLUICE_PLUGIN_PATH)
//   expect_file  a file that must exist afterwards
//   [warehouse]  db, query, expect: `sqlite3 db query` must print expect
// A file NAME.db.sql becomes the SQLite database NAME.db before the run.
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "../fuzz/fuzz_entries.hpp"
#include "../support/process.hpp"

namespace fs = std::filesystem;
using sluice::test::CommandResult;
using sluice::test::run_command;
using sluice::test::shell_quote;
using sluice::test::slurp;

namespace {

const fs::path kCatalogue = fs::path(SLUICE_SOURCE_DIR) / "tests/integration/bad_inputs";

struct Case {
  std::string name;
  fs::path dir;
  toml::table meta;
  std::string str(const char* key, std::string fallback = "") const {
    return meta[key].value_or(std::move(fallback));
  }
  std::vector<std::string> list(const char* key) const {
    std::vector<std::string> out;
    if (const auto* arr = meta[key].as_array())
      for (const auto& el : *arr) out.push_back(el.value_or(std::string()));
    return out;
  }
};

std::vector<Case> load_catalogue() {
  std::vector<Case> cases;
  for (const auto& entry : fs::directory_iterator(kCatalogue)) {
    if (!entry.is_directory()) continue;
    Case c;
    c.name = entry.path().filename().string();
    c.dir = entry.path();
    c.meta = toml::parse_file((c.dir / "case.toml").string());
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return cases;
}

std::string join_args(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += " " + shell_quote(a);
  return out;
}

// A SQLite file compares by its dump (a failed load may legitimately switch the
// journal mode, which rewrites header bytes); any other file by its bytes.
std::string content_of(const fs::path& file) {
  if (file.extension() == ".db") {
    const CommandResult r = run_command("sqlite3 -readonly " + shell_quote(file.string()) + " .dump");
    if (r.exit_code == 0 && r.err.empty()) return "sqlite:" + r.out;
  }
  return slurp(file);
}

// Everything a run could write, except the cache (checked separately) and
// SQLite's transient side files.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && (name == ".sluice" || name == "cache")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (name.ends_with("-wal") || name.ends_with("-shm") || name.ends_with("-journal")) continue;
    files[fs::relative(it->path(), root).string()] = content_of(it->path());
  }
  return files;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
    text.replace(pos, from.size(), to);
  return text;
}

// Holds an exclusive SQLite lock on a file for its lifetime.
class SqliteLock {
 public:
  explicit SqliteLock(const fs::path& db) {
    REQUIRE(sqlite3_open(db.c_str(), &db_) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~SqliteLock() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  SqliteLock(const SqliteLock&) = delete;
  SqliteLock& operator=(const SqliteLock&) = delete;

 private:
  sqlite3* db_ = nullptr;
};

// A tiny tmpfs (a full disk) where mount works; unmounted on destruction.
class SmallDisk {
 public:
  explicit SmallDisk(const fs::path& dir) : dir_(dir) {
    fs::create_directories(dir);
    // SLUICE_TEST_NO_TMPFS=1 exercises the ulimit fallback where mount would work.
    if (std::getenv("SLUICE_TEST_NO_TMPFS") == nullptr)
      mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=256k") == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
};

void make_databases(const fs::path& source, const fs::path& work) {
  for (const auto& entry : fs::recursive_directory_iterator(source)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".db.sql")) continue;
    const fs::path db = work / fs::relative(entry.path(), source).replace_extension("");
    fs::create_directories(db.parent_path());
    const CommandResult r =
        run_command("sqlite3 " + shell_quote(db.string()) + " < " + shell_quote(entry.path().string()));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
}

std::string cache_listing(const std::string& prefix, const fs::path& work, const std::string& cache_args) {
  return run_command("cd " + shell_quote(work.string()) + " && " + prefix + shell_quote(SLUICE_BIN) +
                     " cache ls p.toml" + cache_args)
      .out;
}

void run_case(const Case& c) {
  INFO("case: " << c.name << " (" << c.dir.string() << ")");
  sluice::test::TempDir tmp;
  const fs::path work = tmp / "case";
  fs::copy(c.dir, work, fs::copy_options::recursive);

  const std::string setup = c.str("setup");
  std::string prefix;  // wraps the sluice command (another user, a file-size limit)
  std::string cache_args;
  std::optional<SmallDisk> disk;
  bool ulimit_fallback = false;
  if (setup == "world_writable_plugin_dir") {
    fs::permissions(work / "plugins", fs::perms::all);
  } else if (setup.starts_with("small_disk:")) {
    disk.emplace(work / setup.substr(std::string("small_disk:").size()));
    if (!disk->mounted()) {
      // No tmpfs (not root, or no CAP_SYS_ADMIN): a per-file size limit makes
      // writes fail with EFBIG instead. SIGXFSZ is ignored so the write fails
      // rather than the signal killing the process.
      ulimit_fallback = true;
      prefix = "trap '' XFSZ; ulimit -f 64; ";
    }
  }
  make_databases(c.dir, work);
  if (setup == "read_only_warehouse") {
    fs::permissions(work / "wh.db", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::permissions(work, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    // The cache stays writable; only the warehouse is read-only.
    fs::create_directories(tmp / "cache");
    fs::permissions(tmp / "cache", fs::perms::all);
    cache_args = " --cache-dir " + shell_quote((tmp / "cache").string());
    // Root ignores permission bits, so run as an unprivileged user there.
    if (::geteuid() == 0) prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  if (const std::string fixture = c.str("fixture_plugin"); !fixture.empty()) {
    prefix += "SLUICE_PLUGIN_PATH=" + shell_quote((fs::path(SLUICE_FIXTURE_PLUGIN_DIR) / fixture).string()) + " ";
  }
  const std::string command = c.str("command", "run");
  const std::string base = "cd " + shell_quote(work.string()) + " && " + prefix + shell_quote(SLUICE_BIN) + " " +
                           command + " p.toml" + (command == "run" ? " -q" : "") + cache_args;
  if (const auto pre = c.list("pre_args"); !pre.empty()) {
    const CommandResult r = run_command(base + join_args(pre));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  const auto before = snapshot(work);  // before the lock below: a locked database cannot be dumped
  std::optional<SqliteLock> lock;
  if (setup == "locked_warehouse") lock.emplace(work / "wh.db");
  const CommandResult r = run_command(base + join_args(c.list("args")));
  lock.reset();
  const std::string out = replace_all(r.out + r.err, work.string(), "<dir>");
  INFO("output:\n" << out);

  CHECK(r.exit_code == c.meta["exit"].value_or(-1));
  const std::string message = ulimit_fallback ? c.str("message_ulimit") : c.str("message");
  CHECK_MESSAGE(!message.empty(), "case.toml needs a message");
  CHECK(out.find(message) != std::string::npos);
  for (const char* crash : {"Segmentation", "terminate called", "AddressSanitizer", "runtime error:", "Aborted"})
    CHECK(out.find(crash) == std::string::npos);

  if (!c.meta["writes"].value_or(false)) CHECK(snapshot(work) == before);
  if (const std::string node = c.str("failing_node"); !node.empty()) {
    std::string listing_args = cache_args;
    const auto args = c.list("args");
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "--cache-dir") listing_args += " --cache-dir " + shell_quote(args[i + 1]);
    const std::string listing = cache_listing(prefix, work, listing_args);
    INFO("cache ls:\n" << listing);
    CHECK_FALSE(std::regex_search(listing, std::regex("\\n\\S+\\s+" + node + "\\s")));
  }
  if (const std::string file = c.str("expect_file"); !file.empty()) CHECK(fs::exists(work / file));
  if (const auto* wh = c.meta["warehouse"].as_table()) {
    const std::string db = (*wh)["db"].value_or(std::string());
    const std::string query = (*wh)["query"].value_or(std::string());
    const CommandResult q = run_command("sqlite3 " + shell_quote((work / db).string()) + " " + shell_quote(query));
    INFO("warehouse query: " << query << "\n" << q.err);
    CHECK(q.out == (*wh)["expect"].value_or(std::string()) + "\n");
  }
  // Leave the copy removable.
  std::error_code ec;
  fs::permissions(work, fs::perms::owner_all, fs::perm_options::add, ec);
}

void run_group(const std::string& group) {
  std::size_t n = 0;
  for (const auto& c : load_catalogue()) {
    if (c.str("group") != group) continue;
    ++n;
    run_case(c);
  }
  CHECK(n > 0);
}

}  // namespace

TEST_SUITE("bad inputs") {
  TEST_CASE("the catalogue has at least 40 cases, each with group, exit and message") {
    const auto cases = load_catalogue();
    CHECK(cases.size() >= 40);
    const std::vector<std::string> groups = {"pipeline file", "plugins", "parameters", "stages",
                                             "cache",         "scheduler", "warehouse"};
    for (const auto& c : cases) {
      INFO(c.name);
      CHECK(std::find(groups.begin(), groups.end(), c.str("group")) != groups.end());
      CHECK(c.meta["exit"].is_integer());
      CHECK(!c.str("message").empty());
      CHECK(fs::exists(c.dir / "p.toml"));
    }
  }

  TEST_CASE("pipeline file") { run_group("pipeline file"); }
  TEST_CASE("plugins") { run_group("plugins"); }
  TEST_CASE("parameters") { run_group("parameters"); }
  TEST_CASE("stages") { run_group("stages"); }
  TEST_CASE("cache") { run_group("cache"); }
  TEST_CASE("scheduler") { run_group("scheduler"); }
  TEST_CASE("warehouse") { run_group("warehouse"); }

  TEST_CASE("docs/errors.md explains every catalogued message") {
    const std::string doc = slurp(fs::path(SLUICE_SOURCE_DIR) / "docs/errors.md");
    REQUIRE(!doc.empty());
    for (const auto& c : load_catalogue()) {
      INFO(c.name << ": " << c.str("message"));
      CHECK(doc.find(c.str("message")) != std::string::npos);
    }
  }
}

// The fuzzers' committed corpora, replayed through the same entry functions in
// the normal build: every input must parse or be rejected with the parser's own
// error type (a crash found once stays fixed).
TEST_SUITE("fuzz corpus replay") {
  void replay(const std::string& target, void (*entry)(std::string_view)) {
    std::size_t n = 0;
    for (const auto& f : fs::directory_iterator(fs::path(SLUICE_SOURCE_DIR) / "tests/fuzz/corpus" / target)) {
      INFO(target << ": " << f.path().filename().string());
      const std::string bytes = slurp(f.path());
      CHECK_NOTHROW(entry(bytes));
      ++n;
    }
    CHECK(n > 0);
  }

  TEST_CASE("pipeline corpus") { replay("fuzz_pipeline", sluice::fuzz::fuzz_pipeline); }
  TEST_CASE("cache object corpus") { replay("fuzz_cache_object", sluice::fuzz::fuzz_cache_object); }
  TEST_CASE("cron corpus") { replay("fuzz_cron", sluice::fuzz::fuzz_cron); }

  // The CSV reader lives in the plugin, so its corpus goes through csv_read in
  // the real binary: a table or a clean node failure (exit 1), never a crash.
  TEST_CASE("csv corpus through sluice.csv_read") {
    sluice::test::TempDir tmp;
    sluice::test::write_file(tmp / "p.toml",
                             "[pipeline]\nname = \"replay\"\n[nodes.read]\nplugin = \"sluice.csv_read\"\n"
                             "params = { path = \"in.csv\" }\n");
    std::size_t n = 0;
    for (const auto& f : fs::directory_iterator(fs::path(SLUICE_SOURCE_DIR) / "tests/fuzz/corpus/fuzz_csv")) {
      INFO("fuzz_csv: " << f.path().filename().string());
      const std::string bytes = slurp(f.path());
      sluice::test::write_file(tmp / "in.csv", bytes.empty() ? bytes : bytes.substr(1));  // byte 0 = fuzz options
      const CommandResult r = run_command("cd " + shell_quote(tmp.path().string()) + " && " +
                                          shell_quote(SLUICE_BIN) + " run p.toml -q --force read");
      INFO(r.err);
      CHECK((r.exit_code == 0 || r.exit_code == 1));
      ++n;
    }
    CHECK(n > 0);
  }
}

TEST_CASE("every command that reads a pipeline file says the same about one it cannot open") {
  sluice::test::TempDir tmp;
  fs::create_directories(tmp / "a_dir");
  for (const std::string command : {"run", "plan", "validate", "graph", "runs", "schedule --next", "cache ls"}) {
    INFO(command);
    const std::string base = "cd " + shell_quote(tmp.path().string()) + " && " + shell_quote(SLUICE_BIN) + " " + command;
    CommandResult r = run_command(base + " missing.toml");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("missing.toml: cannot open the pipeline file (no such file); check the path") != std::string::npos);
    r = run_command(base + " a_dir");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("a_dir: cannot open the pipeline file (it is a directory); check the path") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(tmp / ".sluice"));
}
