#include "stages.hpp"

namespace {
void register_sql(sluice::Registrar& r) { r.add(sluice::sql::sql_descriptor(), sluice::sql::make_sql); }
}  // namespace

SLUICE_PLUGIN(register_sql)
