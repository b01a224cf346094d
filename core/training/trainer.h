#pragma once
// Runs one experiment: phase 0 trains the seed model, the growth phase runs the growth policy
// after every epoch. Reports through a TrainingObserver; obeys a TrainingControl between steps;
// keeps its files through a RunJournal; follows the config's schedule. Can continue from a
// TrainerState (a checkpoint) exactly where that state was taken.

#include <chrono>
#include <memory>
#include <optional>

#include "config/run_config.h"
#include "data/dataset.h"
#include "growth/growth_policy.h"
#include "growth/split_release.h"
#include "model/moe_model.h"
#include "training/evaluator.h"
#include "training/gradient_step.h"
#include "training/loss_term.h"
#include "training/run_journal.h"
#include "training/run_result.h"
#include "training/trainer_state.h"
#include "training/training_control.h"
#include "training/training_observer.h"

namespace moelab {

class Trainer {
 public:
  // observer and control may be null; when given they must outlive run().
  Trainer(RunConfig config, DatasetSplit data, TrainingObserver* observer = nullptr,
          TrainingControl* control = nullptr);
  ~Trainer();

  // Before run(): continue from `state` instead of starting afresh. The state must come from a
  // run of the same data, model and seed (io/checkpoint_file.h checks that).
  void resume_from(TrainerState state);
  // Before run(): keep the run's files as it goes. Must outlive run().
  void set_journal(RunJournal* journal) { journal_ = journal; }

  RunResult run();

  // The run's state between two steps (during run(): from the observer's or journal's calls).
  TrainerState state() const;

  // For tests and tools: the model as it stands.
  MoeModel& model() { return model_; }

 private:
  void start_fresh();
  void restore(TrainerState state);
  bool train_epoch(int epoch, Phase phase, EpochMetrics& metrics);
  void begin_epoch(int epoch);
  void apply_switch_changes(int epoch, std::int64_t step);
  void apply_schedule_entry(const ScheduleEntry& entry, int epoch, std::int64_t step);
  void record_switch(SwitchEvent event, int epoch, std::int64_t step);
  void switch_to(const FixSwitches& next, int epoch, std::int64_t step);
  // The growth policy's decision after a growth epoch (the field, if any, advances), and the
  // field's state copied into the epoch's metrics before anyone sees them.
  GrowthDecision decide_growth(EpochMetrics& metrics);
  void describe_field(EpochMetrics& metrics) const;
  void grow_after_epoch(const EpochMetrics& metrics, const torch::Tensor& predictions,
                        const GrowthDecision& decision);
  // --prune-dormant / --revive-dormant: one dormant expert removed or re-initialised.
  void tend_dormant_after_epoch(const EpochMetrics& metrics);
  void journal_epoch(const EpochMetrics& metrics, bool last);
  // Why the run must stop as diverged, or empty.
  std::string divergence(const StepLosses& step, int epoch) const;
  std::string epoch_divergence(const EpochMetrics& metrics) const;
  void emit_step(StepAccumulator& acc, int epoch, Phase phase);
  void finish_report();
  void check_schedule_steps() const;
  std::int64_t steps_per_epoch() const;
  double elapsed_seconds() const;

  RunConfig config_;
  DatasetSplit data_;
  TrainingObserver* observer_;
  TrainingControl* control_;
  std::unique_ptr<TrainingControl> own_control_;
  RunJournal* journal_ = nullptr;
  std::optional<TrainerState> resume_;
  Evaluator evaluator_;
  int threads_ = 1;  // intra-op threads, within the CPUs this process may use
  FixSwitches fixes_;
  std::uint64_t fixes_version_ = 0;
  Schedule planned_;                // config_.schedule in time order
  std::size_t planned_next_ = 0;    // the first entry not applied yet
  double base_learning_rate_ = 0;
  MoeModel model_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::unique_ptr<GrowthPolicy> growth_;
  SplitRelease release_;
  LossTerms terms_;
  std::unique_ptr<GradientStep> gradient_step_;
  double initial_cross_entropy_ = 0.0;  // the first step's: the yardstick for divergence
  std::vector<bool> seed_test_correct_;
  at::Generator generator_;  // the run's own: shuffles, probe, split noise, tie breaks
  std::int64_t step_ = 0;
  int completed_epochs_ = 0;
  std::optional<EpochInProgress> in_progress_;
  RunResult result_;
  std::chrono::steady_clock::time_point started_;
  double elapsed_before_ = 0;  // trained before a resume
};

}  // namespace moelab
