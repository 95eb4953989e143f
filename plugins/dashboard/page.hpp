#pragma once
// Assembles the self-contained page: inline CSS (screen and print), the
// sections, and a small script for tooltips and the store selector.
#include "html.hpp"
#include "page_data.hpp"

namespace sluice::dashboard {

// Hands the page to `sink` in pieces of a few hundred KiB (the stores section of a thousand cards is
// never held whole).
void render_page(const PageData& data, const PageSink& sink);

}  // namespace sluice::dashboard
