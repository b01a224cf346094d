#pragma once
// The GUI side of a side-by-side ablation: runs the core AblationRunner on a thread of its own
// (which fans the runs out to its worker threads) and relays what the runs report as signals on
// the GUI thread, tagged with the arm and the seed. The window never touches the runner.
//
// Cancel never blocks: running runs stop at their next step, queued ones never start, finished
// ones are kept. Only shutdown() (and the destructor) waits, for runs that have already been asked
// to stop, so closing the window at any instant neither hangs nor crashes.

#include <QObject>
#include <QString>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ablation/ablation_plan.h"
#include "ablation/ablation_summary.h"
#include "meta_types.h"
#include "thread_mailbox.h"

namespace moelab {
class AblationRunner;
}

namespace moelab::ui {

class ComparisonController : public QObject {
  Q_OBJECT

 public:
  explicit ComparisonController(QObject* parent = nullptr);
  ~ComparisonController() override;  // cancels and joins

  // Starts every arm x seed of `plan`; plan.jobs <= 0 means one run per CPU this process may use
  // (usable_cpu_count(): affinity and cgroup quota), capped by max_jobs() when set. Returns false
  // and sets `error` when the plan cannot run or a comparison is still going.
  bool start(AblationPlan plan, QString* error = nullptr);
  // Returns at once; finished() follows when every run has wound down.
  void cancel();
  // Cancels and waits for every thread. Safe to call more than once.
  void shutdown();

  // Runs at once; 0 (the default) = one per core. For tests and slow machines.
  void set_max_jobs(int jobs) { max_jobs_ = jobs; }
  int max_jobs() const { return max_jobs_; }

  bool running() const { return running_; }
  // The plan of the current (or last) comparison, with the jobs it really used.
  const AblationPlan& plan() const { return plan_; }
  // Finished runs of the current (or last) comparison, in the order they finished.
  const std::vector<ArmSeedResult>& results() const { return results_; }

 Q_SIGNALS:
  void started(int runs, int jobs);
  void epochReported(int arm, quint64 seed, const moelab::EpochMetrics& metrics);
  void splitReported(int arm, quint64 seed, const moelab::SplitEvent& event);
  // One run completed (a cancelled run is never reported).
  void runFinished(int arm, quint64 seed);
  // Every run is done, or the comparison was cancelled and every worker has stopped.
  void finished(bool cancelled);
  // A run could not go on; the comparison was cancelled. One sentence.
  void failed(const QString& message);

 private:
  class Observer;
  void on_thread_done(bool cancelled, const QString& failure);
  void join();

  AblationPlan plan_;
  int max_jobs_ = 0;
  bool running_ = false;
  std::vector<ArmSeedResult> results_;
  std::unique_ptr<AblationRunner> runner_;
  std::thread thread_;
  std::mutex observers_mutex_;                       // the factory runs on worker threads
  std::deque<std::unique_ptr<Observer>> observers_;  // outlive their runs: freed with the runner
  // The runs' reports reach the GUI thread through it. Declared last: destroyed first, after the
  // destructor has joined the runner's thread, dropping what is still pending.
  ThreadMailbox mailbox_;
};

}  // namespace moelab::ui
