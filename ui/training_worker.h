#pragma once
// The training loop's home on its own thread (Qt's worker-object pattern). RunController builds it
// with its config, moves it to a QThread and starts it when the thread starts; from then on the GUI
// talks to the run only through the thread-safe TrainingControl, and the run answers only through
// signals that carry copies of the core's plain values, emitted on the training thread (the
// controller hands them to the GUI thread through a ThreadMailbox). The engine is reached through
// its LibTorch-free facade (engine/training_session.h).

#include <QObject>
#include <QString>
#include <memory>

#include "engine/training_session.h"
#include "meta_types.h"
#include "training/training_control.h"

namespace moelab::ui {

class TrainingWorker : public QObject {
  Q_OBJECT

 public:
  // `control` is shared with the GUI side, which pauses, steps, stops and switches through it.
  // `options` says where the run keeps its folder (and what it forks), if anywhere. Built on the
  // GUI thread before the training thread starts, so the thread's start orders the two.
  TrainingWorker(RunConfig config, std::shared_ptr<TrainingControl> control, SessionOptions options,
                 QObject* parent = nullptr);

 public Q_SLOTS:
  // Loads the data, trains, and ends with exactly one of finished() or failed(). Never throws.
  void start();

 Q_SIGNALS:
  void dataLoaded(const moelab::DatasetInfo& info);
  // Step reports in order, gathered over about kStepBatchMs so that a fast run (hundreds of step
  // reports a second) posts tens of events to the GUI thread, not hundreds.
  void stepsReported(const std::vector<moelab::StepMetrics>& steps);
  void epochReported(const moelab::EpochMetrics& metrics);
  void splitReported(const moelab::SplitEvent& event);
  void switchReported(const moelab::SwitchEvent& event);
  void phaseReport(const moelab::PhaseReport& report);
  // A breakpoint fired: the run has paused itself, right after the report that fired it.
  void breakpointHit(const moelab::BreakpointHit& hit);
  // The run ended: completed, or stopped early (result.stopped).
  void finished(const moelab::RunResult& result);
  // The run could not go on; `message` is one sentence a user can act on.
  void failed(const QString& message);

 private:
  RunConfig config_;
  std::shared_ptr<TrainingControl> control_;
  SessionOptions options_;
};

}  // namespace moelab::ui
