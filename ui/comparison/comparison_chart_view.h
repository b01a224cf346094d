#pragma once
// One chart of the comparison window, with the main dashboard's interaction: the wheel zooms the
// x axis around the cursor, a drag pans, a double-click shows the whole run again (in whole epochs
// and inside the data, EpochRange); hovering the plot draws a thin guide at the nearest epoch and
// a read-out (ComparisonReadout) of every arm's mean, min-max and seeds there; a right-click
// exports the chart alone (PNG, SVG, or its numbers as CSV) or resets the zoom.
//
// The view tells what the user did (x_range_navigated, reset_zoom_requested); ComparisonCharts
// keeps its other charts on the same range, as the dashboard's ChartPanel does.
//
// Hovering is cheap with many arms: the guide and the read-out change only when the nearest
// epoch does, the guide is an item of the scene (a move repaints a strip one pixel wide, not the
// arms' bands) and the read-out is a widget of its own.

#include <QPointF>
#include <QPointer>
#include <QString>
#include <QtCharts/QChartView>
#include <vector>

#include "comparison/arm_band.h"
#include "comparison/epoch_range.h"

QT_BEGIN_NAMESPACE
class QGraphicsLineItem;
class QMenu;
class QValueAxis;
QT_END_NAMESPACE

namespace moelab::ui {

class ComparisonReadout;

class ComparisonChartView : public QChartView {
  Q_OBJECT

 public:
  // `chart` has a QValueAxis at the bottom (epochs); the view takes it.
  explicit ComparisonChartView(QChart* chart, QWidget* parent = nullptr);
  ~ComparisonChartView() override;

  // The arms this chart draws and the epochs the comparison covers (its x extent). Keeps the
  // range shown when zoomed, moved inside the new extent.
  void set_bands(std::vector<ArmBand> arms, int first_epoch, int last_epoch);
  const std::vector<ArmBand>& bands() const { return arms_; }

  // Shows [min, max] epochs with round ticks; emits nothing (the linked charts' way in).
  void set_x_range(double min, double max);
  void reset_zoom();
  double x_min() const { return range_.min(); }
  double x_max() const { return range_.max(); }
  bool zoomed() const { return !range_.whole(); }

  // Writes the chart alone, its format by the suffix (comparison_chart_export::write). False with
  // one sentence in `error` and nothing written.
  bool export_to(const QString& path, QString* error);
  // The right-click menu's actions, added to `menu`: export as PNG, SVG, CSV; reset zoom.
  void add_menu_actions(QMenu* menu);

  // The epoch under the guide, -1 when the plot is not hovered; the read-out's text there.
  int hover_epoch() const { return hover_epoch_; }
  QString readout_text() const;
  // The plot area in viewport coordinates: x_min() at its left edge, x_max() at its right.
  QRectF plot_rect() const;

 Q_SIGNALS:
  // The user zoomed or panned to [min, max].
  void x_range_navigated(double min, double max);
  // The user asked for the whole run again (double-click or the menu).
  void reset_zoom_requested();

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;
  bool viewportEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  double pixel_to_x(double px) const;
  double x_to_pixel(double x) const;
  void apply_range();
  void range_changed();
  void navigated();
  void hover(const QPointF& scene_pos);
  void show_hover(int epoch);
  void hide_hover();
  void place_readout();
  void choose_export(const QString& suffix);
  void request_reset();

  QValueAxis* x_axis_ = nullptr;
  std::vector<ArmBand> arms_;
  EpochRange range_;

  bool dragging_ = false;
  double drag_start_x_ = 0.0;  // scene pixels
  int drag_min_ = 0;
  int drag_max_ = 0;

  int hover_epoch_ = -1;
  QGraphicsLineItem* guide_ = nullptr;
  // A child of the window, not of this view (see ComparisonReadout); deleted with the view.
  QPointer<ComparisonReadout> readout_;
};

}  // namespace moelab::ui
