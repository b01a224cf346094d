#pragma once
// Everything that defines one training run. Plain values only, so a copy can cross threads and a
// file (JSON, see config_json.h) can reproduce a run exactly.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/schedule.h"
#include "growth/field_growth_settings.h"

namespace moelab {

enum class DatasetKind { Digits, Synthetic, Idx };

struct SyntheticDataOptions {
  int clusters = 10;       // one class per cluster
  int dimension = 64;      // feature count
  double spread = 1.0;     // standard deviation of each cluster around its centre
  double separation = 3.0; // standard deviation of the cluster centres themselves
  double offset = 0.0;     // added to every feature: raw inputs far from the projected space
  int samples = 2000;
};

struct DataConfig {
  DatasetKind kind = DatasetKind::Digits;
  std::string idx_dir;                // for Idx: a folder with *-images-idx3-ubyte[.gz] files
  SyntheticDataOptions synthetic;
  double validation_fraction = 0.2;   // stratified, from the run's seed; drives growth
  // Held out from training and from every growth decision; the verdict's accuracy criterion
  // judges on it. Share of the whole set, stratified, from the run's seed.
  double test_fraction = 0.2;
  int max_samples = 0;                // 0 = all; otherwise a stratified subset (large IDX sets)
};

struct ModelConfig {
  int hidden = 64;          // width H of the input projection D->H
  int expert_hidden = 64;   // inner width of each expert MLP H->F->H
  int initial_experts = 2;
  int top_k = 2;
  int max_experts = 12;     // cap on growth
};

// Dispatch of samples to experts: every expert on every sample (one batched product), or only the
// routed samples per expert (gather/scatter). Same numbers, different speed.
enum class Dispatch { Dense, Routed, Auto };

// The three fixes of the seed report, each a switch with its parameter. Can change between steps.
struct FixSwitches {
  bool projection_fix = true;  // probe passes through the input projection before the experts
  bool cooldown = true;        // at least cooldown_epochs between splits
  int cooldown_epochs = 5;
  bool entropy_loss = true;    // penalise uneven mean routing
  double entropy_weight = 0.1;

  int effective_cooldown() const { return cooldown ? cooldown_epochs : 0; }
  double effective_entropy_weight() const { return entropy_loss ? entropy_weight : 0.0; }
  bool operator==(const FixSwitches&) const = default;
};

// How a split makes room for the child. Seed: the seed report's split (both router biases lowered
// by log 2), which changes the mixture under top-k gating. Preserving: the child enters with its
// router logit far below every other, so the model computes the same function (to float
// rounding) with zero noise, and is released to the seed split's routing over
// split_release_steps steps.
enum class SplitMode { Seed, Preserving };

// The diversity loss on the probe: the seed's mean signed pairwise cosine (rewards experts that are
// negatives of each other), or the mean squared cosine (pushes towards orthogonal outputs).
enum class DiversityLoss { SignedCosine, SquaredCosine };

// The load-balancing method the third switch turns on: the seed's entropy maximisation of the
// routed share, the Switch Transformer's auxiliary loss, DeepSeek-V3's auxiliary-loss-free
// selection bias (training/selection_bias.h), or nothing (the switch then does nothing either).
// The loss terms are in core/training/terms/.
enum class Balancer { Entropy, Switch, Bias, None };

// What decides when and where the mixture grows: the seed's heuristic (a plateau of validation
// accuracy splits the most-used expert) or a Schnakenberg field driven by the experts' loads
// (growth/field_growth_policy.h).
enum class Growth { Heuristic, Schnakenberg };

struct TrainingConfig {
  std::uint64_t seed = 1;
  int seed_epochs = 20;     // phase 0: the seed model, no growth
  int growth_epochs = 14;   // phase 1: the growth policy runs after each epoch
  int batch_size = 64;
  double learning_rate = 1e-3;
  // Fraction of learning_rate reached at the last epoch by a cosine decay over the growth phase;
  // 1 = constant (the default: on digits a decay to 0.1 did not make the final-versus-seed
  // comparison any steadier, and it slowed the entropy term's waking of dormant experts).
  double final_lr_fraction = 1.0;
  double diversity_weight = 0.05;
  int probe_size = 128;         // fixed probe batch for the diversity loss
  // Experts on the probe per step: all of them up to this many, else a random subset of this size
  // drawn each step (training/probe_subset.h). 12 = the default run's largest expert count.
  int probe_experts = 12;
  double split_noise = 0.01;    // relative noise on the child's weights at a split
  double plateau_min_delta = 0.0;  // validation accuracy must beat its best by more than this
  int plateau_patience = 1;     // growth epochs without improvement before a plateau is declared
  Growth growth = Growth::Heuristic;
  FieldGrowthSettings field;    // growth schnakenberg only
  SplitMode split_mode = SplitMode::Seed;
  int split_release_steps = 20; // preserving split: steps over which the child is released
  DiversityLoss diversity_loss = DiversityLoss::SignedCosine;
  Balancer balancer = Balancer::Entropy;
  double switch_weight = 0.01;  // the Switch Transformer's alpha
  double z_loss_weight = 0.0;   // router z-loss, with any balancer; 0 = off
  double bias_rate = 0.001;     // bias balancer: the selection bias's step per training step
  bool prune_dormant = false;   // growth phase: remove one dormant expert after an epoch
  bool revive_dormant = false;  // growth phase: re-initialise one dormant expert from the busiest
  double dormant_threshold = 0.05; // utilisation below this is dormant
  int log_interval = 5;         // steps between step reports (scalars are read back only then)
  // Intra-op threads; 0 = all cores. One by default: the default model's operations are too
  // small to split (a default run took 2.6 s on 1 thread and 13.5 s on 2 on a loaded 2-core
  // machine, with identical metrics).
  int threads = 1;
  Dispatch dispatch = Dispatch::Auto;
};

struct RunConfig {
  DataConfig data;
  ModelConfig model;
  FixSwitches fixes;
  TrainingConfig training;
  Schedule schedule;               // planned or recorded changes during the run (schedule.h)
  std::optional<ForkOrigin> fork;  // set for a run forked from another run's folder
};

// Throws std::invalid_argument with one sentence naming the first bad field: every setting's
// range from the catalog (setting_catalog.h), then the rules that tie settings together.
void validate(const RunConfig& config);

const char* to_string(DatasetKind kind);
const char* to_string(Dispatch dispatch);
const char* to_string(SplitMode mode);
const char* to_string(DiversityLoss loss);
const char* to_string(Balancer balancer);
const char* to_string(Growth growth);

// The names each enum is written as in files and flags, in order: one list per enum, read by the
// JSON reader, the CLI and the window.
const std::vector<std::pair<const char*, DatasetKind>>& dataset_kind_names();
const std::vector<std::pair<const char*, Dispatch>>& dispatch_names();
const std::vector<std::pair<const char*, SplitMode>>& split_mode_names();
const std::vector<std::pair<const char*, DiversityLoss>>& diversity_loss_names();
const std::vector<std::pair<const char*, Balancer>>& balancer_names();
const std::vector<std::pair<const char*, Growth>>& growth_names();

}  // namespace moelab
