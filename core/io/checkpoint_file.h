#pragma once
// A run's checkpoint on disk: a LibTorch archive (torch::serialize::OutputArchive, a zip file)
// holding the TrainerState (training/trainer_state.h) and the settings of the run it belongs to.
//
// Format "moelab-checkpoint", version 1. Keys:
//   format    string "moelab-checkpoint"
//   version   int, kCheckpointVersion
//   state     JSON text: "config" (the run's experiment file), "parameters" (names, in order),
//             "adam" (name and step per parameter with optimiser state), the epoch and step, the
//             growth policy's memory (growth by pattern: the field's u, v and ring order), the
//             children being released, the switches, the learning rate, the divergence
//             yardstick, the seed model's test predictions, wall time, the history
//             (history_json.h) and the epoch in progress (position and running sums)
//   param_I, adam_I_exp_avg, adam_I_exp_avg_sq   tensors, I indexing "parameters" / "adam"
//   generator, probe, order                      the run's generator state, the diversity probe,
//                                                the order of the epoch in progress (if any)
// A file of another format or version is refused with CheckpointError, never half-read.

#include <stdexcept>
#include <string>

#include "config/run_config.h"
#include "training/trainer_state.h"

namespace moelab {

inline constexpr int kCheckpointVersion = 1;

class CheckpointError : public std::runtime_error {
 public:
  enum class Kind {
    Foreign,  // not a moelab checkpoint at all
    Version,  // a moelab checkpoint of another format version
    Damaged,  // a moelab checkpoint that cannot be read whole (a disk fault)
  };
  CheckpointError(Kind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct Checkpoint {
  RunConfig config;  // the settings of the run that wrote it
  TrainerState state;
};

// The archive's bytes.
std::string checkpoint_bytes(const RunConfig& config, const TrainerState& state);

// Throws CheckpointError naming `path` when the file is not a checkpoint this program can read.
Checkpoint read_checkpoint(const std::string& path);

// Whether a state of run `from` can continue as run `to`: the same data, model, seed, batch, probe
// and seed phase (the state's shapes and its past depend on them). Returns the first difference
// in words, or an empty string.
std::string checkpoint_mismatch(const RunConfig& from, const RunConfig& to);

}  // namespace moelab
