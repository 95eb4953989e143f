#include "gram_blocks.hpp"

#include <algorithm>

namespace sluice::prophet {

void add_gram_by_blocks(Eigen::Ref<Eigen::MatrixXd> xtx, const Eigen::Ref<const Eigen::MatrixXd>& X,
                        Eigen::Index rows_per_block, const CancelCheck& cancelled,
                        const std::function<void()>& after_block) {
  const Eigen::Index step = std::max<Eigen::Index>(rows_per_block, 1);
  for (Eigen::Index first = 0; first < X.rows(); first += step) {
    throw_if_cancelled(cancelled);
    const Eigen::Index n = std::min(step, X.rows() - first);
    xtx.selfadjointView<Eigen::Lower>().rankUpdate(X.middleRows(first, n).transpose());
    if (after_block) after_block();
  }
}

Eigen::Index gram_rows_per_block(Eigen::Index K) {
  const Eigen::Index columns = std::max<Eigen::Index>(K, 1);
  return std::max<Eigen::Index>(1, (Eigen::Index{1} << 26) / (columns * columns));
}

}  // namespace sluice::prophet
