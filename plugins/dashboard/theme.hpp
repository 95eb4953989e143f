#pragma once
// One palette for every chart, chosen to stay distinguishable in greyscale
// print (dark actuals, mid-blue forecast, light band) and for common colour
// vision deficiencies (blue vs orange for model vs baseline).
namespace sluice::dashboard::theme {

inline constexpr const char* kActual = "#334155";       // slate: observed data
inline constexpr const char* kActualDaily = "#94a3b8";  // light slate: daily noise under the average
inline constexpr const char* kForecast = "#2563eb";     // blue: model output
inline constexpr const char* kBand = "#2563eb";         // the forecast band, drawn translucent
inline constexpr double kBandOpacity = 0.2;
inline constexpr const char* kBaseline = "#ea580c";     // orange: seasonal-naive baseline
inline constexpr const char* kMarker = "#64748b";       // "today" line
inline constexpr const char* kGrid = "#e2e8f0";
inline constexpr const char* kAxisText = "#64748b";
inline constexpr const char* kText = "#0f172a";
inline constexpr const char* kFontStack = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

}  // namespace sluice::dashboard::theme
