#include "growth/expert_pruner.h"

#include <stdexcept>
#include <string>

#include "growth/optimizer_state_growth.h"

namespace moelab {

void prune_expert(MoeModelImpl& model, torch::optim::Adam& optimizer, std::int64_t expert) {
  if (expert < 0 || expert >= model.num_experts()) {
    throw std::out_of_range("prune_expert: no expert " + std::to_string(expert));
  }
  if (model.num_experts() == 1) {
    throw std::invalid_argument("prune_expert: the model's only expert cannot be removed");
  }
  torch::NoGradGuard no_grad;
  for (auto param : model.expert_parameters()) {
    remove_adam_row(optimizer, param, expert);
    remove_row(param, expert);
  }
  remove_row(model.selection_bias(), expert);
}

}  // namespace moelab
