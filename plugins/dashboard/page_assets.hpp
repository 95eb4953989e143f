#pragma once
// The page's inline stylesheet and script. Kept apart from the C++ that
// builds markup so each can be read (and reviewed) on its own.
namespace sluice::dashboard {

extern const char* const kPageCss;
// Reads data only through textContent/attributes and writes only textContent,
// so nothing from the data is ever parsed as HTML.
extern const char* const kPageScript;

}  // namespace sluice::dashboard
