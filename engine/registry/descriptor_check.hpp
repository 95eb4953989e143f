#pragma once
// Descriptors that contradict themselves: a default that its own parameter would refuse, bounds
// that admit no value or sit on a type that holds no numbers, choices on a type that holds no
// strings, a required parameter with a default, two parameters or ports of one name, a
// one_of_inputs group that no optional input port can satisfy. Such a stage cannot be used as
// declared (its default slips past the checks a pipeline's value gets, a port binds ambiguously),
// so the registry refuses the plugin instead.
#include <string>
#include <vector>

#include <sluice/stage.hpp>

namespace sluice::engine {

// One sentence per contradiction, saying what is wrong and how to fix it; empty when none.
std::vector<std::string> descriptor_contradictions(const StageDescriptor& descriptor);

}  // namespace sluice::engine
