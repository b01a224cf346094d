#pragma once
// The run's toolbar: Start, Pause/Resume, Step one epoch, Stop, Reset, and a Speed slider from
// full speed to slow (0..200 ms after each step). The actions carry the keyboard shortcuts
// (Ctrl+R, Space, N, Ctrl+., Ctrl+Shift+R) and are shared with the Run menu.

#include <QList>
#include <QToolBar>

#include "run_controller.h"

class QAction;
class QLabel;
class QSlider;

namespace moelab::ui {

class RunControls : public QToolBar {
  Q_OBJECT

 public:
  static constexpr int kMaxStepDelayMs = 200;

  explicit RunControls(QWidget* parent = nullptr);

  // Enables what makes sense in `state` and names the pause button Pause or Resume.
  void set_state(RunController::State state);
  QList<QAction*> run_actions() const;

  int step_delay_ms() const;
  void set_step_delay_ms(int milliseconds);

  QAction* start_action() const { return start_; }
  QAction* pause_action() const { return pause_; }
  QAction* step_action() const { return step_; }
  QAction* stop_action() const { return stop_; }
  QAction* reset_action() const { return reset_; }

 Q_SIGNALS:
  void startRequested();
  void pauseRequested();
  void resumeRequested();
  void stepRequested();
  void stopRequested();
  void resetRequested();
  void stepDelayChanged(int milliseconds);

 private:
  void show_speed(int milliseconds);

  RunController::State state_ = RunController::State::Idle;
  QAction* start_ = nullptr;
  QAction* pause_ = nullptr;
  QAction* step_ = nullptr;
  QAction* stop_ = nullptr;
  QAction* reset_ = nullptr;
  QSlider* speed_ = nullptr;
  QLabel* speed_label_ = nullptr;
};

}  // namespace moelab::ui
