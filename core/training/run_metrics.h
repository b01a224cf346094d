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
  // Each loss term as added to the total (weighted), in loss_terms() order (loss_term.h).
  std::vector<double> loss_terms;
  double usage_entropy = 0;  // normalised entropy of the slot share
  double sample_entropy = 0; // mean normalised per-sample routing entropy
  double train_accuracy = 0;
  std::vector<float> slot_share;  // share of top-k slots each expert took (sums to 1)
};

struct EpochMetrics {
  int epoch = 0;             // global, 1-based
  Phase phase = Phase::Seed;
  std::int64_t step = 0;     // global step at the end of the epoch
  double wall_seconds = 0;
  double loss_total = 0;
  std::vector<double> loss_terms;  // as in StepMetrics, epoch means
  double train_accuracy = 0;
  double val_accuracy = 0;
  double usage_entropy = 0;  // normalised entropy of the slot share on validation data
  double sample_entropy = 0; // on validation data
  // exp(entropy of the slot share): how many experts the routing really uses, comparable across
  // expert counts (normalised entropy is not: 12 experts at 0.42 use as many as 4 at 0.72).
  double effective_experts = 0;
  double load_violation = 0;  // max utilisation / mean utilisation - 1 (0 = even)
  double expert_similarity = 0;  // mean pairwise cosine of expert outputs on projected validation data
  // Norm of the cross-entropy's gradient on the router weights, mean over the epoch's steps; and
  // per expert, the norm of its router row's part: 0 for an expert the task no longer reaches.
  double router_task_grad_norm = 0;
  std::vector<float> router_task_grad;
  int experts = 0;
  // Utilisation: the share of validation samples that route to each expert in their top-k
  // (sums to k). The slot share is utilisation / k.
  std::vector<float> utilization;
  std::vector<int> dormant;        // experts under the dormant threshold
  std::vector<std::vector<float>> routing_matrix;  // [class][expert]: share of a class routed there
  double samples_per_second = 0;   // training samples this epoch / its training time
  // Growth by pattern (training.growth schnakenberg), growth phase only: the field as it decided
  // after this epoch, before the split it caused (u above the threshold shows why); activator u
  // and inhibitor v by expert index, and the threshold u must cross. The last epoch decides
  // nothing (no split could follow), so its field is the one the epoch before left. Empty for
  // another policy and in the seed phase.
  std::vector<double> field_u;
  std::vector<double> field_v;
  double field_threshold = 0;
};

struct SplitEvent {
  int epoch = 0;
  std::int64_t step = 0;
  int parent = 0;
  int child = 0;
  // Measured on the validation set just before and just after the split (noise included).
  double val_accuracy_before = 0;
  double val_accuracy_after = 0;
  double changed_predictions = 0;  // share of validation samples whose predicted class changed
};

// A fix switched while the run was going; recorded at the step where it took effect.
struct SwitchEvent {
  int epoch = 0;
  std::int64_t step = 0;
  std::string name;   // "projection_fix", "cooldown", "entropy_loss", ..., "prune", "revive"
  std::string from;
  std::string to;
};

// What --prune-dormant and --revive-dormant did after an epoch, as events beside the switches
// (from: the dormant expert's index; to: "removed", or "copy of N"). In events.csv their kind is
// their name.
inline constexpr const char* kPruneEvent = "prune";
inline constexpr const char* kReviveEvent = "revive";
inline bool is_expert_event(const SwitchEvent& e) {
  return e.name == kPruneEvent || e.name == kReviveEvent;
}

}  // namespace moelab
