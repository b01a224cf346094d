#include "growth/expert_reviver.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "growth/expert_splitter.h"
#include "growth/optimizer_state_growth.h"

namespace moelab {

void revive_expert(MoeModelImpl& model, torch::optim::Adam& optimizer, std::int64_t target,
                   std::int64_t source, double noise, c10::optional<at::Generator> generator) {
  for (const auto e : {target, source}) {
    if (e < 0 || e >= model.num_experts()) {
      throw std::out_of_range("revive_expert: no expert " + std::to_string(e));
    }
  }
  if (target == source) {
    throw std::invalid_argument("revive_expert: an expert cannot be revived from itself");
  }
  torch::NoGradGuard no_grad;
  for (auto param : model.expert_parameters()) {
    auto row = param.narrow(0, source, 1).clone();
    // Router biases are copied exactly: the shift below must keep the routing mass exact.
    if (param.dim() > 1 && noise > 0) {
      row.add_(relative_row_noise(param, source, noise, generator).reshape(row.sizes()));
    }
    param.narrow(0, target, 1).copy_(row);
    copy_adam_row(optimizer, param, source, target);
  }
  auto& selection = model.selection_bias();
  selection[target].copy_(selection[source]);
  auto& bias = model.router_bias();
  const double log2 = std::log(2.0);
  bias[source].sub_(log2);
  bias[target].sub_(log2);
}

}  // namespace moelab
