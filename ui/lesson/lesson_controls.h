#pragma once
// The lesson's controls in the Run menu: which breakpoints pause a run (one check box each, from
// the core's breakpoint_catalog(), remembered in the settings under "breakpoints/"), the entropy
// threshold, and the pace teaching presets start at.

#include <QList>
#include <QObject>
#include <vector>

#include "training/breakpoints.h"

class QAction;
class QWidget;

namespace moelab::ui {

class LessonControls : public QObject {
  Q_OBJECT

 public:
  // Milliseconds after every step: a default run's epoch takes about half a second, slow enough
  // for a room to watch the charts grow and fast enough to reach the growth phase in a lesson.
  static constexpr int kLessonPaceMs = 25;
  static constexpr const char* kSettingsGroup = "breakpoints";
  static constexpr const char* kThresholdKey = "entropy_threshold";

  // `parent` owns the actions and the threshold dialog. Reads the settings.
  explicit LessonControls(QWidget* parent);

  // For the menu: a check box per breakpoint, then "Entropy threshold...".
  QList<QAction*> actions() const;
  QAction* action(moelab::BreakpointKind kind) const;
  const moelab::BreakpointSettings& settings() const { return settings_; }
  // Shows and stores `settings` (a threshold outside (0, 1) is refused: false).
  bool set_settings(const moelab::BreakpointSettings& settings);

 Q_SIGNALS:
  void changed(const moelab::BreakpointSettings& settings);

 private:
  void choose_threshold();
  void show_settings();
  void store() const;

  QWidget* parent_;
  std::vector<QAction*> actions_;  // by catalog order
  QAction* threshold_ = nullptr;
  moelab::BreakpointSettings settings_;
};

}  // namespace moelab::ui
