#pragma once
// X'X summed a block of rows at a time: the one loop behind both the fit's own X'X (few, large blocks,
// so that a model of thousands of columns can still be cancelled) and the backtest's prefix sums (a
// block per PrefixGram::kStep dates, each partial sum kept).
#include <Eigen/Dense>
#include <functional>

#include "cancel.hpp"

namespace sluice::prophet {

// Adds X'X to the lower triangle of `xtx`, `rows_per_block` rows of X at a time (the last block may be
// shorter). Asks `cancelled` before each block (throws Cancelled) and, when given, calls `after_block`
// after each, when `xtx` holds the running sum. The callback reads the caller's own matrix rather
// than this Ref: copying a matrix through a Ref of runtime stride took the backtest's prefix sums 13 %
// longer.
void add_gram_by_blocks(Eigen::Ref<Eigen::MatrixXd> xtx, const Eigen::Ref<const Eigen::MatrixXd>& X,
                        Eigen::Index rows_per_block, const CancelCheck& cancelled,
                        const std::function<void()>& after_block = {});

// Rows per block for a fit's own X'X of K columns: about 2^26 multiply-adds each, which is one block for
// the usual few dozen columns, while a debug build summing thousands of columns still asks every moment.
Eigen::Index gram_rows_per_block(Eigen::Index K);

}  // namespace sluice::prophet
