#pragma once
// What a run asks of the machine, checked before anything is allocated: the memory of the model,
// its gradients and Adam moments at the largest size growth may reach, the training step's buffers
// (batch and diversity probe), the evaluation's chunks and the data; and the threads it asks for,
// bounded by the CPUs this process may use. A run that cannot fit is refused with the estimate,
// what is available and the setting to lower, instead of failing inside LibTorch's allocator
// (whose error carries a C++ stack trace) or being killed by the OOM killer halfway through.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/run_config.h"
#include "data/dataset.h"
#include "util/memory_budget.h"

namespace moelab {

// The machine cannot give a run what its settings ask for. what() is one sentence with the
// estimate (or the bound) and the setting to change.
class ResourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Validation and test rows the trainer evaluates at once, and the validation rows on which it
// measures expert similarity: bounds on the evaluation's temporaries.
inline constexpr std::int64_t kEvaluationChunk = 4096;
inline constexpr std::int64_t kSimilarityRows = 256;

// The sizes a run's data has, known once the data set (or its header) is read.
struct DataShape {
  std::int64_t train = 0;
  std::int64_t validation = 0;
  std::int64_t test = 0;
  std::int64_t dimension = 0;
  std::int64_t classes = 0;
};

DataShape shape_of(const DatasetSplit& data);

// The shape a run's data will have when its settings alone tell (the embedded digits, synthetic
// data), split by the configured fractions; nullopt for an IDX folder, whose size its files tell.
std::optional<DataShape> expected_shape(const DataConfig& data);

struct MemoryPart {
  std::string name;    // "the model with its gradients and Adam moments at 12 experts"
  std::uint64_t bytes = 0;
  std::vector<std::string> lower;  // the keys of the settings that shrink it, the largest first
};

struct MemoryEstimate {
  std::vector<MemoryPart> parts;
  std::uint64_t total() const;
  const MemoryPart& largest() const;
};

// The model, its optimiser state, the diversity probe, the training step's buffers and the
// evaluation's temporaries at their peak (the largest expert count growth may reach). The data
// itself is not included: it is loaded already when a trainer is built.
MemoryEstimate estimate_training_memory(const RunConfig& config, const DataShape& data);

// `estimate` for `runs` runs at once (an ablation's jobs): every part `runs` times, and the number
// of runs at once among the settings to lower.
MemoryEstimate for_runs_at_once(const MemoryEstimate& estimate, int runs);

// Throws ResourceError naming `subject` ("this run"), the estimate part by part, what `budget`
// allows and the largest part's settings, when the estimate exceeds the budget.
void require_memory(const MemoryEstimate& estimate, const MemoryBudget& budget,
                    const std::string& subject);

// The intra-op threads a run uses: training.threads, or every usable CPU for 0. Throws
// ResourceError when training.threads asks for more than `usable_cpus` (the CPUs this process may
// use: its affinity mask and cgroup quota): more threads than CPUs only time-slice, and a run
// with hundreds of them crawled and once hung in LibTorch's thread pool.
int training_threads(const TrainingConfig& training, int usable_cpus);

// The checks a run can make before its data is loaded: its threads, and its memory when the shape
// of its data is known from the settings. Throws ResourceError. (The trainer checks both again
// with the data in hand.)
void require_resources_before_loading(const RunConfig& config);

}  // namespace moelab
