#include "comparison/comparison_controller.h"

#include <algorithm>
#include <exception>

#include "ablation/ablation_runner.h"
#include "training/training_observer.h"
#include "util/cpu_budget.h"
#include "util/error_sentence.h"

namespace moelab::ui {

// Forwards one run's reports to the GUI thread. Called on the run's worker thread; posts a copy.
class ComparisonController::Observer : public TrainingObserver {
 public:
  Observer(ComparisonController* owner, int arm, quint64 seed)
      : owner_(owner), arm_(arm), seed_(seed) {}

  void on_epoch(const EpochMetrics& m) override {
    owner_->mailbox_.post(
        [o = owner_, a = arm_, s = seed_, m] { Q_EMIT o->epochReported(a, s, m); });
  }
  void on_split(const SplitEvent& e) override {
    owner_->mailbox_.post(
        [o = owner_, a = arm_, s = seed_, e] { Q_EMIT o->splitReported(a, s, e); });
  }

 private:
  ComparisonController* owner_;
  int arm_;
  quint64 seed_;
};

ComparisonController::ComparisonController(QObject* parent) : QObject(parent) {
  register_meta_types();
}

ComparisonController::~ComparisonController() { shutdown(); }

bool ComparisonController::start(AblationPlan plan, QString* error) {
  if (running_) {
    if (error) *error = tr("A comparison is still going: cancel it first.");
    return false;
  }
  join();
  if (plan.arms.empty() || plan.seeds.empty()) {
    if (error) *error = tr("Choose at least one arm and one seed.");
    return false;
  }
  int jobs = plan.jobs > 0 ? plan.jobs : usable_cpu_count();
  if (max_jobs_ > 0) jobs = std::min(jobs, max_jobs_);
  plan.jobs = jobs;
  try {
    runner_ = std::make_unique<AblationRunner>(plan);
  } catch (const std::exception& e) {
    if (error) {
      *error = tr("These settings cannot run: %1.").arg(QString::fromStdString(error_sentence(e)));
    }
    return false;
  }
  plan_ = plan;
  results_.clear();
  observers_.clear();
  runner_->set_observer_factory([this](std::size_t arm, std::uint64_t seed) -> TrainingObserver* {
    std::lock_guard lock(observers_mutex_);
    observers_.push_back(std::make_unique<Observer>(this, static_cast<int>(arm), seed));
    return observers_.back().get();
  });
  runner_->set_on_run_finished([this](const ArmSeedResult& r) {
    mailbox_.post([this, r] {
      results_.push_back(r);
      Q_EMIT runFinished(static_cast<int>(r.arm), r.seed);
    });
  });
  running_ = true;
  const int runs = static_cast<int>(plan.arms.size() * plan.seeds.size());
  Q_EMIT started(runs, std::min(jobs, runs));
  AblationRunner* runner = runner_.get();
  thread_ = std::thread([this, runner] {
    QString failure;
    try {
      runner->run();
    } catch (const std::exception& e) {
      failure = QString::fromStdString(error_sentence(e));
    } catch (...) {
      failure = QStringLiteral("unknown error");
    }
    const bool cancelled = runner->cancelled();
    // Posted after every report of this comparison, so it arrives last.
    mailbox_.post([this, cancelled, failure] { on_thread_done(cancelled, failure); });
  });
  return true;
}

void ComparisonController::cancel() {
  if (runner_ && running_) runner_->cancel();
}

void ComparisonController::on_thread_done(bool cancelled, const QString& failure) {
  if (!running_) return;
  join();
  running_ = false;
  if (!failure.isEmpty()) {
    Q_EMIT failed(tr("A run failed and the comparison was stopped: %1.").arg(failure));
  }
  Q_EMIT finished(cancelled || !failure.isEmpty());
}

void ComparisonController::join() {
  if (thread_.joinable()) thread_.join();
}

void ComparisonController::shutdown() {
  if (runner_) runner_->cancel();
  join();
  // Reports still queued for this object are dropped with it; none can be added any more.
  running_ = false;
}

}  // namespace moelab::ui
