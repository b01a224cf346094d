#include "training/model_factory.h"

#include <mutex>

namespace moelab {

MoeModel make_initial_model(std::int64_t input_dim, std::int64_t num_classes,
                            const ModelConfig& model, std::uint64_t seed) {
  static std::mutex init_mutex;
  std::lock_guard lock(init_mutex);
  torch::manual_seed(seed);
  return MoeModel(input_dim, num_classes, model);
}

}  // namespace moelab
