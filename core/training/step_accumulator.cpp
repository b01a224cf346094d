#include "training/step_accumulator.h"

#include <algorithm>

namespace moelab {

namespace {

// Adds `from` into `into`, restarting `into` when the expert count changed.
void accumulate(std::vector<double>& into, const std::vector<double>& from) {
  if (into.size() != from.size()) into.assign(from.size(), 0.0);
  for (std::size_t i = 0; i < into.size(); ++i) into[i] += from[i];
}

}  // namespace

void StepAccumulator::add(const StepLosses& step, std::int64_t batch) {
  const auto& s = step.scalars;
  total += s.total;
  usage_entropy += s.usage_entropy;
  sample_entropy += s.sample_entropy;
  router_task_grad_norm += s.router_task_grad_norm;
  correct += s.correct;
  accumulate(terms, s.terms);
  accumulate(slot_share, step.slot_share);
  accumulate(router_task_grad, step.router_task_grad);
  steps += 1;
  samples += batch;
}

double StepAccumulator::count() const {
  return static_cast<double>(std::max<std::int64_t>(steps, 1));
}

std::vector<float> means_of(const std::vector<double>& sums, double count) {
  std::vector<float> means;
  for (const double v : sums) means.push_back(static_cast<float>(v / count));
  return means;
}

}  // namespace moelab
