#pragma once
// sluice.sql: SQL over the input tables, via an in-memory SQLite database.
#include <sluice/sdk.hpp>

namespace sluice::sql {

StageDescriptor sql_descriptor();
std::unique_ptr<Stage> make_sql(const Params& params);

}  // namespace sluice::sql
