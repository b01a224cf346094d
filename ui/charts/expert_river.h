#pragma once
// The expert river: each expert's share of the routed top-k slots over the run, stacked so that
// the bands fill the height at every epoch (utilisation / the sum of utilisations, the same at
// any k). A band follows one expert through its life, as FieldHeatmap's rows do:
//  - a split inserts the child's band right above its parent's, at zero width on the split's
//    epoch, so the child visibly grows out of its parent (the lineage without a legend);
//  - a prune narrows the pruned expert's band to nothing over the next epoch, and the experts
//    above it, renumbered one lower by the core, keep their bands under their new index;
//  - an epoch on which an expert is dormant (the run's list, under its dormant threshold) draws
//    that stretch of its band grey and hatched; its other epochs keep its colour.
// Epoch e's measurement sits at the end of the epoch, where the time charts draw it; the band
// runs straight from one epoch's end to the next (the first epoch flat from the run's start), so
// the stretch that ends at epoch e is epoch e's. The x axis follows the dashboard's (steps,
// epochs or wall time) and its visible range.

#include <QList>
#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

#include "charts/epoch_x_view.h"
#include "charts/x_clock.h"
#include "training/run_metrics.h"

namespace moelab::ui {

class ExpertRiver : public QWidget {
  Q_OBJECT

 public:
  // A time chart's least size (TimeSeriesChart's), so that the per-expert cell keeps its size
  // whichever tab it shows; ChartPanel lowers the height when the field's strip shares the cell.
  static constexpr int kMinimumWidth = 220;
  static constexpr int kMinimumHeight = 150;

  // `clock` maps stamps to x, as the time charts do; null: a private one fed by add_epoch().
  explicit ExpertRiver(std::shared_ptr<const XClock> clock = nullptr, QWidget* parent = nullptr);

  // --- data, in the order a run reports it (visible after refresh()) ---
  void add_epoch(const moelab::EpochMetrics& epoch);
  void add_split(const moelab::SplitEvent& split);
  // --prune-dormant removed expert `expert` after `epoch`.
  void add_prune(int epoch, int expert);
  void clear();
  // Repaints if anything changed since the last call; returns whether it did.
  bool refresh();

  // --- alignment with the time charts ---
  void set_x_axis(XAxis axis);
  // The visible x range, in the current axis's unit; min >= max: the whole run.
  void set_x_range(double min, double max);
  // The range shown (the whole run's when none was set).
  std::pair<double, double> x_range() const { return x_view_.range(); }

  // --- read-back, for the panel and tests ---
  int band_count() const { return static_cast<int>(bands_.size()); }
  int point_count() const { return static_cast<int>(points_.size()); }
  int point_epoch(int point) const;
  // The expert's index now; -1 once pruned.
  int band_expert(int band) const;
  // "e3": the index now, or the one it had when pruned.
  QString band_label(int band) const;
  int band_parent(int band) const;       // -1 for the experts the run started with
  int band_birth_epoch(int band) const;  // the epoch after which it split off; 0 from the start
  // The bands from the bottom of the river to the top.
  const std::vector<int>& stack_order() const { return order_; }
  // The band's share of the routed slots at the point (0 to 1); 0 where it does not exist.
  double share(int band, int point) const;
  bool exists(int band, int point) const;
  bool dormant(int band, int point) const;
  // Whether the stretch of the band that ends at the point is drawn as dormant.
  bool drawn_dormant(int band, int point) const;

  // --- geometry, in widget coordinates after the current layout ---
  QRectF plot_rect() const;
  double point_x(int point) const;
  // Where the stretch that ends at the point starts: the previous point, or the run's start.
  double stretch_start_x(int point) const;
  // The band's upper and lower edge at the point's x (equal where it has no width).
  struct Edges {
    double top = 0;
    double bottom = 0;
  };
  Edges edges(int band, int point) const;
  // The same edges anywhere along the stretch that ends at the point, at pixel x.
  Edges edges_at(int band, int point, double x) const;
  // (band, point) under pos: the stretch under x and the band under y there; (-1, -1) if none.
  std::pair<int, int> band_at(const QPointF& pos) const;
  QString tooltip_text(int band, int point) const;
  // What the chart says instead of bands; empty once it has them.
  QString empty_text() const;

  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Band {
    int expert = -1;        // index now; -1 once pruned
    int pruned_index = -1;  // the index it had when pruned
    int pruned_epoch = 0;
    int parent = -1;  // band
    int birth_epoch = 0;
  };
  struct Point {
    int epoch = 0;
    XStamp start;  // the end of the epoch before
    XStamp end;
    std::vector<double> share;  // by band; 0 where the expert did not exist
    std::vector<char> exists;
    std::vector<char> dormant;
  };
  struct Split {
    int epoch;
    XStamp at;
  };
  struct Layout {
    QRectF title;
    QRectF plot;
    QRectF labels;  // right of the plot: the experts' names
  };
  Layout layout() const;
  static QFont band_label_font();
  // x in pixels across the plot: of a value on the axis, of a stamp.
  double x_to_pixel(double x, const QRectF& plot) const;
  double pixel_of(const XStamp& stamp, const QRectF& plot) const;
  int ensure_band(int expert);
  // The geometry's read-back against a given plot area: painting lays out once per paint.
  double point_x(int point, const QRectF& plot) const;
  double stretch_start_x(int point, const QRectF& plot) const;
  Edges edges(int band, int point, const QRectF& plot) const;
  Edges edges_at(int band, int point, double x, const QRectF& plot) const;
  // Cumulative share below the band at the point (the band's lower edge, 0 to 1).
  double share_below(int band, int point) const;

  // --- painting (expert_river_painting.cpp) ---
  void paint_frame(QPainter& p, const Layout& l);
  void paint_bands(QPainter& p, const Layout& l);
  void paint_dormant_threads(QPainter& p, const Layout& l);
  void paint_splits(QPainter& p, const Layout& l);
  void paint_labels(QPainter& p, const Layout& l);
  QPolygonF stretch_polygon(int band, int first, int last, const QRectF& plot) const;

  EpochXView x_view_;
  std::vector<Band> bands_;
  std::vector<int> band_of_expert_;  // index now -> band
  std::vector<int> order_;           // bottom to top
  std::vector<Point> points_;
  std::vector<Split> splits_;
  bool dirty_ = false;
};

}  // namespace moelab::ui
