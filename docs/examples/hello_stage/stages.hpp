#pragma once
// The hello plugin's stages. Each stage is a descriptor (pure data: id, ports,
// params) plus a factory; plugin.cpp registers them.
#include <sluice/sdk.hpp>

namespace hello {

// hello.names: a source emitting one string column of names from its params.
sluice::StageDescriptor names_descriptor();
std::unique_ptr<sluice::Stage> make_names(const sluice::Params& params);

// hello.greet: adds a `greeting` column ("Hello, Ada!") to its input.
sluice::StageDescriptor greet_descriptor();
std::unique_ptr<sluice::Stage> make_greet(const sluice::Params& params);

// hello.write_lines: a sink writing one column to a text file, one value per line.
sluice::StageDescriptor write_lines_descriptor();
std::unique_ptr<sluice::Stage> make_write_lines(const sluice::Params& params);

}  // namespace hello
