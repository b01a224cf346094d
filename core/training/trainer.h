#pragma once
// Runs one experiment: phase 0 trains the seed model, the growth phase runs the growth policy
// after every epoch. Reports through a TrainingObserver; obeys a TrainingControl between steps.

#include <memory>

#include "config/run_config.h"
#include "data/dataset.h"
#include "growth/growth_policy.h"
#include "growth/split_release.h"
#include "training/loss_term.h"
#include "model/moe_model.h"
#include "training/fused_dense_step.h"
#include "training/run_result.h"
#include "training/training_control.h"
#include "training/training_observer.h"

namespace moelab {

class Trainer {
 public:
  // observer and control may be null; when given they must outlive run().
  Trainer(RunConfig config, DatasetSplit data, TrainingObserver* observer = nullptr,
          TrainingControl* control = nullptr);
  ~Trainer();

  RunResult run();

  // For tests and tools: the model as it stands.
  MoeModel& model() { return model_; }

 private:
  struct StepAccumulator;

  bool train_epoch(int epoch, Phase phase, EpochMetrics& metrics);
  // Sets every parameter's gradient for one batch: the fused dense step when the dispatch is
  // dense, autograd through the model's routed forward otherwise.
  StepLosses compute_gradients(const torch::Tensor& x, const torch::Tensor& y);
  StepLosses autograd_losses(const torch::Tensor& x, const torch::Tensor& y,
                             const StepSettings& settings);
  // Validation metrics of the model as it stands; returns the predicted classes.
  torch::Tensor evaluate(EpochMetrics& metrics);
  torch::Tensor predict(const Dataset& data);
  std::vector<bool> correct_on_test();
  void apply_switch_changes(int epoch, std::int64_t step);
  void grow_after_epoch(const EpochMetrics& metrics, const torch::Tensor& predictions);
  // Why the run must stop as diverged, or empty.
  std::string divergence(const StepLosses& step, int epoch) const;
  void emit_step(StepAccumulator& acc, int epoch, Phase phase);
  void finish_report();
  void set_learning_rate_for(int epoch);
  double elapsed_seconds() const;

  RunConfig config_;
  DatasetSplit data_;
  TrainingObserver* observer_;
  TrainingControl* control_;
  std::unique_ptr<TrainingControl> own_control_;
  int threads_ = 1;  // intra-op threads, within the CPUs this process may use
  FixSwitches fixes_;
  std::uint64_t fixes_version_ = 0;
  MoeModel model_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  GrowthPolicy growth_;
  SplitRelease release_;
  LossTerms terms_;
  torch::Tensor probe_;
  std::unique_ptr<FusedDenseStep> fused_step_;
  double initial_cross_entropy_ = 0.0;  // the first step's: the yardstick for divergence
  std::vector<bool> seed_test_correct_;
  at::Generator generator_;  // the run's own: shuffles, probe, split noise
  std::int64_t step_ = 0;
  RunResult result_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace moelab
