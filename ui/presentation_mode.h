#pragma once
// Presentation mode, for a class watching a projector (View > Presentation mode, F5 or F11, or
// moelab --presentation): the window full screen, the type larger (TextScale), the control
// panel down to the three switches (the run controls stay in the toolbar) and the dashboard down
// to two enlarged charts. Leaving it (F5, F11 or Esc) puts the window back as it was: its size,
// whether it was maximised, its docks and the panels.

#include <QByteArray>
#include <QObject>

class QAction;
class QMainWindow;

namespace moelab::ui {

class ChartPanel;
class ControlPanel;

class PresentationMode : public QObject {
  Q_OBJECT

 public:
  PresentationMode(QMainWindow* window, ControlPanel* controls, ChartPanel* charts);
  ~PresentationMode() override;

  bool active() const { return active_; }
  void set_active(bool active);
  void toggle() { set_active(!active_); }
  // Checkable, F5 and F11: for the View menu.
  QAction* toggle_action() const { return toggle_; }

 Q_SIGNALS:
  void activeChanged(bool active);

 private:
  void enter();
  void leave();

  QMainWindow* window_;
  ControlPanel* controls_;
  ChartPanel* charts_;
  QAction* toggle_ = nullptr;
  QAction* leave_ = nullptr;  // Esc, only while presenting
  bool active_ = false;
  QByteArray geometry_;  // the window before it presented
  QByteArray state_;
};

}  // namespace moelab::ui
