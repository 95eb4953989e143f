#pragma once
// Symbol visibility for everything that crosses the plugin boundary.
// Rationale: plugins may build with -fvisibility=hidden; SDK types must stay
// visible so that exceptions, RTTI and vtables match between engine and plugin.
#if defined(_WIN32)
#define SLUICE_EXPORT __declspec(dllexport)
#else
#define SLUICE_EXPORT __attribute__((visibility("default")))
#endif
#define SLUICE_API SLUICE_EXPORT
