#pragma once
// Assembles the self-contained page: inline CSS (screen and print), the
// sections, and a small script for tooltips and the store selector.
#include <string>

#include "page_data.hpp"

namespace sluice::dashboard {

std::string render_page(const PageData& data);

}  // namespace sluice::dashboard
