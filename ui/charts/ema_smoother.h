#pragma once
// TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's moments, so
// the first points are not dragged towards zero.

namespace moelab::ui {

class EmaSmoother {
 public:
  explicit EmaSmoother(double weight = 0.0) { set_weight(weight); }

  // Resets the state; weight is clamped to [0, 0.999].
  void set_weight(double weight);
  double weight() const { return weight_; }
  void reset();

  // Returns the smoothed value after y. A non-finite y is returned unchanged and leaves the state
  // alone, as TensorBoard does, so one NaN does not poison the rest of the curve.
  double push(double y);

 private:
  double weight_ = 0.0;
  double last_ = 0.0;
  double debias_power_ = 1.0;  // weight^(number of values pushed)
};

}  // namespace moelab::ui
