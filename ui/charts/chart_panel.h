#pragma once
// The live dashboard: time charts on a shared x axis (per expert, under three tabs, the expert
// river of each expert's share of the routed slots, utilisation or the task's gradient on its
// router row, and for a run that grows by the field the field's u per expert in a strip
// underneath, its epochs under the chart's; accuracy; loss terms; router balance), the current
// utilisation per expert and the class x expert routing heat map, under a ChartToolbar (smoothing,
// x axis, follow, the growth focus). The cells are arranged for the room there is by a ChartGrid,
// which scrolls when even its narrowest arrangement does not fit.
//
// The panel routes a run's reports: to the time charts' lines through MetricLines, to the river,
// the field's strip, the bars and the map itself. It owns the view (x axis, smoothing, following,
// zoom, the growth focus) and keeps every chart on it. The add_* calls only buffer; a
// StaggeredRedraw draws what arrived, at most about 30 rounds per second and none while nothing
// changes.

#include <QColor>
#include <QImage>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "charts/x_clock.h"
#include "config/run_config.h"
#include "training/run_metrics.h"

QT_BEGIN_NAMESPACE
class QPainter;
class QPushButton;
class QStackedWidget;
class QTabBar;
QT_END_NAMESPACE

namespace moelab::ui {

class ChartCellControls;
class ChartGrid;
class ChartToolbar;
class ExpertRiver;
class FieldHeatmap;
class MetricLines;
class PanelScrollArea;
class RoutingHeatmap;
class StaggeredRedraw;
class TimeSeriesChart;
class UtilizationBarChart;

class ChartPanel : public QWidget {
  Q_OBJECT

 public:
  using XAxis = moelab::ui::XAxis;
  // What the per-expert cell shows, in its tabs' order: the river of each expert's share of the
  // routed slots (the default: the first chart a room reads), how much of the data each expert
  // takes, or how much the task still pulls on its router row (0: no sample has the expert in
  // its top-k).
  enum class ExpertView { River, Utilization, TaskGradient };
  static constexpr int kRedrawIntervalMs = 33;
  static constexpr double kDefaultSmoothing = 0.6;  // TensorBoard's default

  explicit ChartPanel(QWidget* parent = nullptr);
  ~ChartPanel() override;

  // --- data (buffered until the next coalesced redraw) ---
  // Clears everything for a new run; keeps the view settings (x axis, smoothing).
  void reset(const QStringList& class_names);
  void add_step(const moelab::StepMetrics& step);
  void add_steps(const std::vector<moelab::StepMetrics>& steps);
  void add_epoch(const moelab::EpochMetrics& epoch);
  void add_split(const moelab::SplitEvent& split);
  void add_switch(const moelab::SwitchEvent& change);
  void set_seed_accuracy(double accuracy);
  // Whether the run grows by the field (training.growth schnakenberg): shows or hides the field's
  // strip under the per-expert chart. An epoch that carries a field shows it too.
  void set_growth_by_field(bool on);
  bool shows_field() const;

  // --- forks (chart_panel_fork.cpp) ---
  // A fork's parent run, drawn faint behind the fork's own curves (validation accuracy, total
  // loss, effective experts) so that the two futures can be told apart; kept across reset().
  // Empty: none.
  void set_parent_run(const std::vector<moelab::EpochMetrics>& epochs);
  bool has_parent_run() const { return !parent_epochs_.empty(); }
  // Right-clicking a point or a split marker of a time chart offers "Fork from here".
  void set_forkable(bool forkable);
  void set_dormant_threshold(double threshold);  // default 0.05, as the engine's default
  // What the charts take from a run's settings: the dormant threshold, whether the field decides
  // growth, k (the routing map's scale).
  void configure(const moelab::RunConfig& config);

  // --- other runs overlaid (chart_panel_overlay.cpp) ---
  // Another run's curves (validation accuracy, total loss, effective experts), epoch by epoch, in
  // `color`, thinner and under this run's; legend and read-out call them "NAME: validation" and
  // so on. Kept across reset(); the same key again replaces that run's curves.
  void set_overlay_run(const QString& key, const QString& name, const QColor& color,
                       const std::vector<moelab::EpochMetrics>& epochs);
  void remove_overlay_run(const QString& key);
  QStringList overlay_runs() const;

  // --- view ---
  void set_x_axis(XAxis axis);
  XAxis x_axis() const { return axis_; }
  // Debiased EMA weight in [0, 0.99]; 0 draws the raw curves only.
  void set_smoothing(double weight);
  double smoothing() const { return smoothing_; }
  // When false, data keeps arriving but the visible x range stays where the user left it.
  void set_follow(bool follow);
  bool follows() const { return follow_; }
  // Whole run on every chart, following again.
  void reset_zoom();
  // The growth phase in focus: once it starts, following shows it and only the last
  // kFocusSeedEpochs seed epochs before it (the seed phase, flat, took most of the axis). On by
  // default; off: the whole run. The toolbar's view button says "Show all" (the whole run,
  // focus off, zoom reset) or, when the whole run is shown, "Focus growth".
  void set_growth_focus(bool on);
  bool growth_focus() const { return growth_focus_; }
  // The view starts where the growth focus puts it (focus on, the growth phase under way after
  // more than kFocusSeedEpochs seed epochs).
  bool focusing_growth() const { return growth_focus_ && growth_start_.has_value(); }
  static constexpr int kFocusSeedEpochs = 2;
  QPushButton* view_button() const;
  void set_expert_view(ExpertView view);
  ExpertView expert_view() const { return expert_view_; }

  // Redraws now whatever is pending (the timer does this on its own).
  void flush();
  // Coalesced redraws that changed something, since construction.
  int redraw_count() const;
  bool redraw_pending() const;
  // Points currently handed to the drawn series of all time charts.
  int series_point_count() const;
  // Three columns when wide, two (time charts, then "now" underneath) when not.
  bool wide_layout() const;
  // Presentation: the accuracy and the per-expert charts alone, enlarged.
  void set_presentation(bool presentation);
  bool presenting() const;
  ChartGrid* grid() const { return grid_; }
  // Each chart's title: double-click to maximise it, right-click to export it alone.
  ChartCellControls* cell_controls() const { return cell_controls_; }
  // The dashboard needs more height than it has and scrolls.
  bool scrolls() const;

  TimeSeriesChart* accuracy_chart() const { return accuracy_; }
  TimeSeriesChart* utilization_chart() const { return utilization_; }
  TimeSeriesChart* loss_chart() const { return loss_; }
  TimeSeriesChart* entropy_chart() const { return entropy_; }
  TimeSeriesChart* task_gradient_chart() const { return task_grad_; }
  QList<TimeSeriesChart*> time_charts() const;
  UtilizationBarChart* utilization_bars() const { return bars_; }
  RoutingHeatmap* routing_heatmap() const { return heatmap_; }
  FieldHeatmap* field_heatmap() const { return field_; }
  ExpertRiver* expert_river() const { return river_; }

  // --- export (the charts without the toolbar, under a caption) ---
  // What an exported dashboard says above its charts: a title (the preset, say) and a line of
  // details (the switches, the verdict). Empty: no caption.
  void set_export_caption(const QString& title, const QString& details);
  QString export_title() const { return export_title_; }
  QString export_details() const { return export_details_; }
  // Renders at `size` logical pixels (invalid: the current size, or 1600 x 900 when the panel
  // has never been laid out), scaled by `pixel_ratio` for sharp slides.
  QImage render_image(QSize size = QSize(), qreal pixel_ratio = 1.0);
  bool export_png(const QString& path, QString* error = nullptr);
  bool export_svg(const QString& path, QString* error = nullptr);

 Q_SIGNALS:
  void follow_changed(bool follow);
  void growth_focus_changed(bool on);
  void smoothing_changed(double weight);
  void x_axis_changed(moelab::ui::XAxis axis);
  void expert_view_changed(moelab::ui::ChartPanel::ExpertView view);
  // "Fork from here" on a time chart: a new run from this run's state after `epoch`.
  void fork_requested(int epoch);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  // Puts the field's columns under the per-expert chart shown: its plot area's left and right
  // edges, its x axis and range.
  void align_field();
  // The river follows the x axis, and the charts' range once the user has zoomed or while the
  // growth is in focus; following the whole run, it shows it edge to edge (its names sit at the
  // river's right end).
  void align_river();
  void align_follow_extents();
  bool refresh_epoch_widgets();
  void build_toolbar();
  void build_charts();
  void build_expert_cell();
  void add_cell_controls();
  void fit_expert_tabs_font();
  void schedule_redraw();
  void on_chart_navigated(TimeSeriesChart* source, double min, double max);
  void on_view_offer_taken();
  // The run has entered its growth phase: where the focus starts.
  void note_growth_started();
  void apply_growth_focus();
  // The view button offers "Focus growth": the whole run is shown, and there is growth to focus.
  bool offers_focus() const;
  void show_view_state();
  void draw_parent_run();
  struct OverlayRun {
    QString key;
    QString name;
    QColor color;
    std::vector<moelab::EpochMetrics> epochs;
  };
  void draw_overlay_run(const OverlayRun& run);
  void draw_overlay_runs();
  QSize export_size(QSize requested) const;
  // The caption's height at `width` (0 without one) and its painting.
  double caption_height(double width) const;
  void paint_caption(QPainter& painter, double width) const;

  std::shared_ptr<XClock> clock_;
  StaggeredRedraw* redraw_ = nullptr;

  XAxis axis_ = XAxis::Step;
  double smoothing_ = kDefaultSmoothing;
  bool follow_ = true;
  double dormant_threshold_ = 0.05;
  std::optional<moelab::EpochMetrics> pending_epoch_;  // latest epoch not yet shown in bars/map

  ChartToolbar* toolbar_ = nullptr;
  ExpertView expert_view_ = ExpertView::River;
  bool growth_focus_ = true;
  bool growth_started_ = false;
  std::vector<XStamp> seed_epoch_ends_;
  std::optional<XStamp> growth_start_;  // where the focus starts; set once growth has begun

  PanelScrollArea* scroll_ = nullptr;
  ChartGrid* grid_ = nullptr;  // the dashboard: every chart below the toolbar
  ChartCellControls* cell_controls_ = nullptr;
  QString export_title_;
  QString export_details_;
  TimeSeriesChart* accuracy_ = nullptr;
  QWidget* expert_cell_ = nullptr;  // one grid cell: the tabs over the per-expert charts
  QTabBar* expert_tabs_ = nullptr;
  QStackedWidget* expert_stack_ = nullptr;
  ExpertRiver* river_ = nullptr;
  TimeSeriesChart* utilization_ = nullptr;
  TimeSeriesChart* task_grad_ = nullptr;
  TimeSeriesChart* loss_ = nullptr;
  TimeSeriesChart* entropy_ = nullptr;
  UtilizationBarChart* bars_ = nullptr;
  RoutingHeatmap* heatmap_ = nullptr;
  FieldHeatmap* field_ = nullptr;
  std::unique_ptr<MetricLines> lines_;  // the time charts' lines

  std::vector<moelab::EpochMetrics> parent_epochs_;
  std::vector<OverlayRun> overlays_;
};

}  // namespace moelab::ui
