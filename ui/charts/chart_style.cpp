#include "charts/chart_style.h"

#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>

namespace moelab::ui {

namespace {

// The sizes below were chosen against a 9 pt interface font; they keep their proportion to the
// application's font.
constexpr double kDesignPoints = 9.0;

QFont sized(double design_points) {
  QFont f;  // the application's font
  const double base = f.pointSizeF() > 0 ? f.pointSizeF() : kDesignPoints;
  f.setPointSizeF(design_points * base / kDesignPoints);
  return f;
}

}  // namespace

QFont ChartStyle::title_font() {
  QFont f = sized(11.5);
  f.setBold(true);
  return f;
}

QFont ChartStyle::fitted_title_font(const QString& text, double width) {
  QFont f = title_font();
  const double smallest = sized(10.0).pointSizeF();
  for (double size = f.pointSizeF(); size >= smallest; size -= 0.5) {
    f.setPointSizeF(size);
    if (QFontMetricsF(f).horizontalAdvance(text) <= width) break;
  }
  return f;
}

QFont ChartStyle::label_font() { return sized(9.5); }

QFont ChartStyle::axis_title_font() { return sized(9.5); }

QFont ChartStyle::small_font() { return sized(9.0); }

QColor ChartStyle::background() { return Qt::white; }
QColor ChartStyle::text() { return QColor(0x1f, 0x29, 0x37); }
QColor ChartStyle::muted_text() { return QColor(0x4b, 0x55, 0x63); }
QColor ChartStyle::grid() { return QColor(0xe5, 0xe7, 0xeb); }
QColor ChartStyle::axis_line() { return QColor(0x9c, 0xa3, 0xaf); }
QColor ChartStyle::split_marker() { return QColor(0x6d, 0x28, 0xd9); }
QColor ChartStyle::switch_marker() { return QColor(0xc2, 0x41, 0x0c); }
QColor ChartStyle::reference_line() { return QColor(0x4b, 0x55, 0x63); }

qreal ChartStyle::line_width() { return 2.0; }

void ChartStyle::apply(QChart* chart) {
  // Live data: an animation would restart on every refresh and never finish.
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->setTheme(QChart::ChartThemeLight);
  chart->setBackgroundBrush(background());
  chart->setBackgroundRoundness(0);
  chart->setBackgroundPen(Qt::NoPen);
  chart->setMargins(QMargins(4, 2, 8, 2));
  chart->layout()->setContentsMargins(0, 0, 0, 0);
  chart->setTitleBrush(text());
  chart->setDropShadowEnabled(false);
  QLegend* legend = chart->legend();
  legend->setVisible(true);
  legend->setAlignment(Qt::AlignBottom);
  legend->setLabelColor(text());
  legend->setMarkerShape(QLegend::MarkerShapeRectangle);
  legend->setShowToolTips(true);
  legend->setContentsMargins(0, 0, 0, 0);
  apply_fonts(chart);
}

void ChartStyle::apply_fonts(QChart* chart) {
  chart->setTitleFont(title_font());
  chart->legend()->setFont(label_font());
  for (QAbstractAxis* axis : chart->axes()) {
    axis->setTitleFont(axis_title_font());
    axis->setLabelsFont(label_font());
  }
}

void ChartStyle::apply(QValueAxis* axis, const QString& title) {
  axis->setTitleText(title);
  axis->setTitleFont(axis_title_font());
  axis->setTitleBrush(muted_text());
  axis->setLabelsFont(label_font());
  axis->setLabelsColor(muted_text());
  axis->setGridLineColor(grid());
  axis->setLinePenColor(axis_line());
  axis->setMinorGridLineVisible(false);
  axis->setTickInterval(0.2);  // before dynamic ticks: the default 0 has no meaning
  axis->setTickType(QValueAxis::TicksDynamic);
  axis->setTickAnchor(0.0);
}

}  // namespace moelab::ui
