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

namespace {
bool dark_theme = false;
// Light, then dark.
QColor pick(QRgb light, QRgb dark) { return QColor::fromRgb(dark_theme ? dark : light); }
}  // namespace

void ChartStyle::set_dark(bool dark) { dark_theme = dark; }
bool ChartStyle::dark() { return dark_theme; }

QColor ChartStyle::background() { return pick(0xffffff, 0x1f2328); }
QColor ChartStyle::text() { return pick(0x1f2937, 0xe6edf3); }
QColor ChartStyle::muted_text() { return pick(0x4b5563, 0xa3acb9); }
QColor ChartStyle::grid() { return pick(0xe5e7eb, 0x353b44); }
QColor ChartStyle::axis_line() { return pick(0x9ca3af, 0x6e7681); }
QColor ChartStyle::split_marker() { return pick(0x6d28d9, 0xb197fc); }
QColor ChartStyle::switch_marker() { return pick(0xc2410c, 0xfb923c); }
QColor ChartStyle::reference_line() { return pick(0x4b5563, 0xa3acb9); }
QColor ChartStyle::ink() { return pick(0x111827, 0xe6edf3); }

qreal ChartStyle::line_width() { return 2.0; }

void ChartStyle::apply(QChart* chart) {
  // Live data: an animation would restart on every refresh and never finish.
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->setTheme(QChart::ChartThemeLight);
  chart->setBackgroundRoundness(0);
  chart->setBackgroundPen(Qt::NoPen);
  chart->setMargins(QMargins(4, 2, 8, 2));
  chart->layout()->setContentsMargins(0, 0, 0, 0);
  chart->setDropShadowEnabled(false);
  QLegend* legend = chart->legend();
  legend->setVisible(true);
  legend->setAlignment(Qt::AlignBottom);
  legend->setMarkerShape(QLegend::MarkerShapeRectangle);
  legend->setShowToolTips(true);
  legend->setContentsMargins(0, 0, 0, 0);
  apply_fonts(chart);
  apply_colors(chart);
}

void ChartStyle::apply_colors(QChart* chart) {
  chart->setBackgroundBrush(background());
  chart->setPlotAreaBackgroundVisible(false);
  chart->setTitleBrush(text());
  chart->legend()->setLabelColor(text());
  for (QAbstractAxis* axis : chart->axes()) {
    axis->setTitleBrush(muted_text());
    axis->setLabelsColor(muted_text());
    axis->setGridLineColor(grid());
    axis->setLinePenColor(axis_line());
  }
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
