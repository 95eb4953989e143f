#pragma once
// SDK version. The major number changes on any ABI break; plugins built against
// another major (or a newer minor) are refused before any of their code runs.
#define SLUICE_SDK_VERSION_MAJOR 1
#define SLUICE_SDK_VERSION_MINOR 0
#define SLUICE_SDK_VERSION_STRING "1.0"
