#pragma once
// The window's status bar: what the run is doing now. A progress bar with "epoch x / y" and an
// estimate of the time left, then state, phase, step, experts and samples per second, and a
// warning when the process loaded the slow reference BLAS.

#include <QStatusBar>
#include <deque>
#include <utility>

#include "run_controller.h"

class QLabel;
class QProgressBar;

namespace moelab::ui {

class RunStatusBar : public QStatusBar {
  Q_OBJECT

 public:
  explicit RunStatusBar(QWidget* parent = nullptr);

  void begin(const RunConfig& config);
  void set_data(const DatasetInfo& info);
  void add_step(const StepMetrics& metrics);
  void add_epoch(const EpochMetrics& metrics);
  void set_state(RunController::State state);
  void clear_run();

  // For tests: the last epoch shown, and the progress bar's text.
  int epoch() const { return epoch_; }
  QString progress_text() const;

 private:
  void show_progress(double done_epochs, double wall_seconds);

  QProgressBar* progress_ = nullptr;
  QLabel* state_ = nullptr;
  QLabel* phase_ = nullptr;
  QLabel* step_ = nullptr;
  QLabel* experts_ = nullptr;
  QLabel* speed_ = nullptr;
  QLabel* blas_ = nullptr;

  RunController::State run_state_ = RunController::State::Idle;
  int total_epochs_ = 0;
  int batch_size_ = 1;
  std::int64_t steps_per_epoch_ = 0;  // 0 until the data is loaded
  int epoch_ = 0;
  std::deque<std::pair<double, double>> recent_;  // (wall seconds, epochs done) for the ETA
};

}  // namespace moelab::ui
