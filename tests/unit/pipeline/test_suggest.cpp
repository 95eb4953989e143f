#include <doctest/doctest.h>

#include "common/suggest.hpp"

using sluice::engine::closest_match;
using sluice::engine::did_you_mean;

TEST_CASE("suggestions: typos by edit distance, shortened words by their start, nothing for strangers") {
  const std::vector<std::string> keys{"plugin", "inputs", "params", "foreach", "retries", "timeout", "isolation"};
  CHECK(closest_match("parmas", keys) == "params");
  CHECK(closest_match("input", keys) == "inputs");
  CHECK(closest_match("retry", keys) == "retries");
  CHECK(closest_match("isolate", keys) == "isolation");
  CHECK(closest_match("xyz", keys).empty());
  CHECK(closest_match("time", keys) == "timeout");
  CHECK(closest_match("pl", keys).empty());  // too short to guess from
  CHECK(did_you_mean("retry", keys) == " (did you mean 'retries'?)");
  CHECK(did_you_mean("schedule", keys).empty());
}
