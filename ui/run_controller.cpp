#include "run_controller.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QThread>
#include <algorithm>
#include <chrono>

#include "training_worker.h"

namespace moelab::ui {

namespace {

// Hands each value `signal` carries from the training thread to the GUI thread, where `handler`
// receives it. The connection is direct: the value is copied on the training thread, into the post.
template <class Value, class Handler>
void relay_to_gui(TrainingWorker* worker, void (TrainingWorker::*signal)(const Value&),
                  ThreadMailbox* mailbox, Handler handler) {
  QObject::connect(
      worker, signal, mailbox,
      [mailbox, handler](const Value& value) {
        mailbox->post([handler, value] { handler(value); });
      },
      Qt::DirectConnection);
}

}  // namespace

RunController::RunController(QObject* parent) : QObject(parent) { register_meta_types(); }

RunController::~RunController() { shutdown(); }

RunController::Run* RunController::current() {
  if (current_id_ == 0) return nullptr;
  const auto found = std::find_if(runs_.begin(), runs_.end(),
                                  [this](const Run& run) { return run.id == current_id_; });
  return found == runs_.end() ? nullptr : &*found;
}

bool RunController::active() const {
  return state_ == State::Running || state_ == State::Paused || state_ == State::Stopping;
}

QString RunController::new_run_folder() const {
  if (runs_folder_.isEmpty()) return {};
  const QString stamp =
      QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
  const QDir root(runs_folder_);
  QString name = QStringLiteral("run-%1").arg(stamp);
  for (int n = 2; root.exists(name); ++n) name = QStringLiteral("run-%1-%2").arg(stamp).arg(n);
  return root.filePath(name);
}

void RunController::start(const RunConfig& config) {
  SessionOptions options;
  options.folder = QFile::encodeName(new_run_folder()).toStdString();
  launch(config, options);
}

void RunController::start_fork(const RunConfig& config, const QString& parent_folder,
                               int at_epoch) {
  SessionOptions options;
  const QString folder = new_run_folder();
  // A fork needs a folder of its own: next to its parent's when no runs folder is set.
  options.folder =
      QFile::encodeName(folder.isEmpty() ? parent_folder + QStringLiteral("-fork-%1").arg(at_epoch)
                                         : folder)
          .toStdString();
  options.fork_parent = QFile::encodeName(parent_folder).toStdString();
  options.fork_epoch = at_epoch;
  options.fork_switches_as_of_fork_point = true;
  launch(config, options);
}

void RunController::launch(const RunConfig& config, const SessionOptions& options) {
  retire_current();
  run_folder_ = QFile::decodeName(options.folder.c_str());
  result_.reset();
  config_ = config;
  const quint64 id = ++last_id_;
  current_id_ = id;

  auto control = std::make_shared<TrainingControl>(config.fixes);
  control->set_step_delay(std::chrono::milliseconds(step_delay_ms_));
  control->set_breakpoints(breakpoints_);
  auto* thread = new QThread;  // deleted by forget() once finished, or by shutdown()
  thread->setObjectName(QStringLiteral("moelab-run-%1").arg(id));
  auto* worker = new TrainingWorker(config, control, options);
  worker->moveToThread(thread);
  connect(thread, &QThread::finished, worker, &QObject::deleteLater);
  connect(thread, &QThread::finished, this, [this, id] { forget(id); });
  // The worker's event loop ends when its one job does (quit() is thread-safe).
  connect(worker, &TrainingWorker::finished, thread, &QThread::quit, Qt::DirectConnection);
  connect(worker, &TrainingWorker::failed, thread, &QThread::quit, Qt::DirectConnection);

  // Relays, each checking the run id on the GUI thread when the value arrives there.
  relay_to_gui(worker, &TrainingWorker::dataLoaded, &mailbox_, [this, id](const DatasetInfo& info) {
    if (is_current(id)) Q_EMIT dataLoaded(info);
  });
  relay_to_gui(worker, &TrainingWorker::stepsReported, &mailbox_,
               [this, id](const std::vector<StepMetrics>& steps) {
                 if (is_current(id)) Q_EMIT stepsReported(steps);
               });
  relay_to_gui(worker, &TrainingWorker::epochReported, &mailbox_,
               [this, id](const EpochMetrics& m) {
                 if (is_current(id)) Q_EMIT epochReported(m);
               });
  relay_to_gui(worker, &TrainingWorker::splitReported, &mailbox_, [this, id](const SplitEvent& e) {
    if (is_current(id)) Q_EMIT splitReported(e);
  });
  relay_to_gui(worker, &TrainingWorker::switchReported, &mailbox_,
               [this, id](const SwitchEvent& e) {
                 if (is_current(id)) Q_EMIT switchReported(e);
               });
  relay_to_gui(worker, &TrainingWorker::phaseReport, &mailbox_, [this, id](const PhaseReport& r) {
    if (is_current(id)) Q_EMIT phaseReport(r);
  });
  relay_to_gui(worker, &TrainingWorker::breakpointHit, &mailbox_,
               [this, id](const BreakpointHit& hit) {
                 // The run has paused itself; a resume or stop since then keeps its own state.
                 if (!is_current(id) || state_ != State::Running) return;
                 set_state(State::Paused);
                 Q_EMIT breakpointHit(hit);
               });
  relay_to_gui(worker, &TrainingWorker::finished, &mailbox_, [this, id](const RunResult& result) {
    if (!is_current(id)) return;
    result_ = result;
    set_state(result.stopped ? State::Stopped : State::Finished);
    Q_EMIT finished(result);
  });
  relay_to_gui(worker, &TrainingWorker::failed, &mailbox_, [this, id](const QString& message) {
    if (!is_current(id)) return;
    set_state(State::Failed);
    Q_EMIT failed(message);
  });

  Run run;
  run.id = id;
  run.thread = thread;
  run.control = control;
  // QThread::started is emitted on the new thread, where the worker lives: a direct call.
  run.launch = connect(thread, &QThread::started, worker, &TrainingWorker::start);
  runs_.push_back(std::move(run));
  set_state(State::Running);
  Q_EMIT started(config);
  thread->start(QThread::LowPriority);  // see also TrainingWorker: nice on Linux
}

void RunController::pause() {
  if (auto* run = current(); run && state_ == State::Running) {
    run->control->pause();
    set_state(State::Paused);
  }
}

void RunController::resume() {
  if (auto* run = current(); run && state_ == State::Paused) {
    run->control->resume();
    set_state(State::Running);
  }
}

void RunController::step_epoch() {
  if (auto* run = current(); run && (state_ == State::Running || state_ == State::Paused)) {
    run->control->step_one_epoch();
    set_state(State::Paused);
  }
}

void RunController::stop() {
  if (auto* run = current(); run && (state_ == State::Running || state_ == State::Paused)) {
    run->control->request_stop();
    set_state(State::Stopping);
  }
}

void RunController::reset() {
  retire_current();
  result_.reset();
  set_state(State::Idle);
}

void RunController::set_fixes(const FixSwitches& fixes) {
  if (auto* run = current(); run && active()) run->control->set_fixes(fixes);
}

void RunController::set_step_delay(int milliseconds) {
  step_delay_ms_ = std::max(0, milliseconds);
  if (auto* run = current())
    run->control->set_step_delay(std::chrono::milliseconds(step_delay_ms_));
}

void RunController::set_breakpoints(const BreakpointSettings& settings) {
  breakpoints_ = settings;
  if (auto* run = current()) run->control->set_breakpoints(settings);
}

void RunController::retire_current() {
  if (auto* run = current()) {
    // From here on the run's signals are ignored (wrong id), its start is withdrawn if its thread
    // has not started yet, and the trainer stops before its next step. Nobody waits for it.
    disconnect(run->launch);
    run->control->request_stop();
    run->thread->quit();
  }
  current_id_ = 0;
}

void RunController::forget(quint64 id) {
  const auto found =
      std::find_if(runs_.begin(), runs_.end(), [id](const Run& run) { return run.id == id; });
  if (found == runs_.end()) return;  // already joined by shutdown()
  QThread* thread = found->thread;
  runs_.erase(found);
  thread->wait();  // returns at once: the thread emitted finished() and is winding down
  thread->deleteLater();
}

void RunController::shutdown() {
  current_id_ = 0;
  for (auto& run : runs_) {
    disconnect(run.launch);
    run.control->request_stop();
    run.thread->quit();
  }
  for (auto& run : runs_) {
    run.thread->wait();  // never terminate(): the trainer returns at its next step
    delete run.thread;   // its worker was deleted on the thread when it finished
  }
  runs_.clear();
  if (state_ == State::Running || state_ == State::Paused || state_ == State::Stopping) {
    state_ = State::Idle;  // no signal: we are going away
  }
}

void RunController::set_state(State state) {
  if (state == state_) return;
  state_ = state;
  Q_EMIT stateChanged(state);
}

}  // namespace moelab::ui
