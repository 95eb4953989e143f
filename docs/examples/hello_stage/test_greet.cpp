// hello.greet tested in-process: no engine, no plugin loading.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <sluice/testing.hpp>

#include "stages.hpp"

using sluice::testing::run_stage;

namespace {
sluice::Table names(std::initializer_list<const char*> values) {
  sluice::Table t;
  sluice::Column& c = t.add_column("name", sluice::ColumnType::String);
  for (const char* v : values) v ? c.push_string(v) : c.push_null();
  return t;
}
}  // namespace

TEST_CASE("hello.greet greets every name and keeps nulls") {
  sluice::testing::TestContext ctx;
  auto out = run_stage(hello::greet_descriptor(), hello::make_greet, {{"greeting", "Hi"}},
                       {{"in", names({"Ada", nullptr})}}, ctx);
  const auto& greeting = std::get<sluice::Table>(out.values().at("out")).column("greeting");
  CHECK(greeting.string_at(0) == "Hi, Ada!");
  CHECK(greeting.is_null(1));
  CHECK(ctx.messages == std::vector<std::string>{"greeted 2 rows"});
}

TEST_CASE("hello.greet shouts on request and rejects an unknown style") {
  sluice::testing::TestContext ctx;
  auto out = run_stage(hello::greet_descriptor(), hello::make_greet, {{"style", "shout"}}, {{"in", names({"Ada"})}}, ctx);
  CHECK(std::get<sluice::Table>(out.values().at("out")).column("greeting").string_at(0) == "HELLO, ADA!");
  CHECK_THROWS_WITH_AS(run_stage(hello::greet_descriptor(), hello::make_greet, {{"style", "whisper"}}, {}, ctx),
                       "parameter 'style': value \"whisper\" is not one of: plain, shout", sluice::ParamError);
}

TEST_CASE("hello.greet names a missing column") {
  sluice::testing::TestContext ctx;
  CHECK_THROWS_WITH_AS(run_stage(hello::greet_descriptor(), hello::make_greet, {{"column", "who"}},
                                 {{"in", names({"Ada"})}}, ctx),
                       "missing column 'who'; the input has: name", sluice::MissingColumn);
}
