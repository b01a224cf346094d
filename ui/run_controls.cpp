#include "run_controls.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <algorithm>

namespace moelab::ui {

RunControls::RunControls(QWidget* parent) : QToolBar(tr("Run"), parent) {
  setObjectName(QStringLiteral("runControls"));
  setMovable(false);
  setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  setIconSize(QSize(20, 20));
  QStyle* s = style();

  auto make = [this](QAction*& action, const QIcon& icon, const QString& text,
                     const QKeySequence& key, const QString& tip) {
    action = new QAction(icon, text, this);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WindowShortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    addAction(action);
  };
  make(start_, s->standardIcon(QStyle::SP_MediaPlay), tr("Start"), QKeySequence(tr("Ctrl+R")),
       tr("Start a new run with the settings on the left"));
  make(pause_, s->standardIcon(QStyle::SP_MediaPause), tr("Pause"), QKeySequence(Qt::Key_Space),
       tr("Pause or resume the run"));
  make(step_, s->standardIcon(QStyle::SP_MediaSkipForward), tr("Step epoch"),
       QKeySequence(Qt::Key_N), tr("Train exactly one more epoch, then pause"));
  make(stop_, s->standardIcon(QStyle::SP_MediaStop), tr("Stop"), QKeySequence(tr("Ctrl+.")),
       tr("Stop the run and keep what it trained so far"));
  make(reset_, s->standardIcon(QStyle::SP_BrowserReload), tr("Reset"),
       QKeySequence(tr("Ctrl+Shift+R")), tr("Drop the run and clear the charts"));

  connect(start_, &QAction::triggered, this, &RunControls::startRequested);
  connect(pause_, &QAction::triggered, this, [this] {
    if (state_ == RunController::State::Paused) {
      Q_EMIT resumeRequested();
    } else {
      Q_EMIT pauseRequested();
    }
  });
  connect(step_, &QAction::triggered, this, &RunControls::stepRequested);
  connect(stop_, &QAction::triggered, this, &RunControls::stopRequested);
  connect(reset_, &QAction::triggered, this, &RunControls::resetRequested);

  addSeparator();
  auto* speed_box = new QWidget;
  speed_box->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
  auto* layout = new QHBoxLayout(speed_box);
  layout->setContentsMargins(8, 0, 8, 0);
  layout->addWidget(new QLabel(tr("Speed")));
  speed_ = new QSlider(Qt::Horizontal);
  // Right is faster: the slider's value is kMaxStepDelayMs minus the delay after each step.
  speed_->setRange(0, kMaxStepDelayMs);
  speed_->setValue(kMaxStepDelayMs);
  speed_->setFixedWidth(160);
  speed_->setToolTip(tr("Slow the training down to watch it: right is full speed, left adds up "
                        "to %1 ms after every step.")
                         .arg(kMaxStepDelayMs));
  layout->addWidget(speed_);
  speed_label_ = new QLabel;
  speed_label_->setMinimumWidth(
      QFontMetrics(speed_label_->font()).horizontalAdvance(tr("+200 ms per step")));
  layout->addWidget(speed_label_);
  addWidget(speed_box);
  connect(speed_, &QSlider::valueChanged, this, [this](int value) {
    show_speed(kMaxStepDelayMs - value);
    Q_EMIT stepDelayChanged(kMaxStepDelayMs - value);
  });
  show_speed(0);
  set_state(RunController::State::Idle);
}

QList<QAction*> RunControls::run_actions() const { return {start_, pause_, step_, stop_, reset_}; }

int RunControls::step_delay_ms() const { return kMaxStepDelayMs - speed_->value(); }

void RunControls::set_step_delay_ms(int milliseconds) {
  speed_->setValue(kMaxStepDelayMs - std::clamp(milliseconds, 0, kMaxStepDelayMs));
}

void RunControls::show_speed(int milliseconds) {
  speed_label_->setText(milliseconds == 0 ? tr("full speed")
                                          : tr("+%1 ms per step").arg(milliseconds));
}

void RunControls::set_state(RunController::State state) {
  using State = RunController::State;
  state_ = state;
  const bool live = state == State::Running || state == State::Paused;
  start_->setEnabled(!live && state != State::Stopping);
  pause_->setEnabled(live);
  step_->setEnabled(state != State::Stopping);
  stop_->setEnabled(live);
  reset_->setEnabled(state != State::Idle);
  const bool paused = state == State::Paused;
  pause_->setText(paused ? tr("Resume") : tr("Pause"));
  pause_->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
}

}  // namespace moelab::ui
