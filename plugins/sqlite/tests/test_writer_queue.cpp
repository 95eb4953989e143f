// The in-process queue for a warehouse's write lock, and the load's journal_mode parameter.
#include <atomic>
#include <chrono>
#include <thread>

#include <sluice/errors.hpp>

#include "test_helpers.hpp"
#include "writer_queue.hpp"

using namespace sluice;
using namespace sqlite_test;
using sluice::test::TempDir;

namespace {

// Whether queue_for_writes(path) returns within 100 ms while the caller holds another file's turn.
bool queues_without_waiting(const std::filesystem::path& path) {
  std::atomic<bool> got{false};
  std::thread other([&] {
    const auto turn = sqlite::queue_for_writes(path);
    got = true;
  });
  for (int i = 0; i < 100 && !got; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const bool result = got;
  return other.join(), result;
}

Table rows(int stores, int days) {
  Table t;
  t.add_column("store_id", ColumnType::Int64);
  t.add_column("day", ColumnType::Int64);
  auto& store = t.column("store_id");
  auto& day = t.column("day");
  for (int s = 1; s <= stores; ++s)
    for (int d = 0; d < days; ++d) {
      store.push_int(s);
      day.push_int(d);
    }
  return t;
}

}  // namespace

TEST_CASE("writes to one file queue whatever its path is spelled; other files do not wait") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  const auto other = dir / "other.db";
  { RawDb a(wh), b(other); a.exec("CREATE TABLE t(x)"); b.exec("CREATE TABLE t(x)"); }
  std::filesystem::create_directories(dir / "sub");
  std::filesystem::create_symlink(wh, dir / "link.db");

  std::atomic<bool> second_in{false};
  std::thread second;
  {
    const auto turn = sqlite::queue_for_writes(wh);
    CHECK(queues_without_waiting(other));
    second = std::thread([&] {
      const auto mine = sqlite::queue_for_writes(dir / "sub" / ".." / "link.db");
      second_in = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(second_in.load());  // the same file: waits for the first turn
  }
  second.join();
  CHECK(second_in.load());
  CHECK(queues_without_waiting(wh));  // released again
  CHECK_THROWS_AS(sqlite::queue_for_writes(dir / "missing.db"), Error);
}

TEST_CASE("journal_mode: wal and delete switch the warehouse and last; keep leaves it as it is") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  auto load_with = [&](const char* journal, int stores) {
    return load({{"db", wh.string()}, {"table", "f"}, {"mode", "replace"}, {"journal_mode", journal}}, rows(stores, 3), ctx);
  };
  (void)load_with("keep", 1);
  CHECK(RawDb(wh).text("PRAGMA journal_mode") == "delete");
  (void)load_with("wal", 2);
  CHECK(RawDb(wh).text("PRAGMA journal_mode") == "wal");  // a property of the file, seen by every new connection
  CHECK(RawDb(wh).number("SELECT count(*) FROM f") == 6);
  (void)load_with("keep", 3);
  CHECK(RawDb(wh).text("PRAGMA journal_mode") == "wal");
  CHECK(RawDb(wh).number("SELECT count(*) FROM f") == 9);

  // In WAL mode a reader in the middle of a read keeps its snapshot while a load commits.
  {
    RawDb reader(wh);
    reader.exec("BEGIN");
    CHECK(reader.number("SELECT count(*) FROM f") == 9);
    (void)load({{"db", wh.string()}, {"table", "f"}, {"mode", "replace"}, {"journal_mode", "wal"}, {"busy_timeout_ms", 50}},
               rows(4, 3), ctx);
    CHECK(reader.number("SELECT count(*) FROM f") == 9);
    reader.exec("COMMIT");
    CHECK(reader.number("SELECT count(*) FROM f") == 12);
  }
  (void)load_with("delete", 1);
  CHECK(RawDb(wh).text("PRAGMA journal_mode") == "delete");
  CHECK(RawDb(wh).number("SELECT count(*) FROM f") == 3);
  CHECK_FALSE(std::filesystem::exists(wh.string() + "-wal"));
}

TEST_CASE("journal_mode: a switch that another connection prevents fails clearly and writes nothing") {
  TempDir dir;
  const auto wh = dir / "wh.db";
  testing::TestContext ctx;
  (void)load({{"db", wh.string()}, {"table", "f"}, {"mode", "replace"}}, rows(1, 3), ctx);
  RawDb reader(wh);
  reader.exec("BEGIN");
  CHECK(reader.number("SELECT count(*) FROM f") == 3);  // holds a shared lock
  try {
    (void)load({{"db", wh.string()}, {"table", "f"}, {"mode", "replace"}, {"journal_mode", "wal"}, {"busy_timeout_ms", 50}},
               rows(2, 3), ctx);
    FAIL("the switch should have failed");
  } catch (const Error& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find(wh.string()) != std::string::npos, message);
    CHECK_MESSAGE(message.find("journal_mode=wal") != std::string::npos, message);
  }
  reader.exec("COMMIT");
  CHECK(reader.text("PRAGMA journal_mode") == "delete");
  CHECK(reader.number("SELECT count(*) FROM f") == 3);
}
