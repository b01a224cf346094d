#pragma once
// What a run reports while it trains. Plain value types: the GUI copies them across threads.

#include <cstdint>
#include <string>
#include <vector>

namespace moelab {

enum class Phase { Seed, Growth };

// Averages over the steps since the previous report (TrainingConfig::log_interval).
struct StepMetrics {
  std::int64_t step = 0;     // global optimiser step, 1-based
  int epoch = 0;             // global epoch, 1-based, the epoch this step belongs to
  Phase phase = Phase::Seed;
  double wall_seconds = 0;   // since the run started
  double loss_total = 0;
  double loss_cross_entropy = 0;
  double loss_entropy = 0;   // weighted entropy term as added to the loss (<= 0)
  double loss_diversity = 0; // weighted diversity term as added to the loss
  double usage_entropy = 0;  // normalised entropy of the batch's mean routing distribution
  double sample_entropy = 0; // mean normalised per-sample routing entropy
  double train_accuracy = 0;
  std::vector<float> usage;  // share of top-k slots each expert took (sums to 1)
};

struct EpochMetrics {
  int epoch = 0;             // global, 1-based
  Phase phase = Phase::Seed;
  std::int64_t step = 0;     // global step at the end of the epoch
  double wall_seconds = 0;
  double loss_total = 0;
  double loss_cross_entropy = 0;
  double loss_entropy = 0;
  double loss_diversity = 0;
  double train_accuracy = 0;
  double val_accuracy = 0;
  double usage_entropy = 0;  // on validation data
  double sample_entropy = 0; // on validation data
  double expert_similarity = 0;  // mean pairwise cosine of expert outputs on projected validation data
  int experts = 0;
  std::vector<float> utilization;  // share of validation samples routing to each expert in top-k
  std::vector<int> dormant;        // experts under the dormant threshold
  std::vector<std::vector<float>> routing_matrix;  // [class][expert]: share of a class routed there
  double samples_per_second = 0;   // training samples this epoch / its training time
};

struct SplitEvent {
  int epoch = 0;
  std::int64_t step = 0;
  int parent = 0;
  int child = 0;
};

// A fix switched while the run was going; recorded at the step where it took effect.
struct SwitchEvent {
  int epoch = 0;
  std::int64_t step = 0;
  std::string name;   // "projection_fix", "cooldown", "entropy_loss", ...
  std::string from;
  std::string to;
};

}  // namespace moelab
