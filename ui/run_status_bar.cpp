#include "run_status_bar.h"

#include <QLabel>
#include <QProgressBar>
#include <algorithm>
#include <cmath>

#include "util/blas_check.h"

namespace moelab::ui {

namespace {

constexpr int kUnitsPerEpoch = 100;
constexpr std::size_t kEtaWindow = 40;  // step reports the time-left estimate averages over

QString duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) {
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
  }
  return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QLabel* field(const QString& tip) {
  auto* label = new QLabel;
  label->setToolTip(tip);
  label->setContentsMargins(6, 0, 6, 0);
  return label;
}

}  // namespace

RunStatusBar::RunStatusBar(QWidget* parent) : QStatusBar(parent) {
  progress_ = new QProgressBar;
  progress_->setMinimumWidth(260);
  progress_->setTextVisible(true);
  progress_->setToolTip(
      tr("Epochs trained out of the run's total, and the time left at the "
         "current speed."));
  state_ = field(tr("What the run is doing."));
  phase_ =
      field(tr("Seed phase: the seed model trains, no growth. Growth phase: after each "
               "epoch an expert may split."));
  step_ = field(tr("Optimiser steps so far."));
  experts_ = field(tr("Experts now, and how many route less than the dormant threshold."));
  speed_ = field(tr("Training samples per second in the last epoch."));
  blas_ = field({});
  addPermanentWidget(state_);
  addPermanentWidget(phase_);
  addPermanentWidget(step_);
  addPermanentWidget(experts_);
  addPermanentWidget(speed_);
  addPermanentWidget(blas_);
  addPermanentWidget(progress_);

  const auto blas = detect_blas();
  if (!blas.optimised) {
    blas_->setText(tr("Slow BLAS"));
    blas_->setStyleSheet(QStringLiteral("color: white; background: #c62828; font-weight: bold;"));
    blas_->setToolTip(
        tr("The process uses the reference BLAS (%1): training is many times "
           "slower. Install OpenBLAS: sudo apt-get install libopenblas0-pthread")
            .arg(blas.library.empty() ? tr("unknown") : QString::fromStdString(blas.library)));
  } else {
    blas_->hide();
  }
  clear_run();
}

void RunStatusBar::clear_run() {
  total_epochs_ = 0;
  steps_per_epoch_ = 0;
  epoch_ = 0;
  recent_.clear();
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(tr("No run yet"));
  phase_->setText(tr("Phase: -"));
  step_->setText(tr("Step 0"));
  experts_->setText(tr("Experts: -"));
  speed_->setText(tr("- samples/s"));
  set_state(RunController::State::Idle);
}

void RunStatusBar::begin(const RunConfig& config) {
  clear_run();
  total_epochs_ = config.training.seed_epochs + config.training.growth_epochs;
  batch_size_ = std::max(1, config.training.batch_size);
  progress_->setRange(0, std::max(1, total_epochs_ * kUnitsPerEpoch));
  progress_->setValue(0);
  progress_->setFormat(tr("Loading data..."));
  experts_->setText(tr("Experts: %1").arg(config.model.initial_experts));
  set_state(RunController::State::Running);
}

void RunStatusBar::set_data(const DatasetInfo& info) {
  steps_per_epoch_ = (info.train_size + batch_size_ - 1) / batch_size_;
  progress_->setFormat(tr("Epoch 1 / %1").arg(total_epochs_));
  showMessage(tr("Data: %1, %2 training, %3 validation and %4 held-out test samples of "
                 "dimension %5.")
                  .arg(QString::fromStdString(info.name))
                  .arg(info.train_size)
                  .arg(info.validation_size)
                  .arg(info.test_size)
                  .arg(info.dimension),
              6000);
}

void RunStatusBar::add_step(const StepMetrics& m) {
  step_->setText(tr("Step %1").arg(m.step));
  phase_->setText(m.phase == Phase::Seed ? tr("Phase: seed") : tr("Phase: growth"));
  if (!m.slot_share.empty()) {
    experts_->setText(tr("Experts: %1").arg(m.slot_share.size()));
  }
  if (steps_per_epoch_ > 0) {
    const auto in_epoch = m.step - static_cast<std::int64_t>(m.epoch - 1) * steps_per_epoch_;
    const double done =
        (m.epoch - 1) + std::clamp(static_cast<double>(in_epoch) / steps_per_epoch_, 0.0, 1.0);
    show_progress(done, m.wall_seconds);
  }
}

void RunStatusBar::add_epoch(const EpochMetrics& m) {
  epoch_ = m.epoch;
  step_->setText(tr("Step %1").arg(m.step));
  phase_->setText(m.phase == Phase::Seed ? tr("Phase: seed") : tr("Phase: growth"));
  experts_->setText(m.dormant.empty()
                        ? tr("Experts: %1").arg(m.experts)
                        : tr("Experts: %1 (%2 dormant)").arg(m.experts).arg(m.dormant.size()));
  speed_->setText(tr("%1 samples/s").arg(std::llround(m.samples_per_second)));
  show_progress(m.epoch, m.wall_seconds);
}

void RunStatusBar::show_progress(double done, double wall_seconds) {
  progress_->setValue(static_cast<int>(std::lround(done * kUnitsPerEpoch)));
  recent_.emplace_back(wall_seconds, done);
  while (recent_.size() > kEtaWindow) recent_.pop_front();
  const int shown = std::min(total_epochs_, static_cast<int>(std::floor(done)) + 1);
  QString text = tr("Epoch %1 / %2").arg(shown).arg(total_epochs_);
  if (run_state_ == RunController::State::Paused) {
    text += tr("  -  paused");
  } else if (recent_.size() >= 2) {
    const auto& [t0, d0] = recent_.front();
    const auto& [t1, d1] = recent_.back();
    if (d1 > d0 && t1 > t0) {
      text += tr("  -  %1 left").arg(duration((total_epochs_ - d1) * (t1 - t0) / (d1 - d0)));
    }
  }
  progress_->setFormat(text);
}

void RunStatusBar::set_state(RunController::State state) {
  using State = RunController::State;
  run_state_ = state;
  QString text;
  switch (state) {
    case State::Idle:
      text = tr("Ready");
      break;
    case State::Running:
      text = tr("Running");
      break;
    case State::Paused:
      text = tr("Paused");
      break;
    case State::Stopping:
      text = tr("Stopping...");
      break;
    case State::Finished:
      text = tr("Finished");
      break;
    case State::Stopped:
      text = tr("Stopped");
      break;
    case State::Failed:
      text = tr("Failed");
      break;
  }
  state_->setText(text);
  if (state == State::Paused) {
    progress_->setFormat(
        tr("Epoch %1 / %2  -  paused").arg(std::min(total_epochs_, epoch_ + 1)).arg(total_epochs_));
    recent_.clear();  // time spent paused says nothing about speed
  } else if (state == State::Finished && epoch_ < total_epochs_) {
    // The engine ended the run early (it diverged): say where, do not fill the bar.
    progress_->setFormat(tr("Ended after epoch %1 / %2").arg(epoch_).arg(total_epochs_));
  } else if (state == State::Finished) {
    progress_->setValue(progress_->maximum());
    progress_->setFormat(tr("Done: %1 epochs").arg(total_epochs_));
  } else if (state == State::Stopped) {
    progress_->setFormat(tr("Stopped after epoch %1 / %2").arg(epoch_).arg(total_epochs_));
  } else if (state == State::Failed) {
    progress_->setFormat(tr("Failed"));
  }
}

QString RunStatusBar::progress_text() const { return progress_->format(); }

}  // namespace moelab::ui
