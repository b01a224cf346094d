#pragma once
// Runs an AblationPlan: every arm x seed, `jobs` at a time on worker threads (each run
// single-threaded), the rest queued. Cancel stops every running run; finished runs are kept.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "ablation/ablation_folders.h"
#include "ablation/ablation_plan.h"
#include "ablation/ablation_summary.h"
#include "training/training_control.h"
#include "training/training_observer.h"

namespace moelab {

struct DatasetSplit;
struct RunResult;
class TrainingObserver;

class AblationRunner {
 public:
  // Called on the run's worker thread before it starts; may return null. The observer must stay
  // valid until that run finishes.
  using ObserverFactory = std::function<TrainingObserver*(std::size_t arm, std::uint64_t seed)>;
  // Called on the run's worker thread when a run completes (not when it was cancelled).
  using RunFinished = std::function<void(const ArmSeedResult&)>;

  explicit AblationRunner(AblationPlan plan);

  void set_observer_factory(ObserverFactory factory) { observer_factory_ = std::move(factory); }
  void set_on_run_finished(RunFinished callback) { on_run_finished_ = std::move(callback); }
  // Keep every run in its folder as it trains (ablation_folders.h): runs the folders hold
  // finished are read back instead of trained, unfinished ones are continued. Without it, runs
  // live in memory only.
  void set_output(AblationOutput output) { output_ = std::move(output); }

  // Blocks until every run is done or the runner is cancelled. Completed runs, in plan order.
  std::vector<ArmSeedResult> run();
  // The same for some of the plan's runs only (a shard, or the runs a resubmitted grid lacks).
  std::vector<ArmSeedResult> run(const std::vector<RunKey>& runs);

  // Thread-safe, returns at once: running runs stop at their next step, queued ones never start.
  void cancel();
  bool cancelled() const { return cancelled_; }

  const AblationPlan& plan() const { return plan_; }

 private:
  void work(const std::vector<RunKey>& jobs, std::atomic<std::size_t>& next,
            std::vector<std::optional<ArmSeedResult>>& slots);
  RunResult run_job(const RunKey& job, const RunConfig& config, TrainingObserver* observer,
                    TrainingControl& control);
  std::shared_ptr<const DatasetSplit> data_for(std::uint64_t seed);
  void finish_job_of(std::uint64_t seed);
  void require_memory_for(const RunKey& first, std::size_t runs);

  AblationPlan plan_;
  ObserverFactory observer_factory_;
  RunFinished on_run_finished_;
  std::optional<AblationOutput> output_;
  std::atomic<bool> cancelled_ = false;
  std::mutex mutex_;  // guards active_, data_ and unfinished_
  std::vector<TrainingControl*> active_;
  std::map<std::uint64_t, std::shared_ptr<const DatasetSplit>> data_;
  std::map<std::uint64_t, std::size_t> unfinished_;  // jobs of each seed not done yet
};

}  // namespace moelab
