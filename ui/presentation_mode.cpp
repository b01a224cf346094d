#include "presentation_mode.h"

#include <QAction>
#include <QKeySequence>
#include <QMainWindow>
#include <QScreen>
#include <QSignalBlocker>

#include "charts/chart_panel.h"
#include "control_panel.h"
#include "text_scale.h"

namespace moelab::ui {

PresentationMode::PresentationMode(QMainWindow* window, ControlPanel* controls, ChartPanel* charts)
    : QObject(window), window_(window), controls_(controls), charts_(charts) {
  toggle_ = new QAction(tr("&Presentation mode"), window);
  toggle_->setCheckable(true);
  toggle_->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::Key_F11)});
  toggle_->setToolTip(tr("Full screen, larger type, the three switches and two large charts"));
  connect(toggle_, &QAction::toggled, this, &PresentationMode::set_active);
  leave_ = new QAction(tr("Leave presentation mode"), window);
  leave_->setShortcut(QKeySequence(Qt::Key_Escape));
  leave_->setEnabled(false);
  connect(leave_, &QAction::triggered, this, [this] { set_active(false); });
  // A shortcut without a menu entry: the window carries it.
  window->addAction(leave_);
}

PresentationMode::~PresentationMode() {
  // A window closed while presenting gives the larger type back to the others.
  if (active_) TextScale::instance()->release_presentation();
}

void PresentationMode::set_active(bool active) {
  if (active == active_) return;
  active_ = active;
  if (active) {
    enter();
  } else {
    leave();
  }
  {
    const QSignalBlocker block(toggle_);
    toggle_->setChecked(active);
  }
  leave_->setEnabled(active);
  Q_EMIT activeChanged(active);
}

void PresentationMode::enter() {
  geometry_ = window_->saveGeometry();
  state_ = window_->saveState();
  controls_->set_compact(true);
  charts_->set_presentation(true);
  TextScale::instance()->hold_presentation();
  // The screen's whole area first: full screen is the window manager's to grant, and without one
  // (a bare X server, a kiosk) a window sized for a larger screen would keep its size.
  if (const QScreen* screen = window_->screen()) window_->setGeometry(screen->geometry());
  window_->showFullScreen();
}

void PresentationMode::leave() {
  TextScale::instance()->release_presentation();
  controls_->set_compact(false);
  charts_->set_presentation(false);
  // The saved geometry knows whether the window was maximised (or already full screen) and its
  // size when it was not; the saved state knows the docks.
  window_->restoreGeometry(geometry_);
  window_->restoreState(state_);
}

}  // namespace moelab::ui
