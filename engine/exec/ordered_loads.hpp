#pragma once
// Loads items in parallel and hands them on in order: load(i) runs for i = 0 .. count - 1 on the
// task arena's threads, a few items per thread at a time, and consume() receives the loaded values
// one at a time in index order (load returns a value; a null one is not consumed). Memory is bounded by the items in flight, not by `count`.
//
// Small items are loaded one after another on the calling thread instead. The first item is always
// loaded there; when it takes fewer than kSerialLoadBytes in memory, the others are taken to be as
// small, and such an item costs less to load than to hand between threads (1,000 one-row partitions
// of a foreach node were joined in 10-15 ms this way, in 21-26 ms through the pipeline, whose loads
// mostly waited for the cache index's lock).
//
// The first exception, thrown by load or by consume, is rethrown once every item in flight has
// finished (an exception that leaves a oneTBB pipeline filter drops the items in flight without
// destroying them). No item is started after it, and consume sees no later item.
//
// Isolated: a thread waiting here takes none of its caller's other tasks, since a caller may hold a
// lock or a once_flag (a foreach node loading its broadcast inputs) that such a task would wait for.
#include <cstddef>
#include <cstdint>
#include <functional>

#include <sluice/value.hpp>

namespace sluice::engine {

inline constexpr std::uint64_t kSerialLoadBytes = 16 * 1024;

void load_in_order(std::size_t count, const std::function<ValuePtr(std::size_t)>& load,
                   const std::function<void(const Value&)>& consume);

}  // namespace sluice::engine
