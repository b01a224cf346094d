#include "growth/optimizer_state_growth.h"

namespace moelab {

namespace {

void append_row_in_place(const torch::Tensor& tensor, std::int64_t source_row,
                         const torch::Tensor& noise) {
  auto row = tensor.narrow(0, source_row, 1).clone();
  if (noise.defined()) row.add_(noise.reshape(row.sizes()));
  // set_data keeps the TensorImpl (and so the optimiser's key and autograd identity).
  tensor.set_data(torch::cat({tensor.detach(), row}, 0));
}

void remove_row_in_place(const torch::Tensor& tensor, std::int64_t row) {
  const auto rows = tensor.size(0);
  tensor.set_data(torch::cat({tensor.detach().narrow(0, 0, row),
                              tensor.detach().narrow(0, row + 1, rows - row - 1)},
                             0));
}

// Every defined, non-empty Adam moment of `param` (none before its first step).
std::vector<torch::Tensor> adam_moments(torch::optim::Adam& optimizer, const torch::Tensor& param) {
  auto& states = optimizer.state();
  auto found = states.find(c10::guts::to_string(param.unsafeGetTensorImpl()));
  if (found == states.end()) return {};
  auto& state = static_cast<torch::optim::AdamParamState&>(*found->second);
  std::vector<torch::Tensor> moments;
  for (torch::Tensor moment : {state.exp_avg(), state.exp_avg_sq(), state.max_exp_avg_sq()}) {
    if (moment.defined() && moment.numel() > 0) moments.push_back(moment);
  }
  return moments;
}

}  // namespace

void remove_row(torch::Tensor& param, std::int64_t row) {
  torch::NoGradGuard no_grad;
  remove_row_in_place(param, row);
  if (param.grad().defined()) param.mutable_grad() = torch::Tensor();
}

void remove_adam_row(torch::optim::Adam& optimizer, const torch::Tensor& param, std::int64_t row) {
  torch::NoGradGuard no_grad;
  for (const auto& moment : adam_moments(optimizer, param)) remove_row_in_place(moment, row);
}

void copy_adam_row(torch::optim::Adam& optimizer, const torch::Tensor& param,
                   std::int64_t source_row, std::int64_t target_row) {
  torch::NoGradGuard no_grad;
  for (auto moment : adam_moments(optimizer, param)) {
    moment.narrow(0, target_row, 1).copy_(moment.narrow(0, source_row, 1));
  }
}

void append_row_copy(torch::Tensor& param, std::int64_t source_row, const torch::Tensor& noise) {
  torch::NoGradGuard no_grad;
  append_row_in_place(param, source_row, noise);
  if (param.grad().defined()) param.mutable_grad() = torch::Tensor();
}

void grow_adam_state(torch::optim::Adam& optimizer, const torch::Tensor& param,
                     std::int64_t source_row) {
  torch::NoGradGuard no_grad;
  auto& states = optimizer.state();
  auto found = states.find(c10::guts::to_string(param.unsafeGetTensorImpl()));
  if (found == states.end()) return;
  auto& state = static_cast<torch::optim::AdamParamState&>(*found->second);
  for (torch::Tensor moment : {state.exp_avg(), state.exp_avg_sq(), state.max_exp_avg_sq()}) {
    if (moment.defined() && moment.numel() > 0) append_row_in_place(moment, source_row, {});
  }
}

}  // namespace moelab
