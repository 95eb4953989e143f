// Documentation that is generated from the code must stay in sync with it.
#include "cli_fixture.hpp"

using namespace sluice::test;

TEST_CASE("docs/stages.md is what `sluice plugins --markdown` prints") {
  const auto r = sluice::test::sluice("plugins --markdown");
  REQUIRE(r.exit_code == 0);
  const std::string committed = slurp(std::filesystem::path(SLUICE_SOURCE_DIR) / "docs" / "stages.md");
  CHECK_MESSAGE(r.out == committed, "regenerate it: build/bin/sluice plugins --markdown > docs/stages.md");
}

TEST_CASE("every bundled pipeline validates") {
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(SLUICE_SOURCE_DIR) / "pipelines")) {
    if (entry.path().extension() != ".toml") continue;
    CAPTURE(entry.path());
    const auto r = sluice::test::sluice("validate " + shell_quote(entry.path().string()));
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
}
