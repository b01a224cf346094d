#include "growth/expert_splitter.h"

#include <cmath>
#include <stdexcept>

#include "growth/optimizer_state_growth.h"

namespace moelab {

torch::Tensor relative_row_noise(const torch::Tensor& param, std::int64_t parent, double noise,
                                 const c10::optional<at::Generator>& generator) {
  if (noise <= 0.0) return {};
  auto row = param.narrow(0, parent, 1);
  const double scale = row.numel() > 1 ? row.std().item<double>() : row.abs().item<double>();
  return torch::randn(row.sizes(), generator) * (noise * (scale > 0 ? scale : 1.0));
}

std::int64_t split_expert(MoeModelImpl& model, torch::optim::Adam& optimizer,
                          std::int64_t parent, double noise,
                          c10::optional<at::Generator> generator, SplitMode mode) {
  if (parent < 0 || parent >= model.num_experts()) {
    throw std::out_of_range("split_expert: no expert " + std::to_string(parent));
  }
  torch::NoGradGuard no_grad;
  for (auto param : model.expert_parameters()) {
    // Router biases are copied exactly: the shifts below must keep the routing mass exact.
    const bool is_router_bias = param.dim() == 1;
    append_row_copy(param, parent,
                    is_router_bias ? torch::Tensor() : relative_row_noise(param, parent, noise, generator));
    grow_adam_state(optimizer, param, parent);
  }
  // The child inherits its parent's selection bias: the bias balancer's view of the parent's
  // load is the best guess for the child's.
  append_row_copy(model.selection_bias(), parent);
  const std::int64_t child = model.num_experts() - 1;
  auto& bias = model.router_bias();
  if (mode == SplitMode::Preserving) {
    bias[child].sub_(kPreservingChildOffset);
    return child;
  }
  const double log2 = std::log(2.0);
  bias[parent].sub_(log2);
  bias[child].sub_(log2);
  return child;
}

}  // namespace moelab
