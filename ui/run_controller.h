#pragma once
// The GUI side of a training run: owns the QThread, the worker on it and the run's thread-safe
// TrainingControl. The window talks to runs only through this class.
//
// Every run gets an id; the worker's signals are relayed only while their run is the current one,
// so a late signal from a stopped or reset run never reaches the next run's charts. Stop and
// reset never block: they ask the run to stop and let its thread wind down on its own. Only the
// destructor waits, and a run notices a stop request before its next optimiser step.

#include <QMetaObject>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "engine/training_session.h"
#include "meta_types.h"
#include "thread_mailbox.h"
#include "training/training_control.h"

class QThread;

namespace moelab::ui {

class RunController : public QObject {
  Q_OBJECT

 public:
  enum class State {
    Idle,  // no run, or reset
    Running,
    Paused,    // also while stepping a single epoch
    Stopping,  // stop requested, waiting for the run to hand back its partial result
    Finished,  // ran to the end
    Stopped,   // stopped early; the partial result is available
    Failed,
  };
  Q_ENUM(State)

  explicit RunController(QObject* parent = nullptr);
  ~RunController() override;  // stops every run and joins its thread

  // Starts a new run on a new thread. A run still going is reset first. With a runs folder set,
  // the run keeps its own folder in it as it trains (metrics, events, checkpoints, status).
  void start(const RunConfig& config);
  // Starts a fork of the run kept in `parent_folder`, from its state after `at_epoch`, with
  // `config`'s switches and learning rate from there on (io/durable_run.h: fork_config).
  void start_fork(const RunConfig& config, const QString& parent_folder, int at_epoch);
  // Where runs keep their folders; empty (the default): runs are kept in memory only.
  void set_runs_folder(const QString& folder) { runs_folder_ = folder; }
  const QString& runs_folder() const { return runs_folder_; }
  // The current (or last) run's folder; empty when it has none.
  const QString& run_folder() const { return run_folder_; }
  void pause();
  void resume();
  // Trains one more epoch, then pauses. Pauses a running run at the next epoch end.
  void step_epoch();
  // Asks the run to stop; finished() follows with the partial result. Never blocks.
  void stop();
  // Drops the current run (its late signals are ignored) and returns to Idle. Never blocks.
  void reset();
  // Reaches the running trainer before its next step (it records a SwitchEvent). The next run
  // takes its switches from the config passed to start().
  void set_fixes(const FixSwitches& fixes);
  // Artificial delay after each optimiser step, 0 (full speed) to a few hundred ms.
  void set_step_delay(int milliseconds);
  // The breakpoints of this run and the next ones.
  void set_breakpoints(const BreakpointSettings& settings);
  const BreakpointSettings& breakpoints() const { return breakpoints_; }
  int step_delay() const { return step_delay_ms_; }

  // Stops every run and waits for all threads. Safe to call more than once.
  void shutdown();

  State state() const { return state_; }
  // A run is on its thread and has not handed back its result yet.
  bool active() const;
  // The config the current (or last) run was started with.
  const RunConfig& run_config() const { return config_; }
  // The last run's result once it finished or stopped.
  const std::optional<RunResult>& result() const { return result_; }
  // Threads that have not finished yet, current and retired (for tests and diagnostics).
  int live_threads() const { return static_cast<int>(runs_.size()); }

 Q_SIGNALS:
  void started(const moelab::RunConfig& config);
  void dataLoaded(const moelab::DatasetInfo& info);
  // Step reports in order, a batch per ~25 ms of training (see TrainingWorker::stepsReported).
  void stepsReported(const std::vector<moelab::StepMetrics>& steps);
  void epochReported(const moelab::EpochMetrics& metrics);
  void splitReported(const moelab::SplitEvent& event);
  void switchReported(const moelab::SwitchEvent& event);
  void phaseReport(const moelab::PhaseReport& report);
  // A breakpoint paused the run (the state is Paused by then).
  void breakpointHit(const moelab::BreakpointHit& hit);
  void finished(const moelab::RunResult& result);
  void failed(const QString& message);
  void stateChanged(moelab::ui::RunController::State state);

 private:
  struct Run {
    quint64 id = 0;
    QThread* thread = nullptr;
    std::shared_ptr<TrainingControl> control;
    QMetaObject::Connection launch;  // the thread's start -> this run's worker
  };

  void launch(const RunConfig& config, const SessionOptions& options);
  QString new_run_folder() const;
  Run* current();
  void retire_current();
  void forget(quint64 id);
  void set_state(State state);
  bool is_current(quint64 id) const { return id == current_id_; }

  std::vector<Run> runs_;   // every run whose thread has not finished
  quint64 current_id_ = 0;  // 0: no current run
  quint64 last_id_ = 0;
  State state_ = State::Idle;
  RunConfig config_;
  QString runs_folder_;
  QString run_folder_;
  int step_delay_ms_ = 0;
  BreakpointSettings breakpoints_;
  std::optional<RunResult> result_;
  // Every run's reports reach the GUI thread through it. Declared last: destroyed first, after
  // the destructor has joined every run's thread, dropping what is still pending.
  ThreadMailbox mailbox_;
};

}  // namespace moelab::ui
