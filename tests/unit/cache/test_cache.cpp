#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>

#include <sluice/errors.hpp>

#include "../../support/process.hpp"
#include "cache/byte_planes.hpp"
#include "cache/cache.hpp"

using namespace sluice;
using namespace sluice::engine;

namespace {
Table numbers(int n) {
  Table t;
  auto& c = t.add_column("v", ColumnType::Int64);
  for (int i = 0; i < n; ++i) c.push_int(i);
  return t;
}

// `n` doubles that do not compress.
Table noise(int n) {
  Table t;
  auto& c = t.add_column("x", ColumnType::Double);
  std::uint64_t state = 88172645463325252ull;
  for (int i = 0; i < n; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c.push_double(static_cast<double>(state));
  }
  return t;
}
}  // namespace

TEST_CASE("objects round-trip, compressed or not, and are named by content") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto big = cache.store(Value(numbers(10'000)));
  const auto small = cache.store(Value(numbers(3)));
  CHECK(big.hash == hash_value(Value(numbers(10'000))));
  CHECK(big.size < 10'000 * 8);  // zstd made it smaller
  auto v = cache.load(big.hash);
  REQUIRE(v);
  CHECK(std::get<Table>(*v).num_rows() == 10'000);
  CHECK(std::get<Table>(*cache.load(small.hash)).column("v").int_at(2) == 2);
}

TEST_CASE("an object of several MiB is compressed by zstd's workers and reads back intact") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const Table t = numbers(2'000'000);  // 16 MB encoded: above the multi-threaded threshold
  const auto stored = cache.store(Value(t));
  CHECK(stored.size < 2'000'000 * 8 / 2);
  const auto back = cache.load(stored.hash);
  REQUIRE(back);
  const Table& r = std::get<Table>(*back);
  REQUIRE(r.num_rows() == 2'000'000);
  CHECK(r.column("v").int_at(0) == 0);
  CHECK(r.column("v").int_at(1'999'999) == 1'999'999);
  CHECK(hash_value(*back) == stored.hash);
}

TEST_CASE("a streamed object is written whole or not at all") {
  sluice::test::TempDir dir;
  const Value v(numbers(100'000));
  const ValueDigest d = digest_value(v);
  for (bool compress : {true, false}) {
    ObjectStore store(dir / (compress ? "z" : "raw"), compress);
    // A producer that delivers fewer bytes than promised (or throws) leaves no file and no temp file.
    CHECK_THROWS_AS(store.put_stream(d.hash, d.size + 1, [&](const ValueSink& sink) { encode_value_to(v, sink); }),
                    Error);
    CHECK_THROWS_AS(store.put_stream(d.hash, d.size,
                                     [&](const ValueSink& sink) {
                                       sink("partial");
                                       throw std::runtime_error("producer failed");
                                     }),
                    std::runtime_error);
    CHECK_FALSE(store.contains(d.hash));
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(store.root()))
      files += e.is_regular_file() ? 1 : 0;
    CHECK(files == 0);
    // The real thing reads back verified, raw or compressed.
    const auto size = store.put_stream(d.hash, d.size, [&](const ValueSink& sink) { encode_value_to(v, sink); });
    CHECK(size == std::filesystem::file_size(store.path_of(d.hash)));
    CHECK((compress ? size < d.size : size > d.size));
    const auto raw = store.get(d.hash);
    REQUIRE(raw);
    CHECK(raw->view() == encode_value(v));
  }
}

TEST_CASE("a corrupted object is detected, removed and reported as absent") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto s = cache.store(Value(noise(5000)));  // too large to live inline
  const auto path = cache.objects().path_of(s.hash);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
  }
  CHECK(cache.load(s.hash) == nullptr);
  CHECK_FALSE(std::filesystem::exists(path));
}

namespace {
// Records `key` as the entry whose output port "out" is `s` (node `node` of pipeline "p").
void record_output(Cache& cache, const std::string& key, const Cache::Stored& s, const std::string& node = "n") {
  ActionEntry e;
  e.outputs["out"] = s.hash;
  cache.index().record(key, e, {{s.hash, s.size}}, "p", node, "", "r", 0);
}

// Records `s` as the output of entry `key`, committing its pending inline bytes with the entry.
void record_with_inline(Cache& cache, const std::string& key, const Cache::Stored& s) {
  CacheIndex::Record rec;
  rec.key = key;
  rec.entry.outputs["out"] = s.hash;
  rec.refs.emplace_back(s.hash, s.size);
  rec.inline_objects.emplace_back(s.hash, s.pending_inline);
  cache.index().record_many({rec});
}

std::size_t object_files(const Cache& cache) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(cache.dir() / "objects"))
    if (e.is_regular_file()) ++n;
  return n;
}
}  // namespace

TEST_CASE("small objects live in index.db, large ones in files") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto small = cache.store(Value(numbers(100)));
  CHECK(small.pending_inline.empty());
  CHECK(object_files(cache) == 0);
  CHECK(cache.contains(small.hash));
  CHECK(std::get<Table>(*cache.load(small.hash)).column("v").int_at(99) == 99);
  const auto large = cache.store(Value(noise(5000)));  // 40 KB that stays 40 KB
  CHECK(object_files(cache) == 1);
  CHECK(large.size > cache.inline_limit());
  CHECK(std::get<Table>(*cache.load(large.hash)).num_rows() == 5000);
}

TEST_CASE("what decides inline is the stored size: a large encoding that compresses well lives in index.db") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  Table t;
  auto& c = t.add_column("store_id", ColumnType::Int64);
  for (int i = 0; i < 20000; ++i) c.push_int(7);  // 160 KB encoded, a few hundred bytes stored
  const auto s = cache.store(Value(t), Cache::Durability::Batch);
  CHECK(s.size <= cache.inline_limit());
  CHECK_FALSE(s.pending_inline.empty());
  CHECK(object_files(cache) == 0);
  // Beyond the in-memory framing size, an object streams into a file whatever it compresses to.
  Table big;
  auto& b = big.add_column("store_id", ColumnType::Int64);
  for (int i = 0; i < 200000; ++i) b.push_int(7);  // 1.6 MB encoded
  const auto f = cache.store(Value(big));
  CHECK(f.pending_inline.empty());
  CHECK(object_files(cache) == 1);
  CHECK(std::get<Table>(*cache.load(f.hash)).num_rows() == 200000);
}

TEST_CASE("an object framed in memory that is too large to inline is stored as a file, without durability when asked") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto s = cache.store(Value(noise(20000)), Cache::Durability::Batch);  // 160 KB: framed in memory
  CHECK(s.pending_inline.empty());
  CHECK(object_files(cache) == 1);
  CHECK(std::filesystem::file_size(cache.objects().path_of(s.hash)) == s.size);
  cache.sync_files();
  CHECK(std::get<Table>(*cache.load(s.hash)).column("x").double_at(19999) ==
        noise(20000).column("x").double_at(19999));
}

TEST_CASE("a small object stored without durability is written only with its entry") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  auto s = cache.store(Value(numbers(10)), Cache::Durability::Batch);
  REQUIRE_FALSE(s.pending_inline.empty());
  CHECK_FALSE(cache.contains(s.hash));
  record_with_inline(cache, "k", s);
  CHECK(cache.contains(s.hash));
  CHECK(std::get<Table>(*cache.load(s.hash)).num_rows() == 10);
  cache.sync_files();  // nothing to sync: no file was written
}

TEST_CASE("a corrupted inline object is detected, removed and reported as absent") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto s = cache.store(Value(numbers(50)));
  {
    SQLite::Database db((dir.path() / "index.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE inline_objects SET data = CAST(substr(data, 1, length(data) - 1) || x'7f' AS BLOB)");
  }
  CHECK(cache.load(s.hash) == nullptr);
  CHECK_FALSE(cache.contains(s.hash));
}

TEST_CASE("a larger inline limit for one store keeps that object in index.db (a node's manifest)") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  REQUIRE(cache.manifest_inline_limit() == 256 * 1024);
  const auto manifest = cache.store(Value(noise(5000)), Cache::Durability::WithEntry, cache.manifest_inline_limit());
  CHECK(manifest.size > cache.inline_limit());  // a file under the limit of other objects
  CHECK(object_files(cache) == 0);
  REQUIRE(!manifest.pending_inline.empty());  // committed with the node's entry, as a small object is
  record_with_inline(cache, "knode", manifest);
  const auto back = cache.load(manifest.hash);
  REQUIRE(back);
  CHECK(std::get<Table>(*back).num_rows() == 5000);
  // Beyond the larger limit it is a file after all.
  const auto huge = cache.store(Value(noise(40'000)), Cache::Durability::WithEntry, cache.manifest_inline_limit());
  CHECK(huge.pending_inline.empty());
  CHECK(object_files(cache) == 1);
}

TEST_CASE("the manifest limit follows SLUICE_CACHE_INLINE_MAX when that is 0 or larger") {
  sluice::test::TempDir dir;
  {
    sluice::test::ScopedEnv none("SLUICE_CACHE_INLINE_MAX", "0");
    CHECK(Cache(dir.path()).manifest_inline_limit() == 0);
  }
  sluice::test::ScopedEnv large("SLUICE_CACHE_INLINE_MAX", "1048576");
  CHECK(Cache(dir.path()).manifest_inline_limit() == 1048576);
}

TEST_CASE("SLUICE_CACHE_INLINE_MAX=0 keeps every object in a file") {
  sluice::test::TempDir dir;
  sluice::test::ScopedEnv no_inline("SLUICE_CACHE_INLINE_MAX", "0");
  Cache cache(dir.path());
  cache.store(Value(numbers(3)));
  CHECK(object_files(cache) == 1);
}

TEST_CASE("a bad SLUICE_CACHE_INLINE_MAX is refused with the value") {
  sluice::test::TempDir dir;
  for (const char* bad : {"abc", "12kb", "-1"}) {
    sluice::test::ScopedEnv env("SLUICE_CACHE_INLINE_MAX", bad);
    CHECK_THROWS_WITH(Cache(dir.path()), (std::string("SLUICE_CACHE_INLINE_MAX must be a byte count, got '") + bad + "'").c_str());
  }
}

TEST_CASE("gc drops inline objects with their entries, and orphans") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto kept = cache.store(Value(numbers(7)));
  const auto orphan = cache.store(Value(numbers(8)));  // stored, never recorded
  record_output(cache, "k", kept);
  cache.gc(std::nullopt, std::nullopt, {});
  CHECK(cache.contains(kept.hash));
  CHECK_FALSE(cache.contains(orphan.hash));
  const auto r = cache.gc(0, std::nullopt, {});
  CHECK(r.entries_removed == 1);
  CHECK_FALSE(cache.contains(kept.hash));
}

TEST_CASE("unframe rejects every kind of damage with a clear reason") {
  const std::string raw = encode_value(Value(numbers(10)));
  const Hash128 h = hash_bytes(raw);
  const std::string framed = ObjectStore::frame(h, raw, Compression::None);
  CHECK(ObjectStore::unframe(h, framed).view() == raw);
  CHECK_THROWS_WITH_AS(ObjectStore::unframe(h, framed.substr(0, 10)), "not a cache object (bad header)", Error);
  CHECK_THROWS_WITH_AS(ObjectStore::unframe(h, framed.substr(0, framed.size() - 1)), "object size does not match its header", Error);
  CHECK_THROWS_WITH_AS(ObjectStore::unframe(hash_bytes("other"), framed), "object header names another hash", Error);
  std::string flipped = framed;
  flipped.back() ^= 1;
  CHECK_THROWS_WITH_AS(ObjectStore::unframe(h, flipped), "checksum mismatch", Error);
}

namespace {
// The codec byte of a stored object's file header (0 raw, 1 zstd, 2 zstd of byte planes).
int codec_of(const std::string& framed) { return static_cast<unsigned char>(framed.at(5)); }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A table of `n` rows that is mostly text.
Table words(int n) {
  Table t;
  auto& c = t.add_column("w", ColumnType::String);
  for (int i = 0; i < n; ++i) c.push_string("a row of text number " + std::to_string(i));
  return t;
}
}  // namespace

TEST_CASE("an object framed as byte planes unframes to its bytes, and damage to it is caught") {
  const std::string raw = encode_value(Value(numbers(5000)));
  const Hash128 h = hash_bytes(raw);
  const std::string planes = ObjectStore::frame(h, raw, Compression::ZstdBytePlanes);
  CHECK(codec_of(planes) == 2);
  CHECK(planes.size() < ObjectStore::frame(h, raw, Compression::Zstd).size());
  CHECK(ObjectStore::unframe(h, planes).view() == raw);
  // A frame that decompresses but whose planes were not what was written fails the checksum.
  std::string other_codec = ObjectStore::frame(h, raw, Compression::Zstd);
  other_codec[5] = 2;
  CHECK_THROWS_WITH_AS(ObjectStore::unframe(h, other_codec), "checksum mismatch", Error);
  // Under 4 KiB nothing is compressed.
  const std::string tiny = encode_value(Value(numbers(10)));
  CHECK(codec_of(ObjectStore::frame(hash_bytes(tiny), tiny, Compression::ZstdBytePlanes)) == 0);
}

TEST_CASE("a streamed object of several blocks of byte planes reads back intact, its length not a multiple of a block") {
  sluice::test::TempDir dir;
  ObjectStore store(dir / "objects");
  Table t = numbers(300'001);
  t.add_column("s", ColumnType::String);
  for (int i = 0; i <= 300'000; ++i) t.column("s").push_string(i % 7 == 0 ? "x" : "");
  const Value v(t);
  const ValueDigest d = digest_value(v);
  REQUIRE(d.size % kPlaneBlock != 0);
  const auto size = store.put_stream(d.hash, d.size, [&](const ValueSink& sink) { encode_value_to(v, sink); }, true,
                                     Compression::ZstdBytePlanes);
  CHECK(size < d.size / 4);
  CHECK(codec_of(read_file(store.path_of(d.hash))) == 2);
  const auto raw = store.get(d.hash);
  REQUIRE(raw);
  CHECK(raw->view() == encode_value(v));
}

TEST_CASE("the cache stores tables of numbers as byte planes and text as it is") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  for (const int rows : {20'000, 100'000}) {  // framed in memory, and streamed
    const auto numeric = cache.store(Value(numbers(rows)), Cache::Durability::Now, 0);
    const auto text = cache.store(Value(words(rows)), Cache::Durability::Now, 0);
    CHECK(codec_of(read_file(cache.objects().path_of(numeric.hash))) == 2);
    CHECK(codec_of(read_file(cache.objects().path_of(text.hash))) == 1);
    CHECK(hash_value(*cache.load(numeric.hash)) == numeric.hash);
    CHECK(hash_value(*cache.load(text.hash)) == text.hash);
  }
}

TEST_CASE("index records actions, node state and file hashes") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto s = cache.store(Value(numbers(3)));
  ActionEntry e;
  e.outputs["out"] = s.hash;
  e.receipt = "r1";
  cache.index().record("k1", e, {{s.hash, s.size}}, "p", "n", "", "run1", 1.0);
  auto got = cache.index().lookup("k1");
  REQUIRE(got);
  CHECK(got->outputs.at("out") == s.hash);
  CHECK(got->receipt == "r1");
  CHECK_FALSE(cache.index().lookup("k2"));
  NodeState st{"k1", "1.0", "ph", "{}", "", ""};
  cache.index().set_node_state("p", "n", "", st);
  CHECK(cache.index().node_state("p", "n", "")->key == "k1");
}

TEST_CASE("lookup_many says which entries have all their objects inline, and finds only recorded keys") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto small = cache.store(Value(numbers(3)));
  const auto other = cache.store(Value(numbers(4)));
  const auto large = cache.store(Value(noise(5000)));  // a file
  auto record = [&](const std::string& key, const std::vector<Cache::Stored>& objects) {
    ActionEntry e;
    std::vector<std::pair<Hash128, std::uint64_t>> refs;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      e.outputs["out" + std::to_string(i)] = objects[i].hash;
      refs.emplace_back(objects[i].hash, objects[i].size);
    }
    cache.index().record(key, e, refs, "p", "n", key, "run1", 1.0);
  };
  record("inline", {small, other});
  record("mixed", {small, large});
  record("dropped", {other});
  cache.index().remove_inline_object(other.hash);  // lost behind the index's back

  const auto found = cache.index().lookup_many({"inline", "mixed", "dropped", "unknown"});
  CHECK(found.size() == 3);
  CHECK(found.count("unknown") == 0);
  CHECK_FALSE(found.at("inline").outputs_inline);  // `other` is gone, so this one must look again
  CHECK_FALSE(found.at("mixed").outputs_inline);   // a file is not vouched for
  CHECK_FALSE(found.at("dropped").outputs_inline);
  record("kept", {small});
  CHECK(cache.index().lookup_many({"kept"}).at("kept").outputs_inline);
}

TEST_CASE("a file's hash is the hash of its bytes, remembered until the file changes") {
  sluice::test::TempDir dir;
  Cache cache(dir / "cache");
  const std::string bytes(200'000, 'x');  // several read pieces
  { std::ofstream(dir / "plugin.so", std::ios::binary) << bytes; }
  const std::string first = cache.file_hash(dir / "plugin.so");
  CHECK(first == hash_bytes(bytes).hex());
  CHECK(cache.file_hash(dir / "plugin.so") == first);
  { std::ofstream(dir / "plugin.so", std::ios::binary) << bytes << 'y'; }  // size (and mtime) change
  CHECK(cache.file_hash(dir / "plugin.so") == hash_bytes(bytes + 'y').hex());
  CHECK(cache.file_hash(dir / "absent.so") == "missing:" + (dir / "absent.so").string());
}

TEST_CASE("gc evicts least recently used entries first and never a protected one") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  std::vector<Cache::Stored> stored;
  for (int i = 0; i < 4; ++i) {
    stored.push_back(cache.store(Value(numbers(1000 + i))));
    record_output(cache, "k" + std::to_string(i), stored.back(), "n" + std::to_string(i));
  }
  // k0 is the oldest but protected, so the oldest unprotected entry (k1) goes instead.
  const auto r = cache.gc(cache.index().total_bytes() - stored[1].size, std::nullopt, {"k0"});
  CHECK(r.entries_removed == 1);
  CHECK(cache.index().lookup("k0"));
  CHECK_FALSE(cache.index().lookup("k1"));
  CHECK(cache.index().lookup("k2"));
  CHECK_FALSE(cache.contains(stored[1].hash));
  CHECK(cache.contains(stored[0].hash));
  CHECK(cache.index().total_bytes() <= stored[0].size + stored[2].size + stored[3].size);
}

TEST_CASE("gc keeps entries that a node's current state points at") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto s = cache.store(Value(numbers(100)));
  record_output(cache, "k", s);
  cache.index().set_node_state("p", "n", "", NodeState{"k", "1", "h", "{}", "", ""});
  const auto r = cache.gc(0, std::nullopt, {});
  CHECK(r.entries_removed == 0);
  CHECK(cache.index().lookup("k"));
}

TEST_CASE("a partition's state takes stage, plugin and params from its node's state") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  CacheIndex::Record part;
  part.key = "kp";
  part.pipeline = "p";
  part.node = "n";
  part.partition = "store_id=7";
  part.state = NodeState{"kp", "", "", "", "in:up=abc;", ""};
  part.replaces = false;
  cache.index().record_many({part});
  // Without a node state there is nothing to complete it from: as if never computed.
  CHECK(cache.index().node_states("p", "n").empty());

  cache.index().set_node_state("p", "n", "", NodeState{"kn", "2.0", "ph", R"({"order":5})", "in:up=all;", ""});
  const auto states = cache.index().node_states("p", "n");
  REQUIRE(states.size() == 2);
  const NodeState& s = states.at("store_id=7");
  CHECK(s.key == "kp");
  CHECK(s.inputs == "in:up=abc;");
  CHECK(s.stage_version == "2.0");
  CHECK(s.plugin_hash == "ph");
  CHECK(s.params == R"({"order":5})");
  // A full partition state (older caches write them) is kept as stored.
  cache.index().set_node_state("p", "n", "store_id=8", NodeState{"k8", "1.0", "old", "{}", "x", ""});
  CHECK(cache.index().node_states("p", "n").at("store_id=8").plugin_hash == "old");
}

TEST_CASE("a manifest's shared refs keep partition objects alive after the partition entries go") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  const auto part = cache.store(Value(numbers(20)));
  record_output(cache, "kpart", part);
  CacheIndex::Record node;
  node.key = "knode";
  node.shared_refs.push_back(part.hash);
  cache.index().record_many({node});
  // Evict only the partition's entry (the oldest): its object stays, the manifest needs it.
  const auto r = cache.gc(std::nullopt, std::chrono::seconds(-3600), {"knode"});
  CHECK(r.entries_removed == 1);
  CHECK_FALSE(cache.index().lookup("kpart"));
  CHECK(cache.contains(part.hash));
  CHECK(cache.index().total_bytes() == part.size);  // shared refs add no second size
  cache.gc(0, std::nullopt, {});
  CHECK_FALSE(cache.contains(part.hash));
}

TEST_CASE("opening an index drops the indexes that earlier versions kept: refs by hash, entries by last use") {
  sluice::test::TempDir dir;
  { Cache cache(dir.path()); }
  auto indexes = [&] {
    SQLite::Database db((dir.path() / "index.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name IN ('refs_hash', 'actions_lru')").getInt();
  };
  CHECK(indexes() == 0);
  {
    SQLite::Database db((dir.path() / "index.db").string(), SQLite::OPEN_READWRITE);
    db.exec("CREATE INDEX refs_hash ON refs(hash); CREATE INDEX actions_lru ON actions(last_used)");
  }
  REQUIRE(indexes() == 2);
  Cache cache(dir.path());
  CHECK(indexes() == 0);
}

TEST_CASE("default cache dir: SLUICE_CACHE_DIR, else beside the pipeline, else the current directory; always absolute") {
  const char* saved = std::getenv("SLUICE_CACHE_DIR");
  const std::string restore = saved ? saved : "";
  const auto cwd = std::filesystem::current_path();
  ::unsetenv("SLUICE_CACHE_DIR");
  CHECK(default_cache_dir("pipelines/p.toml") == cwd / "pipelines" / ".sluice" / "cache");
  CHECK(default_cache_dir("/srv/jobs/p.toml") == std::filesystem::path("/srv/jobs/.sluice/cache"));
  CHECK(default_cache_dir("") == cwd / ".sluice" / "cache");
  ::setenv("SLUICE_CACHE_DIR", "rel/cache", 1);
  CHECK(default_cache_dir("/srv/jobs/p.toml") == cwd / "rel" / "cache");
  CHECK(default_cache_dir("") == cwd / "rel" / "cache");
  if (saved) ::setenv("SLUICE_CACHE_DIR", restore.c_str(), 1);
  else ::unsetenv("SLUICE_CACHE_DIR");
}

TEST_CASE("WithEntry: a small object waits for its entry, a file is in place at once") {
  sluice::test::TempDir dir;
  Cache cache(dir.path());
  auto small = cache.store(Value(numbers(10)), Cache::Durability::WithEntry);
  CHECK_FALSE(small.pending_inline.empty());
  CHECK_FALSE(cache.contains(small.hash));  // committed by the caller, with the entry
  const auto large = cache.store(Value(noise(20000)), Cache::Durability::WithEntry);
  CHECK(large.pending_inline.empty());
  CHECK(object_files(cache) == 1);
  CHECK(std::filesystem::file_size(cache.objects().path_of(large.hash)) == large.size);
  CHECK(std::get<Table>(*cache.load(large.hash)).num_rows() == 20000);
}
