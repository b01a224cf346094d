#include "training/learning_rate_schedule.h"

#include <cmath>

namespace moelab {

double learning_rate_for(const TrainingConfig& t, double base, int epoch) {
  double lr = base;
  if (epoch > t.seed_epochs && t.growth_epochs > 1) {
    const double progress =
        static_cast<double>(epoch - t.seed_epochs - 1) / static_cast<double>(t.growth_epochs - 1);
    const double floor = t.final_lr_fraction;
    lr *= floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(progress * 3.14159265358979323846));
  }
  return lr;
}

void set_learning_rate(torch::optim::Adam& optimizer, double learning_rate) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(learning_rate);
  }
}

}  // namespace moelab
