#include "charts/chart_panel.h"

#include <QEvent>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabBar>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_cell_controls.h"
#include "charts/chart_grid.h"
#include "charts/chart_style.h"
#include "charts/chart_toolbar.h"
#include "charts/expert_river.h"
#include "charts/field_heatmap.h"
#include "charts/metric_lines.h"
#include "charts/routing_heatmap.h"
#include "charts/staggered_redraw.h"
#include "charts/time_series_chart.h"
#include "charts/utilization_bar_chart.h"
#include "panel_scroll_area.h"
#include "training/switch_events.h"

namespace moelab::ui {

namespace {

XStamp stamp_of(std::int64_t step, double wall, int epoch) {
  XStamp s;
  s.step = static_cast<double>(step);
  s.wall = wall;
  s.epoch = epoch;
  return s;
}

}  // namespace

ChartPanel::ChartPanel(QWidget* parent) : QWidget(parent), clock_(std::make_shared<XClock>()) {
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, ChartStyle::background());
  setPalette(pal);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 4, 6, 6);
  layout->setSpacing(4);
  build_toolbar();
  build_charts();
  redraw_ = new StaggeredRedraw(kRedrawIntervalMs, this);
  std::vector<StaggeredRedraw::Part> parts;
  for (TimeSeriesChart* chart : time_charts())
    parts.push_back([chart] { return chart->refresh(); });
  // After the time charts: the river and the field follow the x range they have just taken.
  parts.push_back([this] { return refresh_epoch_widgets(); });
  redraw_->set_parts([this] { align_follow_extents(); }, std::move(parts));
  reset({});
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::build_toolbar() {
  toolbar_ = new ChartToolbar(smoothing_, kFocusSeedEpochs, this);
  connect(toolbar_, &ChartToolbar::smoothing_chosen, this, &ChartPanel::set_smoothing);
  connect(toolbar_, &ChartToolbar::x_axis_chosen, this, &ChartPanel::set_x_axis);
  connect(toolbar_, &ChartToolbar::follow_chosen, this, &ChartPanel::set_follow);
  connect(toolbar_, &ChartToolbar::view_offer_taken, this, &ChartPanel::on_view_offer_taken);
  static_cast<QVBoxLayout*>(layout())->addWidget(toolbar_);
}

QPushButton* ChartPanel::view_button() const { return toolbar_->view_button(); }

void ChartPanel::build_charts() {
  grid_ = new ChartGrid(this);
  accuracy_ = new TimeSeriesChart(tr("Accuracy"), tr("accuracy"), clock_, grid_);
  build_expert_cell();
  loss_ = new TimeSeriesChart(tr("Loss terms"), tr("loss"), clock_, grid_);
  entropy_ = new TimeSeriesChart(tr("Router balance"), tr("normalised entropy"), clock_, grid_);
  bars_ = new UtilizationBarChart(grid_);
  heatmap_ = new RoutingHeatmap(grid_);
  lines_ = std::make_unique<MetricLines>(
      MetricLines::Charts{accuracy_, utilization_, task_grad_, loss_, entropy_});

  for (TimeSeriesChart* chart : time_charts()) {
    chart->set_smoothing(smoothing_);
    connect(chart, &TimeSeriesChart::x_range_navigated, this,
            [this, chart](double min, double max) { on_chart_navigated(chart, min, max); });
    connect(chart, &TimeSeriesChart::reset_zoom_requested, this, &ChartPanel::reset_zoom);
    connect(chart, &TimeSeriesChart::fork_requested, this, &ChartPanel::fork_requested);
  }

  // The per-expert cell first: its river is the chart a room looks at first, and one of the two
  // that presentation enlarges.
  grid_->set_cells({expert_cell_, accuracy_, loss_, entropy_}, {bars_, heatmap_});
  add_cell_controls();
  scroll_ = new PanelScrollArea(this);
  scroll_->setWidget(grid_);
  scroll_->installEventFilter(this);
  static_cast<QVBoxLayout*>(layout())->addWidget(scroll_, 1);
}

void ChartPanel::build_expert_cell() {
  // One cell for the per-expert charts, under tabs: at 1024 x 768 the dashboard has room for six
  // cells, and the toolbar for nothing more.
  expert_cell_ = new QWidget(grid_);
  auto* cell_layout = new QVBoxLayout(expert_cell_);
  cell_layout->setContentsMargins(0, 0, 0, 0);
  cell_layout->setSpacing(0);
  expert_tabs_ = new QTabBar(expert_cell_);
  expert_tabs_->setDocumentMode(true);
  expert_tabs_->setDrawBase(false);
  expert_tabs_->setExpanding(false);
  // In a narrow cell the tab names shorten (the tooltips keep them whole) rather than one hiding
  // behind scroll arrows.
  expert_tabs_->setElideMode(Qt::ElideRight);
  expert_tabs_->setUsesScrollButtons(false);
  fit_expert_tabs_font();
  // In ExpertView's order.
  expert_tabs_->addTab(tr("Expert river"));
  expert_tabs_->setTabToolTip(
      0, tr("Each expert's share of the routed top-k slots, stacked to 100%: a child's band grows "
            "out of its parent's at the split; grey and hatched on the epochs it is dormant."));
  expert_tabs_->addTab(tr("Utilisation"));
  expert_tabs_->setTabToolTip(
      1, tr("Utilisation: the share of validation samples that have the expert in their top-k "
            "(the experts' shares sum to k)."));
  expert_tabs_->addTab(tr("Task gradient"));
  expert_tabs_->setTabToolTip(
      2, tr("The cross-entropy's gradient on each expert's router row. 0: no sample has the expert "
            "in its top-k, so the task can no longer bring it back."));
  connect(expert_tabs_, &QTabBar::currentChanged, this,
          [this](int index) { set_expert_view(static_cast<ExpertView>(index)); });
  expert_stack_ = new QStackedWidget(expert_cell_);
  cell_layout->addWidget(expert_tabs_);
  cell_layout->addWidget(expert_stack_, 1);
  utilization_ =
      new TimeSeriesChart(tr("Expert utilisation (validation)"),
                          tr("share of samples with it in top-k"), clock_, expert_stack_);
  task_grad_ = new TimeSeriesChart(tr("Task gradient reaching each router row"),
                                   tr("gradient norm"), clock_, expert_stack_);
  river_ = new ExpertRiver(clock_, expert_stack_);
  river_->installEventFilter(this);
  expert_stack_->addWidget(river_);
  expert_stack_->addWidget(utilization_);
  expert_stack_->addWidget(task_grad_);
  // Under the chart, not in another tab: the field's peaks are read against the utilisation
  // curves of the same epochs. Hidden unless the run grows by the field.
  field_ = new FieldHeatmap(clock_, expert_cell_);
  field_->hide();
  cell_layout->addWidget(field_, 2);
  cell_layout->setStretch(1, 3);
  for (TimeSeriesChart* chart : {utilization_, task_grad_}) {
    connect(chart->chart(), &QChart::plotAreaChanged, this, [this] {
      align_field();
      field_->refresh();
    });
  }
}

void ChartPanel::add_cell_controls() {
  cell_controls_ = new ChartCellControls(grid_);
  cell_controls_->add(accuracy_, accuracy_, QStringLiteral("accuracy"), accuracy_);
  cell_controls_->add(river_, expert_cell_, QStringLiteral("expert-river"));
  cell_controls_->add(utilization_, expert_cell_, QStringLiteral("utilisation"), utilization_);
  cell_controls_->add(task_grad_, expert_cell_, QStringLiteral("task-gradient"), task_grad_);
  cell_controls_->add(loss_, loss_, QStringLiteral("loss"), loss_);
  cell_controls_->add(entropy_, entropy_, QStringLiteral("router-balance"), entropy_);
  cell_controls_->add(bars_, bars_, QStringLiteral("utilisation-now"));
  cell_controls_->add(heatmap_, heatmap_, QStringLiteral("routing"));
}

void ChartPanel::fit_expert_tabs_font() {
  // A little smaller than the rest, so that both tab names fit a narrow cell; derived from the
  // panel's font each time, so that it follows the type's scale.
  QFont tab_font = font();
  tab_font.setPointSizeF(tab_font.pointSizeF() * 0.9);
  expert_tabs_->setFont(tab_font);
}

bool ChartPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == scroll_ && event->type() == QEvent::Resize) grid_->fit(scroll_->room());
  // The river's plot moves with its size; the field's columns stay under it.
  if (watched == river_ && field_ && event->type() == QEvent::Resize) {
    align_field();
    field_->refresh();
  }
  return QWidget::eventFilter(watched, event);
}

void ChartPanel::changeEvent(QEvent* event) {
  if (event->type() == QEvent::FontChange) fit_expert_tabs_font();
  // The theme changed: the neutral curves take its ink (the rest are experts' and runs' colours).
  // (A palette can arrive while the panel is still being built.)
  if (event->type() == QEvent::PaletteChange && lines_) {
    lines_->follow_theme();
    schedule_redraw();
  }
  QWidget::changeEvent(event);
}

bool ChartPanel::wide_layout() const {
  return grid_->arrangement() == ChartGrid::Arrangement::Wide;
}

void ChartPanel::set_presentation(bool presentation) {
  // The view's settings stay behind while presenting (the wheel still zooms, a double-click
  // resets): in large type the toolbar alone would be wider than a projector's charts.
  toolbar_->setVisible(!presentation);
  grid_->set_focus(presentation);
  schedule_redraw();
}

bool ChartPanel::presenting() const { return grid_->focused(); }

bool ChartPanel::scrolls() const {
  return grid_->minimumSizeHint().height() > scroll_->room().height();
}

QList<TimeSeriesChart*> ChartPanel::time_charts() const { return lines_->charts(); }

// --- data ---

void ChartPanel::reset(const QStringList& class_names) {
  redraw_->cancel();
  clock_->clear();
  pending_epoch_.reset();
  lines_->reset(dormant_threshold_);
  bars_->clear();
  bars_->set_dormant_threshold(dormant_threshold_);
  heatmap_->clear();
  heatmap_->set_class_names(class_names);
  field_->clear();
  river_->clear();
  seed_epoch_ends_.clear();
  growth_started_ = false;
  growth_start_.reset();
  apply_growth_focus();
  draw_parent_run();
  draw_overlay_runs();
  const bool follow_was_off = !follow_;
  follow_ = true;
  show_view_state();
  schedule_redraw();
  if (follow_was_off) Q_EMIT follow_changed(true);
}

void ChartPanel::add_step(const moelab::StepMetrics& m) {
  clock_->add_step_time(m.step, m.wall_seconds);
  lines_->add_step(m, stamp_of(m.step, m.wall_seconds, m.epoch));
  if (m.phase == moelab::Phase::Growth) note_growth_started();
  schedule_redraw();
}

void ChartPanel::add_steps(const std::vector<moelab::StepMetrics>& steps) {
  for (const auto& m : steps) add_step(m);
}

void ChartPanel::add_epoch(const moelab::EpochMetrics& m) {
  clock_->add_epoch_end(m.epoch, m.step, m.wall_seconds);
  const XStamp at = stamp_of(m.step, m.wall_seconds, m.epoch);
  if (m.phase == moelab::Phase::Seed) {
    seed_epoch_ends_.push_back(at);
  } else {
    note_growth_started();
  }
  lines_->add_epoch(m, at);
  if (!m.field_u.empty()) set_growth_by_field(true);
  field_->add_epoch(m);
  river_->add_epoch(m);
  pending_epoch_ = m;
  schedule_redraw();
}

void ChartPanel::add_split(const moelab::SplitEvent& split) {
  lines_->add_split(split, clock_->event_stamp(split.epoch, split.step));
  field_->add_split(split);
  river_->add_split(split);
  schedule_redraw();
}

void ChartPanel::add_switch(const moelab::SwitchEvent& change) {
  lines_->add_switch(change, clock_->event_stamp(change.epoch, change.step));
  if (const auto expert = moelab::pruned_expert(change)) {
    field_->add_prune(change.epoch, *expert);
    river_->add_prune(change.epoch, *expert);
  }
  schedule_redraw();
}

void ChartPanel::set_seed_accuracy(double accuracy) {
  lines_->set_seed_accuracy(accuracy);
  schedule_redraw();
}

void ChartPanel::set_growth_by_field(bool on) {
  if (on == field_->isVisibleTo(this)) return;
  // The strip takes its room from the chart above it, so that the dashboard needs no more height
  // than without it (the window still fits a 1024 x 768 projector). Showing a widget lays out
  // its window at once, and a window grows to a new minimum: the chart gives up its room before
  // the strip appears and takes it back after the strip has gone.
  const int chart_height =
      TimeSeriesChart::kMinimumHeight -
      (on ? field_->minimumSizeHint().height() + expert_cell_->layout()->spacing() : 0);
  const QList<QWidget*> pages = {river_, utilization_, task_grad_};
  if (on) {
    for (QWidget* page : pages) page->setMinimumHeight(chart_height);
    field_->show();
  } else {
    field_->hide();
    for (QWidget* page : pages) page->setMinimumHeight(chart_height);
  }
  schedule_redraw();
}

bool ChartPanel::shows_field() const { return field_->isVisibleTo(this); }

void ChartPanel::set_dormant_threshold(double threshold) {
  dormant_threshold_ = threshold;
  lines_->set_dormant_threshold(threshold);
  bars_->set_dormant_threshold(threshold);
  schedule_redraw();
}

void ChartPanel::configure(const moelab::RunConfig& config) {
  set_dormant_threshold(config.training.dormant_threshold);
  set_growth_by_field(config.training.growth == moelab::Growth::Schnakenberg);
  heatmap_->set_top_k(config.model.top_k);
}

// --- view ---

void ChartPanel::set_x_axis(XAxis axis) {
  const bool changed = axis != axis_;
  axis_ = axis;
  for (TimeSeriesChart* chart : time_charts()) chart->set_x_axis(axis);
  toolbar_->show_x_axis(axis);
  schedule_redraw();
  if (changed) Q_EMIT x_axis_changed(axis);
}

void ChartPanel::set_smoothing(double weight) {
  weight = std::isfinite(weight) ? std::clamp(weight, 0.0, 0.99) : 0.0;
  const bool changed = weight != smoothing_;
  smoothing_ = weight;
  for (TimeSeriesChart* chart : time_charts()) chart->set_smoothing(weight);
  toolbar_->show_smoothing(weight);
  schedule_redraw();
  if (changed) Q_EMIT smoothing_changed(weight);
}

void ChartPanel::set_follow(bool follow) {
  const bool changed = follow != follow_;
  follow_ = follow;
  for (TimeSeriesChart* chart : time_charts()) {
    if (follow) {
      chart->reset_zoom();
    } else {
      chart->set_follow(false);
    }
  }
  show_view_state();
  schedule_redraw();
  if (changed) Q_EMIT follow_changed(follow);
}

void ChartPanel::reset_zoom() {
  set_follow(true);
  flush();
}

void ChartPanel::set_growth_focus(bool on) {
  const bool changed = on != growth_focus_;
  growth_focus_ = on;
  apply_growth_focus();
  // Pressing the button shows what it says, even after a zoom.
  set_follow(true);
  if (changed) Q_EMIT growth_focus_changed(on);
}

void ChartPanel::note_growth_started() {
  if (growth_started_) return;
  growth_started_ = true;
  // Where the last kFocusSeedEpochs seed epochs begin; a run with no more seed epochs than that
  // has nothing to leave out.
  const std::size_t seeds = seed_epoch_ends_.size();
  if (seeds > kFocusSeedEpochs) growth_start_ = seed_epoch_ends_[seeds - 1 - kFocusSeedEpochs];
  apply_growth_focus();
}

void ChartPanel::apply_growth_focus() {
  const std::optional<XStamp> start = growth_focus_ ? growth_start_ : std::nullopt;
  for (TimeSeriesChart* chart : time_charts()) chart->set_follow_start(start);
  show_view_state();
  schedule_redraw();
}

bool ChartPanel::offers_focus() const {
  return !growth_focus_ && growth_start_.has_value() && follow_;
}

void ChartPanel::on_view_offer_taken() {
  // The button shows what it says: the growth in focus, or the whole run (the focus off while
  // it is on, else the zoom reset).
  if (offers_focus()) {
    set_growth_focus(true);
  } else if (focusing_growth()) {
    set_growth_focus(false);
  } else {
    reset_zoom();
  }
}

void ChartPanel::show_view_state() {
  toolbar_->show_follow(follow_);
  toolbar_->show_view_offer(offers_focus() ? ChartToolbar::ViewOffer::FocusGrowth
                                           : ChartToolbar::ViewOffer::ShowAll);
}

void ChartPanel::set_expert_view(ExpertView view) {
  const bool changed = view != expert_view_;
  expert_view_ = view;
  expert_stack_->setCurrentIndex(static_cast<int>(view));
  const int tab = static_cast<int>(view);
  if (tab != expert_tabs_->currentIndex()) {
    const QSignalBlocker block(expert_tabs_);
    expert_tabs_->setCurrentIndex(tab);
  }
  schedule_redraw();
  if (changed) Q_EMIT expert_view_changed(view);
}

void ChartPanel::on_chart_navigated(TimeSeriesChart* source, double min, double max) {
  for (TimeSeriesChart* chart : time_charts()) {
    if (chart == source) continue;
    chart->set_x_range(min, max);
    // Interactive: the linked charts move with the mouse rather than on the next tick.
    chart->refresh();
  }
  const bool was_following = follow_;
  follow_ = false;
  // The river takes the zoomed range now that the panel no longer follows.
  align_river();
  river_->refresh();
  align_field();
  field_->refresh();
  if (was_following) {
    show_view_state();
    Q_EMIT follow_changed(false);
  }
}

// --- redraw ---

void ChartPanel::schedule_redraw() { redraw_->schedule(); }

int ChartPanel::redraw_count() const { return redraw_->count(); }

bool ChartPanel::redraw_pending() const { return redraw_->pending(); }

void ChartPanel::align_follow_extents() {
  // Every chart follows up to the newest x of any chart so their x axes line up.
  double newest = -std::numeric_limits<double>::infinity();
  for (const TimeSeriesChart* chart : time_charts()) newest = std::max(newest, chart->data_x_max());
  for (TimeSeriesChart* chart : time_charts()) chart->set_follow_extent(newest);
}

bool ChartPanel::refresh_epoch_widgets() {
  align_river();
  const bool river_changed = river_->refresh();
  align_field();
  const bool field_changed = field_->refresh() || river_changed;
  if (!pending_epoch_) return field_changed;
  const moelab::EpochMetrics& m = *pending_epoch_;
  bars_->set_utilization(m.utilization, m.dormant, m.epoch);
  bars_->set_task_gradient(m.router_task_grad);
  heatmap_->set_matrix(m.routing_matrix, m.epoch);
  heatmap_->set_dormant(m.dormant);
  pending_epoch_.reset();
  return true;
}

void ChartPanel::align_field() {
  field_->set_x_axis(axis_);
  if (expert_view_ == ExpertView::River) {
    const QRectF plot = river_->plot_rect();
    const auto [min, max] = river_->x_range();
    field_->set_x_range(min, max);
    field_->set_plot_span(field_->mapFromGlobal(river_->mapToGlobal(plot.topLeft())).x(),
                          field_->mapFromGlobal(river_->mapToGlobal(plot.topRight())).x());
    return;
  }
  const TimeSeriesChart* chart =
      expert_view_ == ExpertView::Utilization ? utilization_ : task_grad_;
  const QRectF plot = chart->plot_rect();
  const QWidget* viewport = chart->viewport();
  const double left = field_->mapFromGlobal(viewport->mapToGlobal(plot.topLeft())).x();
  const double right = field_->mapFromGlobal(viewport->mapToGlobal(plot.topRight())).x();
  field_->set_x_range(chart->x_min(), chart->x_max());
  field_->set_plot_span(left, right);
}

void ChartPanel::align_river() {
  river_->set_x_axis(axis_);
  if (follow_ && !focusing_growth()) {
    river_->set_x_range(0, 0);
  } else {
    river_->set_x_range(accuracy_->x_min(), accuracy_->x_max());
  }
}

void ChartPanel::flush() { redraw_->flush(); }

int ChartPanel::series_point_count() const {
  int total = 0;
  for (const TimeSeriesChart* chart : time_charts()) {
    for (int line = 0; line < chart->line_count(); ++line) total += chart->series_point_count(line);
  }
  return total;
}

}  // namespace moelab::ui
