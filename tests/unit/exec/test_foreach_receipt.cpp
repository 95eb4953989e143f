#include <doctest/doctest.h>

#include "exec/foreach_receipt.hpp"

using namespace sluice::engine;

TEST_CASE("a foreach node's receipt keeps its partition count and what an empty filter could have selected") {
  SUBCASE("a count alone") {
    CHECK(encode_foreach_receipt({50, std::nullopt}) == "50");
    const auto r = decode_foreach_receipt("50");
    CHECK(r.partitions == 50);
    CHECK_FALSE(r.unmatched.has_value());
  }
  SUBCASE("an empty selection, with keys that need quoting, round-trips") {
    const UnmatchedFilter m{3, R"(city=a "b"\, c)", "city=z\nq"};
    const std::string text = encode_foreach_receipt({0, m});
    CHECK(text.rfind("0 {", 0) == 0);
    const auto r = decode_foreach_receipt(text);
    CHECK(r.partitions == 0);
    REQUIRE(r.unmatched.has_value());
    CHECK(r.unmatched->candidates == 3);
    CHECK(r.unmatched->first == m.first);
    CHECK(r.unmatched->last == m.last);
  }
  SUBCASE("empty, damaged or foreign text reads as no partitions") {
    for (const char* text : {"", "x", "-1", "0 {not json", "0 []", "0 {\"candidates\":0}", "0 {\"candidates\":\"x\"}",
                             "0 {\"candidates\":-2}", "0 {\"candidates\":2,\"first\":3}"}) {
      CAPTURE(text);
      const auto r = decode_foreach_receipt(text);
      CHECK(r.partitions == 0);
      CHECK_FALSE(r.unmatched.has_value());
    }
  }
}

TEST_CASE("the warning for a filter that matches nothing names the node's keys") {
  CHECK(unmatched_filter_warning("squares", "key=999", {50, "key=1", "key=50"}) ==
        "[squares] the partition filter (key=999) matches none of its 50 partitions; they run from key=1 to key=50");
  CHECK(unmatched_filter_warning("squares", "key=9", {1, "key=7", "key=7"}) ==
        "[squares] the partition filter (key=9) matches none of its 1 partition; its one partition is key=7");
}
