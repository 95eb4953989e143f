#include "stages.hpp"

namespace {
void register_csv(sluice::Registrar& r) {
  r.add(sluice::csv::csv_read_descriptor(), sluice::csv::make_csv_read);
  r.add(sluice::csv::csv_write_descriptor(), sluice::csv::make_csv_write);
}
}  // namespace

SLUICE_PLUGIN(register_csv)
