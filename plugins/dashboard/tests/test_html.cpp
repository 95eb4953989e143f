#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "html.hpp"

using namespace sluice::dashboard;

TEST_CASE("escape_text neutralises markup and quotes") {
  CHECK(escape_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(escape_text("a & b \"c\" 'd'") == "a &amp; b &quot;c&quot; &#39;d&#39;");
  CHECK(escape_text("München") == "München");
  CHECK(escape_text("") == "");
}

TEST_CASE("escape_text replaces what XML forbids") {
  CHECK(escape_text(std::string("a\0b", 3)) == "a\xEF\xBF\xBD" "b");
  CHECK(escape_text("tab\tok\n") == "tab\tok\n");
  CHECK(escape_text("bad \xC3 utf8") == "bad \xEF\xBF\xBD utf8");
  CHECK(escape_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");    // overlong '/'
  CHECK(escape_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(escape_text("\xF0\x9F\x93\x88") == "\xF0\x9F\x93\x88");  // emoji stays
}

TEST_CASE("Markup escapes text and attribute values, not trusted markup") {
  Markup m;
  m.open("td", {{"title", "x\" onmouseover=\"alert(1)"}}).text("<b>").close("td");
  CHECK(m.str() == "<td title=\"x&quot; onmouseover=&quot;alert(1)\">&lt;b&gt;</td>");
  Markup e;
  e.element("span", {{"class", "a"}}, "1 < 2").empty("br", {}, false).empty("rect", {{"x", "1"}});
  CHECK(e.str() == "<span class=\"a\">1 &lt; 2</span><br><rect x=\"1\"/>");
}

TEST_CASE("Markup with a sink hands its text over in order once it reaches the threshold") {
  std::vector<std::string> pieces;
  const PageSink sink = [&](std::string_view piece) { pieces.emplace_back(piece); };
  Markup m(&sink);
  m.raw("<p>").text("a < b").raw("</p>");
  m.spill(100);  // below the threshold: kept
  CHECK(pieces.empty());
  CHECK(m.str() == "<p>a &lt; b</p>");
  m.raw(std::string(100, 'x'));
  m.spill(100);
  REQUIRE(pieces.size() == 1);
  CHECK(pieces[0] == "<p>a &lt; b</p>" + std::string(100, 'x'));
  CHECK(m.str().empty());
  m.spill(0);  // nothing left: no empty piece
  CHECK(pieces.size() == 1);
  m.raw("<br>").spill(0);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[1] == "<br>");

  Markup plain;  // without a sink the text stays
  plain.raw("<i>").spill(0);
  CHECK(plain.str() == "<i>");
}
