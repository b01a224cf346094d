#pragma once
// What the window-fit suites check a control by: shown whole inside every ancestor up to its
// window, and the controls a lesson cannot do without.

#include <QList>
#include <QString>
#include <QWidget>

#include "control_panel.h"
#include "main_window.h"
#include "report_view.h"
#include "run_controls.h"
#include "switch_button.h"

// Empty when `widget` is shown whole inside every ancestor up to `window`; else why not.
inline QString cut_off(const QWidget* widget, const QWidget* window) {
  const QString name = widget->objectName().isEmpty()
                           ? QString::fromLatin1(widget->metaObject()->className())
                           : widget->objectName();
  if (!widget->isVisibleTo(window)) return name + QStringLiteral(" is hidden");
  if (widget->width() <= 0 || widget->height() <= 0) return name + QStringLiteral(" has no size");
  for (const QWidget* ancestor = widget->parentWidget(); ancestor != nullptr;
       ancestor = ancestor->parentWidget()) {
    const QRect rect(widget->mapTo(ancestor, QPoint(0, 0)), widget->size());
    if (!ancestor->rect().contains(rect)) {
      return QStringLiteral("%1 at (%2, %3) %4 x %5 is cut by %6 (%7 x %8)")
          .arg(name)
          .arg(rect.x())
          .arg(rect.y())
          .arg(rect.width())
          .arg(rect.height())
          .arg(QString::fromLatin1(ancestor->metaObject()->className()))
          .arg(ancestor->width())
          .arg(ancestor->height());
    }
    if (ancestor == window) break;
  }
  return QString();
}

// The controls a lesson cannot do without.
inline QList<QWidget*> key_controls(moelab::ui::MainWindow& w) {
  auto* panel = w.control_panel();
  auto* run = w.run_controls();
  return {panel->projection_switch(),
          panel->cooldown_switch(),
          panel->entropy_switch(),
          run->widgetForAction(run->start_action()),
          run->widgetForAction(run->pause_action()),
          run->widgetForAction(run->stop_action()),
          w.report_view()};
}
