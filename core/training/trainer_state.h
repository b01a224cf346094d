#pragma once
// Everything a run needs to continue exactly where it was: the model's parameters by name (the
// names do not change when a split grows a tensor), Adam's moments, the growth policy's memory,
// the children still being released, the run's random generator, the switches, the schedule's
// progress, the histories the report is computed from, and, when the run stopped inside an epoch,
// that epoch's sample order and running sums. The trainer takes it (Trainer::state) and resumes
// from it (Trainer::resume_from); io/checkpoint_file.h writes it to disk.
//
// The run draws every random number from its own generator (shuffles, probe, split noise, tie
// breaks). The process-wide LibTorch generator only initialises the model, under a lock, before
// the first step; the data split uses its own engines seeded from the run's seed. So the run's
// generator is the only random state to carry.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "growth/growth_policy.h"
#include "growth/split_release.h"
#include "training/run_result.h"
#include "training/step_accumulator.h"

namespace moelab {

struct AdamMoments {
  std::int64_t step = 0;
  torch::Tensor exp_avg;
  torch::Tensor exp_avg_sq;
};

// An epoch begun but not finished: where the run stopped inside it.
struct EpochInProgress {
  int epoch = 0;
  std::int64_t position = 0;  // samples of `order` already trained
  torch::Tensor order;        // the epoch's shuffled sample order
  StepAccumulator step_window;  // since the last step report
  StepAccumulator epoch_sums;
  double train_seconds = 0;
};

struct TrainerState {
  int completed_epochs = 0;
  std::int64_t step = 0;
  std::vector<std::pair<std::string, torch::Tensor>> parameters;  // named_parameters() order
  std::vector<std::pair<std::string, AdamMoments>> adam;  // parameters with state only
  torch::Tensor selection_bias;     // [E], the bias balancer's (not a parameter: no gradient)
  torch::Tensor generator_state;
  torch::Tensor probe;
  GrowthPolicy::State growth;
  std::vector<SplitRelease::Release> releases;
  FixSwitches fixes;
  double base_learning_rate = 0;    // training.learning_rate, or a schedule entry's
  std::size_t schedule_applied = 0; // entries of the run's schedule (in time order) applied
  double initial_cross_entropy = 0;
  std::vector<bool> seed_test_correct;
  double elapsed_seconds = 0;       // wall time trained before this state was taken
  RunResult history;                // epochs, splits, switches, accuracies so far
  std::optional<EpochInProgress> in_progress;
};

}  // namespace moelab
