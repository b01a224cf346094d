#include "charts/ema_smoother.h"

#include <algorithm>
#include <cmath>

namespace moelab::ui {

void EmaSmoother::set_weight(double weight) {
  weight_ = std::isfinite(weight) ? std::clamp(weight, 0.0, 0.999) : 0.0;
  reset();
}

void EmaSmoother::reset() {
  last_ = 0.0;
  debias_power_ = 1.0;
}

double EmaSmoother::push(double y) {
  if (!std::isfinite(y)) return y;
  last_ = last_ * weight_ + (1.0 - weight_) * y;
  debias_power_ *= weight_;
  const double debias = 1.0 - debias_power_;
  return debias > 0.0 ? last_ / debias : y;
}

}  // namespace moelab::ui
