// Whole-file reads for the cache and isolated stages, sized from fstat and read with read(2):
// objects can be gigabytes, where a stream iterator would copy them a character at a time.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace sluice::engine {

// The file's bytes, or nullopt if it cannot be opened (missing, a directory, no permission).
// A read error after opening throws std::system_error naming the file.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

}  // namespace sluice::engine
