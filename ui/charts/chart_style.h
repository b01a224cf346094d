#pragma once
// The dashboard's look in one place: a light and a dark theme (Theme chooses) with fonts and line
// widths chosen to stay readable on a classroom projector. Every chart takes its fonts and neutral
// colours from here. The fonts are sized relative to the application's font, so that they follow
// the type's scale (TextScale) and a desktop's larger default.

#include <QColor>
#include <QFont>

QT_BEGIN_NAMESPACE
class QChart;
class QValueAxis;
QT_END_NAMESPACE

namespace moelab::ui {

class ChartStyle {
 public:
  static QFont title_font();
  // The title font, a little smaller (down to 10 pt) if that makes `text` fit in `width`.
  static QFont fitted_title_font(const QString& text, double width);
  static QFont label_font();
  static QFont axis_title_font();
  static QFont small_font();
  // Sets a Qt chart's title, legend and axis fonts (again, after the type's scale changed).
  static void apply_fonts(QChart* chart);

  // Dark colours from now on (Theme); charts paint with whatever is current.
  static void set_dark(bool dark);
  static bool dark();

  static QColor background();
  static QColor text();
  static QColor muted_text();
  static QColor grid();
  static QColor axis_line();
  static QColor split_marker();
  static QColor switch_marker();
  static QColor reference_line();
  // A neutral curve that is no expert's and no arm's (the total loss, the whole router's norm).
  static QColor ink();

  static qreal line_width();

  static void apply(QChart* chart);
  // The current theme's colours on a Qt chart, its legend and axes (again, after a theme change).
  static void apply_colors(QChart* chart);
  static void apply(QValueAxis* axis, const QString& title);
};

}  // namespace moelab::ui
