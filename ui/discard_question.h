#pragma once
// The question asked before the charts and report of a run that finished (or was stopped) are
// thrown away (Reset, Start again, a teaching preset): they are what the lesson produced. The
// answer "Don't ask again" is kept in the settings.

#include <QString>

class QWidget;

namespace moelab::ui {

class DiscardQuestion {
 public:
  static constexpr const char* kSettingsKey = "confirm/discard_finished_run";

  // True when `action` ("Reset", ...) may throw the finished run away: the user agreed, now or
  // for good. `run_folder` is where the run stays on disk (empty: it was kept in memory only).
  static bool ask(QWidget* parent, const QString& action, const QString& run_folder);
};

}  // namespace moelab::ui
