// The plugin's one export: SLUICE_PLUGIN defines the ABI stamp and the
// registration entry the engine looks for.
#include "stages.hpp"

namespace {
void register_stages(sluice::Registrar& r) {
  r.add(hello::names_descriptor(), hello::make_names);
  r.add(hello::greet_descriptor(), hello::make_greet);
  r.add(hello::write_lines_descriptor(), hello::make_write_lines);
}
}  // namespace

SLUICE_PLUGIN(register_stages)
