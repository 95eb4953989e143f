#include "stages.hpp"

namespace {
void register_daily_series(sluice::Registrar& r) {
  r.add(sluice::daily::daily_series_descriptor(), sluice::daily::make_daily_series);
}
}  // namespace

SLUICE_PLUGIN(register_daily_series)
