#include "training_worker.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <exception>
#include <stdexcept>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "util/error_sentence.h"
#include "util/logging.h"

namespace moelab::ui {

namespace {

// Step reports travel in batches: at full speed the default run reports ~400 steps a second, and
// one queued event each kept the GUI thread busy enough to miss frames (event-loop p99 18 ms,
// bench/gui_latency_bench). A report waits at most this long, and never past the next epoch,
// split, switch or the end of the run.
constexpr auto kStepBatchInterval = std::chrono::milliseconds(25);

// The observer adapter: called on the training thread, it copies each value into a signal, whose
// receivers post it to the GUI thread and return at once.
// A fork's first epochs are its parent's, which the window already shows: the epochs it replays
// up to its fork point are not reported again.
class SignalObserver final : public TrainingObserver {
 public:
  SignalObserver(TrainingWorker& worker, TrainingControl& control, int shown_epochs)
      : worker_(worker), control_(control), shown_epochs_(shown_epochs) {}

  void on_step(const StepMetrics& m) override {
    if (m.epoch <= shown_epochs_) return;
    pending_steps_.push_back(m);
    if (std::chrono::steady_clock::now() - last_steps_sent_ >= kStepBatchInterval) flush_steps();
  }
  void on_epoch(const EpochMetrics& m) override {
    const auto hit = breakpoints_.on_epoch(m, settings_for(m.epoch));
    if (m.epoch <= shown_epochs_) return;
    flush_steps();
    Q_EMIT worker_.epochReported(m);
    if (hit) pause_at(*hit);
  }
  void on_split(const SplitEvent& e) override {
    const auto hit = breakpoints_.on_split(e, settings_for(e.epoch));
    if (e.epoch <= shown_epochs_) return;
    flush_steps();
    Q_EMIT worker_.splitReported(e);
    if (hit) pause_at(*hit);
  }
  void on_switch(const SwitchEvent& e) override {
    const auto hit = breakpoints_.on_switch(e, settings_for(e.epoch));
    if (e.epoch <= shown_epochs_) return;
    flush_steps();
    Q_EMIT worker_.switchReported(e);
    if (hit) pause_at(*hit);
  }
  void on_phase_report(const PhaseReport& r) override {
    flush_steps();
    Q_EMIT worker_.phaseReport(r);
  }

  // The epochs a fork replays are old news: its breakpoints follow them without firing.
  BreakpointSettings settings_for(int epoch) const {
    return epoch <= shown_epochs_ ? BreakpointSettings{} : control_.breakpoints();
  }
  // Pauses here, on the training thread, so the run stops before its next step.
  void pause_at(const BreakpointHit& hit) {
    control_.pause();
    Q_EMIT worker_.breakpointHit(hit);
  }

  void flush_steps() {
    last_steps_sent_ = std::chrono::steady_clock::now();
    if (pending_steps_.empty()) return;
    Q_EMIT worker_.stepsReported(pending_steps_);
    pending_steps_.clear();
  }

 private:
  TrainingWorker& worker_;
  TrainingControl& control_;
  int shown_epochs_;
  Breakpoints breakpoints_;
  std::vector<StepMetrics> pending_steps_;
  std::chrono::steady_clock::time_point last_steps_sent_{};
};

// How much nicer than the GUI thread the training thread runs (Linux nice steps).
constexpr int kTrainingNice = 5;

// The GUI thread must win the CPU whenever it wakes up, or the window stutters while training
// saturates the cores. On Linux a nice value belongs to one thread and is inherited by the threads
// it creates (LibTorch's OpenMP team for this run). QThread priorities do nothing there.
void yield_cpu_to_gui() {
#ifdef __linux__
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0) ::setpriority(PRIO_PROCESS, tid, std::min(19, current + kTrainingNice));
#endif
}

// One sentence for the user: the lead, then the engine's message as one sentence.
QString sentence(const char* lead, const std::exception& error) {
  QString text = QString::fromStdString(error_sentence(error)).trimmed();
  if (!text.endsWith(QLatin1Char('.'))) text += QLatin1Char('.');
  return QString::fromUtf8(lead) + text;
}

}  // namespace

TrainingWorker::TrainingWorker(RunConfig config, std::shared_ptr<TrainingControl> control,
                               SessionOptions options, QObject* parent)
    : QObject(parent),
      config_(std::move(config)),
      control_(std::move(control)),
      options_(std::move(options)) {}

void TrainingWorker::start() {
  // The thread boundary: whatever goes wrong becomes one failed() sentence, never an exception in
  // Qt's event loop.
  try {
    yield_cpu_to_gui();
    TrainingSession session(config_, options_);
    Q_EMIT dataLoaded(session.data());
    SignalObserver observer(*this, *control_, session.starting_epoch());
    auto result = session.run(&observer, control_.get());
    observer.flush_steps();  // a stopped run's last steps
    Q_EMIT finished(result);
  } catch (const EngineError& e) {
    switch (e.kind()) {
      case EngineError::Kind::Data:
        Q_EMIT failed(sentence("The data set could not be loaded: ", e));
        break;
      case EngineError::Kind::Settings:
        Q_EMIT failed(sentence("The experiment settings are not valid: ", e));
        break;
      case EngineError::Kind::Folder:
        Q_EMIT failed(sentence("The run's folder cannot be used: ", e));
        break;
      case EngineError::Kind::Resources:
        Q_EMIT failed(sentence("This run cannot start: ", e));
        break;
      case EngineError::Kind::Engine:
        Q_EMIT failed(sentence("Training stopped with an error: ", e));
        break;
    }
  } catch (const std::exception& e) {
    logger()->error("training failed: {}", e.what());
    Q_EMIT failed(sentence("Training stopped with an error: ", e));
  } catch (...) {
    Q_EMIT failed(QStringLiteral("Training stopped with an unknown error."));
  }
}

}  // namespace moelab::ui
