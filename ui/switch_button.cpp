#include "switch_button.h"

#include <QEnterEvent>
#include <QPainter>
#include <QPainterPath>
#include <QStyle>
#include <QStyleOptionFocusRect>

namespace moelab::ui {

namespace {

constexpr int kGap = 10;  // between track and label

}  // namespace

SwitchButton::SwitchButton(const QString& text, QWidget* parent) : QAbstractButton(parent) {
  setText(text);
  setCheckable(true);
  setCursor(Qt::PointingHandCursor);
  setFocusPolicy(Qt::StrongFocus);
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

QFont SwitchButton::label_font() const {
  QFont f = font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.15);
  return f;
}

QSize SwitchButton::track_size() const {
  const int h = QFontMetrics(label_font()).height() + 8;
  return {h * 2 + 8, h};
}

QSize SwitchButton::sizeHint() const {
  const QSize track = track_size();
  const int text_width = QFontMetrics(label_font()).horizontalAdvance(text());
  return {track.width() + kGap + text_width + 4, track.height() + 4};
}

void SwitchButton::enterEvent(QEnterEvent* event) {
  hovered_ = true;
  update();
  QAbstractButton::enterEvent(event);
}

void SwitchButton::leaveEvent(QEvent* event) {
  hovered_ = false;
  update();
  QAbstractButton::leaveEvent(event);
}

void SwitchButton::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QSize ts = track_size();
  const QRectF track(2, (height() - ts.height()) / 2.0, ts.width(), ts.height());
  const qreal radius = track.height() / 2.0;
  const bool on = isChecked();
  const bool enabled = isEnabled();

  QColor fill = on ? QColor(0x2e, 0x7d, 0x32) : QColor(0x9e, 0x9e, 0x9e);
  if (!enabled)
    fill = fill.lighter(150);
  else if (hovered_)
    fill = fill.lighter(112);
  p.setPen(Qt::NoPen);
  p.setBrush(fill);
  p.drawRoundedRect(track, radius, radius);

  const qreal knob = track.height() - 6;
  const qreal knob_x = on ? track.right() - knob - 3 : track.left() + 3;
  p.setBrush(Qt::white);
  p.drawEllipse(QRectF(knob_x, track.top() + 3, knob, knob));

  QFont small = font();
  small.setBold(true);
  small.setPointSizeF(small.pointSizeF() * 0.8);
  p.setFont(small);
  p.setPen(Qt::white);
  const QRectF word =
      on ? QRectF(track.left() + 6, track.top(), track.width() - knob - 12, track.height())
         : QRectF(track.left() + knob + 6, track.top(), track.width() - knob - 12, track.height());
  p.drawText(word, Qt::AlignCenter, on ? tr("ON") : tr("OFF"));

  p.setFont(label_font());
  p.setPen(palette().color(enabled ? QPalette::Active : QPalette::Disabled, QPalette::WindowText));
  const QRect label(static_cast<int>(track.right()) + kGap, 0,
                    width() - static_cast<int>(track.right()) - kGap, height());
  p.drawText(label, Qt::AlignVCenter | Qt::AlignLeft, text());

  if (hasFocus()) {
    QStyleOptionFocusRect option;
    option.initFrom(this);
    option.rect = rect().adjusted(0, 0, -1, -1);
    style()->drawPrimitive(QStyle::PE_FrameFocusRect, &option, &p, this);
  }
}

}  // namespace moelab::ui
