// Whole-file and streamed reads for the cache and isolated stages, with read(2): objects can be
// gigabytes, where a stream iterator would copy them a character at a time.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::engine {

// The file's bytes, or nullopt if it cannot be opened (missing, a directory, no permission).
// A read error after opening throws std::system_error naming the file.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

// The file's bytes in pieces of at most 64 KiB, read into one reused buffer; false (and no call)
// if it cannot be opened, as above. For hashing large files without holding them in memory.
bool stream_file(const std::filesystem::path& file, const std::function<void(std::string_view)>& sink);

}  // namespace sluice::engine
