#pragma once
// A live line chart over training time, TensorBoard-style: faint raw curves behind smoothed ones,
// event markers (splits, switch changes) on an event lane above the plot, reference lines, x
// zoom/pan and a hover read-out.
//
// Data goes into full-resolution buffers only; refresh() (called by ChartPanel's throttle timer)
// decimates the visible part to the plot's pixel width (min/max per column) and swaps it in whole.
//
// Qt Charts draws the frame: axes, grid, legend. The view draws the title itself, with the event
// lane between it and the plot (Qt Charts lays its title out right on top of the plot). The curves
// are painted by this view over the plot area (drawForeground). Qt Charts 6.4's QLineSeries
// re-strokes a hit-test outline (QPainterPathStroker, mitre joins, two atan2 per point) on every
// replace() and again on every axis change, then paints segment by segment: eight curves of ~1,600
// points took several times the whole refresh budget (bench/chart_refresh_bench.cpp). The
// QLineSeries stay, empty, as the legend's entries.

#include <QColor>
#include <QList>
#include <QPen>
#include <QPointF>
#include <QPolygonF>
#include <QString>
#include <QVector>
#include <QtCharts/QChartView>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "charts/ema_smoother.h"
#include "charts/event_lane.h"
#include "charts/min_max_decimator.h"
#include "charts/x_clock.h"

QT_BEGIN_NAMESPACE
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace moelab::ui {

class TimeSeriesChart : public QChartView {
  Q_OBJECT

 public:
  enum class MarkerKind { Split, Switch };
  static constexpr int kFaintAlpha = 60;
  static constexpr int kDormantAlpha = 120;  // the stretch up to a dormant point
  // The smallest a chart gets: two side by side next to the docks at 1024 px, three rows of them
  // at 768 px (ChartGrid).
  static constexpr int kMinimumWidth = 220;
  static constexpr int kMinimumHeight = 150;
  enum class YRange { Auto, AutoFromZero, Fixed };

  struct LineStyle {
    QColor color;
    // Noisy step-level curves get a faint raw copy behind the smoothed one; epoch-level curves
    // have too few points to smooth.
    bool smoothable = true;
    bool show_points = false;
    Qt::PenStyle pen_style = Qt::SolidLine;
    qreal width = 2.0;
    // Measured against the second y axis on the right (see set_right_axis()), for a figure on
    // another scale than the chart's main one.
    bool right_axis = false;
    // Drawn before (under) the lines without it: another run's curves under this run's.
    bool behind = false;
  };

  // `clock` maps stamps to x values; charts of one panel share it. Null: a private clock.
  TimeSeriesChart(const QString& title, const QString& y_title,
                  std::shared_ptr<const XClock> clock = nullptr, QWidget* parent = nullptr);
  ~TimeSeriesChart() override;

  // --- data (buffered; visible after the next refresh()) ---
  // Returns the line's index; a key already present returns the existing line.
  int add_line(const QString& key, const QString& name, const LineStyle& style);
  int find_line(const QString& key) const;
  void append(int line, const XStamp& at, double y);
  void set_line_name(int line, const QString& name);
  void set_line_color(int line, const QColor& color);
  // Whether the line's expert is dormant now (its name says so; nothing else changes).
  void set_line_dormant(int line, bool dormant);
  // The line's last point was measured while its expert was dormant: that point is a hollow dot
  // and the stretch up to it dashed and faded, so an expert is drawn dormant only where it was.
  void mark_last_point_dormant(int line);
  // `detail` (plain text, optional) is added to the hover read-out near the marker.
  void add_marker(const XStamp& at, const QString& label, MarkerKind kind,
                  const QString& detail = QString());
  // A labelled horizontal line; setting the same key again moves it.
  void set_reference_line(const QString& key, double y, const QString& label);
  // Drops data, markers and reference lines; keeps the lines themselves.
  void clear();
  // Drops the lines too (for charts whose lines come and go with the run, like experts).
  void remove_lines();
  // Drops one line with its legend entry; the lines after it move down one index.
  void remove_line(int line);

  // --- view ---
  void set_x_axis(XAxis axis);
  XAxis x_axis() const { return axis_; }
  void set_smoothing(double weight);
  double smoothing() const { return smoothing_; }
  // Following: the x range always shows the whole run. Not following: new data is still
  // buffered, but the x range stays where the user left it.
  void set_follow(bool follow);
  bool follows() const { return follow_; }
  // Shows [min, max] and stops following (what zooming and panning do).
  void set_x_range(double min, double max);
  void reset_zoom();
  // While following, the view starts at `start` instead of the run's beginning (ChartPanel's
  // focus on the growth phase); none: the whole run.
  void set_follow_start(std::optional<XStamp> start);
  void set_y_range(YRange mode, double lo = 0.0, double hi = 1.0);
  // A second y axis on the right, for the lines whose style asks for it; it takes its range
  // from those lines alone. Without this call there is none.
  void set_right_axis(const QString& title, YRange mode, double lo = 0.0, double hi = 1.0);
  bool has_right_axis() const { return right_axis_ != nullptr; }
  // Legend below the plot (default), or below only while it fits in one row and beside the plot
  // once it would be elided: for charts whose number of lines grows, like one per expert.
  void set_legend_auto_placement(bool automatic);
  // The largest x of any point or marker on the current axis; -infinity when empty.
  double data_x_max() const;
  // While following, show at least up to x: ChartPanel passes the newest x of all its charts so
  // that they line up although each gets data at its own pace (epochs vs steps).
  void set_follow_extent(double x);

  // Redraws if anything changed since the last refresh; returns whether it did.
  bool refresh();
  bool needs_refresh() const { return dirty_; }
  int refresh_count() const { return refresh_count_; }

  // --- read-back, for the panel, tests and the benchmark ---
  int line_count() const { return static_cast<int>(lines_.size()); }
  QString line_key(int line) const;
  QString line_name(int line) const;
  bool line_dormant(int line) const;
  bool point_dormant(int line, int point) const;
  QColor line_color(int line) const;
  int point_count(int line) const;
  double last_value(int line) const;                 // NaN when empty
  QVector<QPointF> points(int line) const;           // full resolution, current x axis
  QVector<QPointF> smoothed_points(int line) const;  // empty unless smoothing applies
  QLineSeries* series(int line) const;               // the line's legend entry (pen, name)
  // What the last refresh decimated for drawing, in data coordinates: the bold curve (smoothed
  // when smoothing applies) and the faint raw copy behind it (empty unless smoothing applies).
  QList<QPointF> drawn_points(int line) const;
  QList<QPointF> faint_points(int line) const;
  int series_point_count(int line) const;  // drawn_points(line).size()
  QPen line_pen(int line) const;           // the bold curve's pen
  QPen faint_pen(int line) const;
  int marker_count() const { return static_cast<int>(markers_.size()); }
  QString marker_label(int marker) const;
  QString marker_detail(int marker) const;
  double marker_x(int marker) const;
  MarkerKind marker_kind(int marker) const;
  const QString& title() const { return title_; }
  // The event lane above the plot and its labels as they are drawn now (plot_rect()'s
  // coordinates): every marker in view is a member of exactly one label.
  QRectF event_lane_rect() const;
  std::vector<EventLane::Label> event_lane_labels() const;
  // The lane's tooltip at pos: the events of the label there, one a line; empty off the labels.
  QString event_lane_tooltip(const QPointF& pos) const;
  int reference_count() const { return static_cast<int>(references_.size()); }
  double x_min() const;
  double x_max() const;
  double y_min() const;
  double y_max() const;
  double right_y_min() const;  // NaN without a right axis
  double right_y_max() const;
  bool line_on_right_axis(int line) const;
  bool line_behind(int line) const;  // drawn under the other lines (LineStyle::behind)
  // The hover read-out at x (nearest point of every line), as rich text.
  QString tooltip_text(double x) const;
  // The plot area in viewport coordinates, x_min() at its left edge and x_max() at its right.
  QRectF plot_rect() const;

  // --- forks ---
  // Offers "Fork from here" in the right-click menu (fork_requested).
  void set_forkable(bool forkable) { forkable_ = forkable; }
  bool forkable() const { return forkable_; }
  // The epoch whose end a fork from x would start from: the epoch before a split marker near x
  // (to revisit the split), else the epoch boundary nearest the point under x; -1 with no data.
  int fork_epoch_at(double x) const;

  QSize sizeHint() const override { return QSize(480, 320); }

 Q_SIGNALS:
  // The user zoomed or panned; ChartPanel keeps the other charts on the same range.
  void x_range_navigated(double min, double max);
  // The user double-clicked: back to the whole run, following again.
  void reset_zoom_requested();
  // The user chose "Fork from here": a new run from this run's state after `epoch`.
  void fork_requested(int epoch);

 protected:
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;
  bool viewportEvent(QEvent* event) override;
  void drawForeground(QPainter* painter, const QRectF& rect) override;
  void changeEvent(QEvent* event) override;  // the type's scale changed: fonts again

 private:
  struct Line {
    QString key;
    QString name;
    LineStyle style;
    bool dormant = false;
    QVector<XStamp> stamps;
    QVector<char> dormant_points;  // by point, as stamps
    bool any_dormant_point = false;
    QVector<QPointF> raw;     // x on the current axis
    QVector<QPointF> smooth;  // same x, smoothed y; kept only for smoothable lines
    EmaSmoother ema;
    QLineSeries* series = nullptr;  // legend entry only
    QList<QPointF> shown;           // decimated, data coordinates
    QList<QPointF> shown_faint;
    std::uint64_t generation = 0;  // bumped when points change other than by appending
    MinMaxDecimator bold_decimator;
    MinMaxDecimator faint_decimator;
  };
  struct Marker {
    XStamp at;
    QString label;
    MarkerKind kind;
    QString detail;
  };
  struct Reference {
    QString key;
    QString label;
    double y;
  };

  struct Extent {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
  };
  // An axis's range: the fixed one, or the drawn values' extent with some headroom.
  static std::pair<double, double> y_range(YRange mode, double fixed_lo, double fixed_hi,
                                           Extent extent);
  bool smoothing_applies(const Line& line) const;
  const QVector<QPointF>& drawn(const Line& line) const;
  void apply_pen(Line& line);
  QPen pen_for(const Line& line) const;
  void draw_curves(QPainter* painter, const QRectF& plot);
  void place_legend();
  static void draw_column_spans(QPainter* painter, const QPolygonF& polygon, const QColor& color);
  void remap_x();
  void resmooth(Line& line);
  void update_x_range_from_data();
  void push_points();
  void set_axis_range(QValueAxis* axis, double min, double max, int ticks, bool integer_steps);
  QString x_title() const;
  double x_to_pixel(double x, const QRectF& plot) const;
  double pixel_to_x(double px, const QRectF& plot) const;
  double y_to_pixel(double y, const QRectF& plot) const;
  const QValueAxis* axis_of(const Line& line) const;
  void draw_title(QPainter* painter) const;
  void update_top_margin();
  QRectF lane_rect(const QRectF& plot) const;
  // The markers in view as lane events, and their labels laid out in the lane.
  std::vector<EventLane::Event> lane_events(const QRectF& plot) const;
  std::vector<EventLane::Label> lane_labels(const QRectF& plot,
                                            const std::vector<EventLane::Event>& events) const;
  void draw_markers(QPainter* painter, const QRectF& plot);
  void draw_references(QPainter* painter, const QRectF& plot);
  void navigate_to(double min, double max);

  std::shared_ptr<const XClock> clock_;
  std::uint64_t clock_version_ = 0;
  QString title_;
  QValueAxis* x_axis_ = nullptr;
  QValueAxis* y_axis_ = nullptr;
  QValueAxis* right_axis_ = nullptr;
  std::vector<Line> lines_;
  std::vector<Marker> markers_;
  std::vector<Reference> references_;

  XAxis axis_ = XAxis::Step;
  double smoothing_ = 0.0;
  bool follow_ = true;
  double view_min_ = 0.0;
  double view_max_ = 1.0;
  double follow_extent_ = -std::numeric_limits<double>::infinity();
  std::optional<XStamp> follow_start_;
  bool follow_range_valid_ = false;  // view_min_/view_max_ hold a range chosen while following
  YRange y_mode_ = YRange::Auto;
  double y_lo_ = 0.0;
  double y_hi_ = 1.0;
  YRange right_mode_ = YRange::Auto;
  double right_lo_ = 0.0;
  double right_hi_ = 1.0;
  bool dirty_ = true;
  bool refresh_queued_ = false;
  bool legend_auto_ = false;
  int refresh_count_ = 0;

  bool dragging_ = false;
  QPointF drag_start_;
  double drag_min_ = 0.0;
  double drag_max_ = 0.0;
  bool hovering_ = false;
  double hover_x_ = 0.0;
  bool forkable_ = false;
};

}  // namespace moelab::ui
