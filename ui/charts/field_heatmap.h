#pragma once
// Growth by pattern, live: the field's activator u per expert over the epochs, a strip under the
// per-expert time chart. Rows are experts by index (the utilisation chart's order and colours),
// columns the growth epochs, each drawn over the x span its epoch takes on the time charts' axis
// (steps, epochs or wall time), so that a column sits under the same epoch of the chart above.
// Colour is u (viridis, the colour bar giving the range the strip shows, the threshold ticked on
// it); the cells whose u is above the threshold are outlined, and the cell whose crossing split
// its expert carries a diamond, the child's row starting right after it.
//
// A row follows one expert through its life: a split appends the child's row; a prune ends the
// pruned expert's row (kept, greyed, for its history) and the experts above it, renumbered one
// lower by the core, keep their rows under their new index.

#include <QString>
#include <QWidget>
#include <memory>
#include <vector>

#include "charts/epoch_x_view.h"
#include "charts/x_clock.h"
#include "training/run_metrics.h"

namespace moelab::ui {

class FieldHeatmap : public QWidget {
  Q_OBJECT

 public:
  // `clock` maps epoch boundaries to x, as the time charts it is aligned with do; null: a
  // private one fed by add_epoch().
  explicit FieldHeatmap(std::shared_ptr<const XClock> clock = nullptr, QWidget* parent = nullptr);

  // --- data, in the order a run reports it (visible after refresh()) ---
  // Every epoch: a growth epoch of a run that grows by the field adds a column, any other only
  // tells where the next column starts.
  void add_epoch(const moelab::EpochMetrics& epoch);
  void add_split(const moelab::SplitEvent& split);
  // --prune-dormant removed expert `expert` after `epoch`.
  void add_prune(int epoch, int expert);
  void clear();
  // Repaints if anything changed since the last call; returns whether it did.
  bool refresh();

  // --- alignment with the time charts ---
  void set_x_axis(XAxis axis);
  // The visible x range, in the current axis's unit.
  void set_x_range(double min, double max);
  // The columns' horizontal extent in this widget's coordinates: the plot area of the chart
  // above. Unset (left >= right): the strip's own margins and the whole run.
  void set_plot_span(double left, double right);

  // --- read-back, for the panel and tests ---
  int row_count() const { return static_cast<int>(rows_.size()); }
  int column_count() const { return static_cast<int>(columns_.size()); }
  int column_epoch(int column) const;
  // The expert's index now; -1 for an expert pruned.
  int row_expert(int row) const;
  QString row_label(int row) const;
  // u of row `row` at column `column`; NaN where the expert did not exist.
  double value_at(int row, int column) const;
  double threshold() const { return threshold_; }
  // u above the threshold.
  bool is_crossing(int row, int column) const;
  // The crossing split this expert after this column's epoch.
  bool is_split(int row, int column) const;
  int crossing_count() const;
  int split_count() const { return static_cast<int>(splits_.size()); }
  // The u range the colours span: the values shown and the threshold.
  double color_min() const;
  double color_max() const;
  // In widget coordinates after the current layout; empty outside the grid or the view.
  QRectF cell_rect(int row, int column) const;
  // (column, row) under `pos`, or (-1, -1).
  QPoint cell_at(const QPointF& pos) const;
  // What the strip says instead of cells (waiting for the growth phase); empty once it has them.
  QString empty_text() const;
  QString tooltip_text(int row, int column) const;

  QSize minimumSizeHint() const override;
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Row {
    int expert = -1;        // index now; -1 once pruned
    int pruned_index = -1;  // the index it had when pruned
  };
  struct Column {
    int epoch = 0;
    XStamp start;  // the end of the epoch before
    XStamp end;
    std::vector<double> u;  // by row; NaN where the expert did not exist
  };
  struct Split {
    int row;
    int child_row;
    int epoch;
  };
  struct Layout {
    QRectF header;     // title and colour bar
    QRectF grid;       // rows x the visible x range
    QRectF color_bar;  // empty when there is no room
    double row_h = 0;
  };
  Layout layout() const;
  double label_width() const;
  // x of `stamp` in pixels across the grid.
  double pixel_of(const XStamp& stamp, const QRectF& grid) const;
  int ensure_row(int expert);
  int column_of_epoch(int epoch) const;
  void paint_header(QPainter& p, const Layout& l);

  EpochXView x_view_;
  std::vector<Row> rows_;
  std::vector<int> row_of_expert_;  // index now -> row
  std::vector<Column> columns_;
  std::vector<Split> splits_;
  double threshold_ = 0;
  double span_left_ = 0;
  double span_right_ = 0;
  bool dirty_ = false;
};

}  // namespace moelab::ui
