#pragma once
// What every chart of the dashboard offers on its title: a double-click maximises its cell (the
// chart alone fills the dashboard) and another gives the dashboard back; a right-click offers the
// same and the chart's export alone, as PNG, SVG or (a time chart's curves) CSV.

#include <QObject>
#include <QString>
#include <vector>

class QWidget;

namespace moelab::ui {

class ChartGrid;
class TimeSeriesChart;

class ChartCellControls : public QObject {
  Q_OBJECT

 public:
  explicit ChartCellControls(ChartGrid* grid);

  // `chart` (a widget in `cell`, or the cell itself) gets the title's double-click and menu.
  // `name` is its file name's default ("accuracy"); `series` is set for a time chart (CSV).
  void add(QWidget* chart, QWidget* cell, const QString& name, TimeSeriesChart* series = nullptr);
  // Maximises `cell`, or gives the dashboard back when it is maximised already.
  void toggle_maximised(QWidget* cell);

  // Writes `chart` alone to `path`, its format by the suffix: .png (twice the pixels), .svg, or
  // .csv for a time chart (one row per point: series, x, value). False with one sentence in
  // `error`, and nothing written, on an unknown suffix or a write error.
  static bool export_chart(QWidget* chart, const TimeSeriesChart* series, const QString& path,
                           QString* error);
  // The band at the top of a chart where its title is: a double-click or right-click there is
  // the chart's, not its plot's.
  static double title_band();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Chart {
    QWidget* events;  // where the mouse events arrive (a chart view's viewport)
    QWidget* widget;
    QWidget* cell;
    QString name;
    TimeSeriesChart* series;
  };
  void show_menu(const Chart& chart, const QPoint& global);
  void choose_export(const Chart& chart, const QString& suffix);

  ChartGrid* grid_;
  std::vector<Chart> charts_;
};

}  // namespace moelab::ui
