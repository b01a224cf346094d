#include "training/adam_update.h"

#include <cmath>
#include <stdexcept>

namespace moelab {

namespace {

torch::optim::AdamParamState& state_of(torch::optim::Adam& optimizer, const torch::Tensor& param) {
  auto& states = optimizer.state();
  const auto key = c10::guts::to_string(param.unsafeGetTensorImpl());
  auto found = states.find(key);
  if (found == states.end()) {
    auto state = std::make_unique<torch::optim::AdamParamState>();
    state->step(0);
    state->exp_avg(torch::zeros_like(param, torch::MemoryFormat::Contiguous));
    state->exp_avg_sq(torch::zeros_like(param, torch::MemoryFormat::Contiguous));
    found = states.emplace(key, std::move(state)).first;
  }
  return static_cast<torch::optim::AdamParamState&>(*found->second);
}

void require_float(const torch::Tensor& t) {
  if (t.scalar_type() != torch::kFloat || !t.is_contiguous()) {
    throw std::invalid_argument("adam_update: parameters and state must be contiguous float32");
  }
}

}  // namespace

void adam_update(torch::optim::Adam& optimizer) {
  torch::NoGradGuard no_grad;
  for (auto& group : optimizer.param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
    if (options.amsgrad()) throw std::invalid_argument("adam_update: amsgrad is not supported");
    const auto beta1 = static_cast<float>(std::get<0>(options.betas()));
    const auto beta2 = static_cast<float>(std::get<1>(options.betas()));
    const auto eps = static_cast<float>(options.eps());
    const auto weight_decay = static_cast<float>(options.weight_decay());
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto& state = state_of(optimizer, param);
      state.step(state.step() + 1);
      const auto step = static_cast<double>(state.step());
      const double correction1 = 1.0 - std::pow(std::get<0>(options.betas()), step);
      const double correction2 = 1.0 - std::pow(std::get<1>(options.betas()), step);
      const auto step_size = static_cast<float>(options.lr() / correction1);
      const auto correction2_sqrt = static_cast<float>(std::sqrt(correction2));

      const auto grad = param.grad().contiguous();
      for (const torch::Tensor& t : {param, grad, state.exp_avg(), state.exp_avg_sq()}) {
        require_float(t);
      }
      float* p = param.data_ptr<float>();
      const float* g = grad.data_ptr<float>();
      float* m = state.exp_avg().data_ptr<float>();
      float* v = state.exp_avg_sq().data_ptr<float>();
      const std::int64_t n = param.numel();
      for (std::int64_t i = 0; i < n; ++i) {
        const float gi = weight_decay != 0.0f ? g[i] + weight_decay * p[i] : g[i];
        m[i] = m[i] * beta1 + gi * (1.0f - beta1);
        v[i] = v[i] * beta2 + gi * gi * (1.0f - beta2);
        p[i] -= step_size * m[i] / (std::sqrt(v[i]) / correction2_sqrt + eps);
      }
    }
  }
}

}  // namespace moelab
