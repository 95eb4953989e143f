#include "stages.hpp"

namespace {
void register_examples(sluice::Registrar& r) {
  using namespace sluice::examples;
  r.add(range_descriptor(), make_range);
  r.add(square_descriptor(), make_square);
  r.add(pi_leibniz_descriptor(), make_pi_leibniz);
}
}  // namespace

SLUICE_PLUGIN(register_examples)
