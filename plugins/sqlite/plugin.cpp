#include "stages.hpp"

namespace {
void register_sqlite_stages(sluice::Registrar& r) {
  r.add(sluice::sqlite::extract_descriptor(), sluice::sqlite::make_extract);
  r.add(sluice::sqlite::load_descriptor(), sluice::sqlite::load_factory());
}
}  // namespace

SLUICE_PLUGIN(register_sqlite_stages)
