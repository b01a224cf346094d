#include "panel_scroll_area.h"

#include <QEvent>
#include <QScrollBar>
#include <QStyle>
#include <algorithm>

namespace moelab::ui {

namespace {

// What a layout gives the widget at least: its explicit minimum where it has one, else its hint.
QSize least_size(const QWidget* widget) {
  const QSize hint = widget->minimumSizeHint();
  return {widget->minimumWidth() > 0 ? widget->minimumWidth() : hint.width(),
          widget->minimumHeight() > 0 ? widget->minimumHeight() : hint.height()};
}

}  // namespace

PanelScrollArea::PanelScrollArea(QWidget* parent) : QScrollArea(parent) {
  setWidgetResizable(true);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setFrameShape(QFrame::NoFrame);
}

int PanelScrollArea::scroll_bar_width() const {
  return style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this);
}

QSize PanelScrollArea::minimumSizeHint() const {
  const QSize base = QScrollArea::minimumSizeHint();
  if (!widget()) return base;
  return {least_size(widget()).width() + 2 * frameWidth() + scroll_bar_width(), base.height()};
}

QSize PanelScrollArea::sizeHint() const {
  const QSize base = QScrollArea::sizeHint();
  if (!widget()) return base;
  const int width = std::max(least_size(widget()).width(), widget()->sizeHint().width());
  return {width + 2 * frameWidth() + scroll_bar_width(), base.height()};
}

QSize PanelScrollArea::room() const {
  const QSize full = maximumViewportSize();  // inside the frame, without scroll bars
  return {std::max(0, full.width() - scroll_bar_width()), full.height()};
}

bool PanelScrollArea::viewportEvent(QEvent* event) {
  // The widget's minimum changed (type scaled, part of it hidden): ours did too. The viewport
  // receives the widget's layout request; the scroll area itself would not hear of it.
  if (event->type() == QEvent::LayoutRequest) updateGeometry();
  return QScrollArea::viewportEvent(event);
}

}  // namespace moelab::ui
