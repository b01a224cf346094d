#include "charts/chart_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
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
#include "charts/expert_palette.h"
#include "charts/expert_river.h"
#include "charts/field_heatmap.h"
#include "charts/routing_heatmap.h"
#include "charts/time_series_chart.h"
#include "charts/utilization_bar_chart.h"
#include "panel_scroll_area.h"
#include "training/loss_term_catalog.h"
#include "training/switch_events.h"

namespace moelab::ui {

namespace {

constexpr int kSliderSteps = 99;  // slider units are hundredths: 0 .. 0.99

// Metric colours, kept apart from the expert palette's hues where they share a chart.
const QColor kBlue(0x25, 0x63, 0xeb);
const QColor kGreen(0x05, 0x96, 0x69);
const QColor kOrange(0xea, 0x58, 0x0c);
const QColor kPurple(0x7c, 0x3a, 0xed);
const QColor kSky(0x7d, 0xb4, 0xf5);
const QColor kTeal(0x0d, 0x94, 0x88);
const QColor kRose(0xe1, 0x1d, 0x48);
// The loss terms' colours, in the catalog's order (then round again).
const QColor kTermColors[] = {kBlue, kOrange, kPurple, kGreen, kTeal, kRose};
const QString kTaskNormKey = QStringLiteral("all_rows");

XStamp stamp_of(std::int64_t step, double wall, int epoch) {
  XStamp s;
  s.step = static_cast<double>(step);
  s.wall = wall;
  s.epoch = epoch;
  return s;
}

QString expert_key(int expert) { return QStringLiteral("e%1").arg(expert); }

QString percent(double share) { return QStringLiteral("%1%").arg(share * 100.0, 0, 'f', 1); }

// The hover read-out of a split: what it did to the validation set.
QString split_detail(const moelab::SplitEvent& s) {
  return ChartPanel::tr(
             "Split e%1 -> e%2: validation accuracy %3 -> %4; %5 of the predictions "
             "changed")
      .arg(s.parent)
      .arg(s.child)
      .arg(percent(s.val_accuracy_before), percent(s.val_accuracy_after),
           percent(s.changed_predictions));
}

}  // namespace

ChartPanel::ChartPanel(QWidget* parent) : QWidget(parent), clock_(std::make_shared<XClock>()) {
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, ChartStyle::background());
  setPalette(pal);

  redraw_timer_.setSingleShot(true);
  redraw_timer_.setInterval(kRedrawIntervalMs);
  connect(&redraw_timer_, &QTimer::timeout, this, &ChartPanel::refresh_next_chart);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 4, 6, 6);
  layout->setSpacing(4);
  build_toolbar();
  build_charts();
  reset({});
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::build_toolbar() {
  toolbar_ = new QWidget(this);
  auto* bar = new QHBoxLayout(toolbar_);
  bar->setContentsMargins(0, 0, 0, 0);
  bar->setSpacing(8);

  auto* smoothing = new QLabel(tr("Smoothing"), this);
  smoothing_slider_ = new QSlider(Qt::Horizontal, this);
  smoothing_slider_->setRange(0, kSliderSteps);
  smoothing_slider_->setValue(static_cast<int>(std::lround(smoothing_ * 100)));
  // Gives up width before anything else in the bar does, down to a usable 56 px.
  smoothing_slider_->setMinimumWidth(56);
  smoothing_slider_->setMaximumWidth(160);
  smoothing_slider_->setToolTip(
      tr("Exponential moving average of the step curves (TensorBoard's); the raw curve stays "
         "faint behind."));
  smoothing_label_ = new QLabel(this);
  smoothing_label_->setMinimumWidth(smoothing_label_->fontMetrics().horizontalAdvance("0.00") + 4);
  smoothing_label_->setText(QString::number(smoothing_, 'f', 2));
  smoothing->setBuddy(smoothing_slider_);
  connect(smoothing_slider_, &QSlider::valueChanged, this,
          [this](int value) { set_smoothing(value / 100.0); });

  auto* axis = new QLabel(tr("X axis"), this);
  axis_box_ = new QComboBox(this);
  axis_box_->addItem(tr("Step"), static_cast<int>(XAxis::Step));
  axis_box_->addItem(tr("Epoch"), static_cast<int>(XAxis::Epoch));
  axis_box_->addItem(tr("Wall time"), static_cast<int>(XAxis::WallTime));
  axis->setBuddy(axis_box_);
  connect(axis_box_, &QComboBox::currentIndexChanged, this, [this](int index) {
    set_x_axis(static_cast<XAxis>(axis_box_->itemData(index).toInt()));
  });

  follow_box_ = new QCheckBox(tr("Follow"), this);
  follow_box_->setChecked(follow_);
  follow_box_->setToolTip(
      tr("Keep the whole run in view. Untick to hold the view still while training goes on."));
  connect(follow_box_, &QCheckBox::toggled, this, &ChartPanel::set_follow);

  // One button for the view's two states, so that the bar keeps its width at 1024 px: "Show all"
  // while zoomed or while the growth is in focus, "Focus growth" while the whole run is shown.
  view_button_ = new QPushButton(this);
  update_view_button();
  fit_view_button();
  connect(view_button_, &QPushButton::clicked, this, [this] {
    if (offers_focus()) {
      set_growth_focus(true);
    } else if (focusing_growth()) {
      set_growth_focus(false);
    } else {
      reset_zoom();
    }
  });

  bar->addWidget(smoothing);
  bar->addWidget(smoothing_slider_);
  bar->addWidget(smoothing_label_);
  bar->addSpacing(8);
  bar->addWidget(axis);
  bar->addWidget(axis_box_);
  bar->addSpacing(8);
  bar->addWidget(follow_box_);
  bar->addWidget(view_button_);
  bar->addStretch(1);
  static_cast<QVBoxLayout*>(layout())->addWidget(toolbar_);
}

void ChartPanel::build_charts() {
  grid_ = new ChartGrid(this);
  accuracy_ = new TimeSeriesChart(tr("Accuracy"), tr("accuracy"), clock_, grid_);
  // One cell for the two per-expert charts, under two tabs: at 1024 x 768 the dashboard has room
  // for six cells, and the toolbar for nothing more.
  expert_cell_ = new QWidget(grid_);
  auto* cell_layout = new QVBoxLayout(expert_cell_);
  cell_layout->setContentsMargins(0, 0, 0, 0);
  cell_layout->setSpacing(0);
  expert_tabs_ = new QTabBar(expert_cell_);
  expert_tabs_->setDocumentMode(true);
  expert_tabs_->setDrawBase(false);
  expert_tabs_->setExpanding(false);
  // In a narrow cell both tab names shorten (the tooltips keep them whole) rather than one
  // hiding behind scroll arrows.
  expert_tabs_->setElideMode(Qt::ElideRight);
  expert_tabs_->setUsesScrollButtons(false);
  fit_expert_tabs_font();
  // In ExpertView's order.
  expert_tabs_->addTab(tr("Expert river"));
  expert_tabs_->setTabToolTip(
      0, tr("Each expert's share of the routed top-k slots, stacked to 100%: a child's band grows "
            "out of its parent's at the split; grey and hatched on the epochs it is dormant."));
  expert_tabs_->addTab(tr("Share of samples (top-k)"));
  expert_tabs_->setTabToolTip(
      1, tr("Utilisation: the share of validation samples that have the expert in their top-k "
            "(sums to k)."));
  expert_tabs_->addTab(tr("Task gradient"));
  expert_tabs_->setTabToolTip(
      2, tr("The cross-entropy's gradient on each expert's router row. 0: no sample has the expert "
            "in its top-k, so the task can no longer bring it back."));
  connect(expert_tabs_, &QTabBar::currentChanged, this,
          [this](int index) { set_expert_view(static_cast<ExpertView>(index)); });
  expert_stack_ = new QStackedWidget(expert_cell_);
  cell_layout->addWidget(expert_tabs_);
  cell_layout->addWidget(expert_stack_, 1);
  utilization_ = new TimeSeriesChart(tr("Expert utilisation (validation)"),
                                     tr("share of samples (top-k)"), clock_, expert_stack_);
  task_grad_ = new TimeSeriesChart(tr("Task gradient reaching each router row"),
                                   tr("gradient norm"), clock_, expert_stack_);
  river_ = new ExpertRiver(clock_, expert_stack_);
  river_->installEventFilter(this);
  expert_stack_->addWidget(river_);
  expert_stack_->addWidget(utilization_);
  expert_stack_->addWidget(task_grad_);
  // Under the chart, not in a third tab: the field's peaks are read against the utilisation
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
  loss_ = new TimeSeriesChart(tr("Loss terms"), tr("loss"), clock_, grid_);
  entropy_ = new TimeSeriesChart(tr("Router balance"), tr("normalised entropy"), clock_, grid_);
  bars_ = new UtilizationBarChart(grid_);
  heatmap_ = new RoutingHeatmap(grid_);

  using Style = TimeSeriesChart::LineStyle;
  const qreal width = ChartStyle::line_width();
  train_step_line_ = accuracy_->add_line(QStringLiteral("train_step"), tr("train (steps)"),
                                         Style{kSky, true, false, Qt::SolidLine, 1.5});
  train_epoch_line_ = accuracy_->add_line(QStringLiteral("train"), tr("train"),
                                          Style{kBlue, false, true, Qt::SolidLine, width});
  val_line_ = accuracy_->add_line(QStringLiteral("validation"), tr("validation"),
                                  Style{kGreen, false, true, Qt::SolidLine, width + 0.5});
  accuracy_->set_y_range(TimeSeriesChart::YRange::Auto);

  loss_total_line_ = loss_->add_line(QStringLiteral("total"), tr("total"),
                                     Style{ChartStyle::ink(), true, false, Qt::SolidLine, width});
  // One line per term of the core's catalog, keyed by the term's name: a new term needs no
  // change here.
  const auto& catalog = moelab::loss_term_catalog();
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const QColor color = kTermColors[i % std::size(kTermColors)];
    loss_term_lines_.push_back(loss_->add_line(QString::fromStdString(catalog[i].name),
                                               QString::fromStdString(catalog[i].label),
                                               Style{color, true, false, Qt::SolidLine, width}));
  }
  loss_->set_y_range(TimeSeriesChart::YRange::Auto);

  usage_entropy_line_ =
      entropy_->add_line(QStringLiteral("usage_entropy"), tr("slot-share entropy"),
                         Style{kBlue, true, false, Qt::SolidLine, width});
  sample_entropy_line_ = entropy_->add_line(QStringLiteral("sample_entropy"), tr("sample entropy"),
                                            Style{kOrange, true, false, Qt::SolidLine, width});
  // Normalised entropies live in [0, 1]; a fixed axis makes collapse (a fall to 0) unmistakable.
  entropy_->set_y_range(TimeSeriesChart::YRange::Fixed, 0.0, 1.05);
  // Normalised entropy does not compare across expert counts; exp(entropy) does: the number of
  // experts the routing really uses. With the load violation (max / mean utilisation - 1) it
  // goes on a right axis counted from zero.
  entropy_->set_right_axis(tr("experts / violation"), TimeSeriesChart::YRange::AutoFromZero);
  Style effective{kGreen, false, true, Qt::SolidLine, width};
  effective.right_axis = true;
  effective_experts_line_ =
      entropy_->add_line(QStringLiteral("effective_experts"), tr("effective experts"), effective);
  Style violation{kRose, false, true, Qt::DashLine, width};
  violation.right_axis = true;
  load_violation_line_ =
      entropy_->add_line(QStringLiteral("load_violation"), tr("load violation"), violation);

  utilization_->set_y_range(TimeSeriesChart::YRange::AutoFromZero);
  utilization_->set_legend_auto_placement(true);  // 2 to 12+ experts
  task_grad_->set_y_range(TimeSeriesChart::YRange::AutoFromZero);
  task_grad_->set_legend_auto_placement(true);

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
  cell_controls_ = new ChartCellControls(grid_);
  cell_controls_->add(accuracy_, accuracy_, QStringLiteral("accuracy"), accuracy_);
  cell_controls_->add(river_, expert_cell_, QStringLiteral("expert-river"));
  cell_controls_->add(utilization_, expert_cell_, QStringLiteral("utilisation"), utilization_);
  cell_controls_->add(task_grad_, expert_cell_, QStringLiteral("task-gradient"), task_grad_);
  cell_controls_->add(loss_, loss_, QStringLiteral("loss"), loss_);
  cell_controls_->add(entropy_, entropy_, QStringLiteral("router-balance"), entropy_);
  cell_controls_->add(bars_, bars_, QStringLiteral("utilisation-now"));
  cell_controls_->add(heatmap_, heatmap_, QStringLiteral("routing"));
  scroll_ = new PanelScrollArea(this);
  scroll_->setWidget(grid_);
  scroll_->installEventFilter(this);
  static_cast<QVBoxLayout*>(layout())->addWidget(scroll_, 1);
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
  if (event->type() == QEvent::FontChange) {
    fit_expert_tabs_font();
    fit_view_button();
  }
  // The theme changed: the neutral curves take its ink (the rest are experts' and runs' colours).
  // (A palette can arrive while the panel is still being built.)
  if (event->type() == QEvent::PaletteChange && loss_ && task_grad_) {
    loss_->set_line_color(loss_total_line_, ChartStyle::ink());
    task_grad_->set_line_color(task_grad_->find_line(kTaskNormKey), ChartStyle::ink());
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

QList<TimeSeriesChart*> ChartPanel::time_charts() const {
  return {accuracy_, utilization_, task_grad_, loss_, entropy_};
}

// --- data ---

void ChartPanel::reset(const QStringList& class_names) {
  redraw_timer_.stop();
  stagger_cursor_ = 0;
  round_changed_ = false;
  clock_->clear();
  pending_epoch_.reset();
  for (TimeSeriesChart* chart : time_charts()) chart->clear();
  utilization_->remove_lines();
  task_grad_->remove_lines();
  add_task_norm_line();
  utilization_->set_reference_line(QStringLiteral("dormant"), dormant_threshold_,
                                   tr("dormant < %1%").arg(dormant_threshold_ * 100.0, 0, 'g', 3));
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
  sync_follow_box();
  schedule_redraw();
  if (follow_was_off) Q_EMIT follow_changed(true);
}

void ChartPanel::add_step(const moelab::StepMetrics& m) {
  clock_->add_step_time(m.step, m.wall_seconds);
  const XStamp at = stamp_of(m.step, m.wall_seconds, m.epoch);
  entropy_->append(usage_entropy_line_, at, m.usage_entropy);
  entropy_->append(sample_entropy_line_, at, m.sample_entropy);
  loss_->append(loss_total_line_, at, m.loss_total);
  const std::size_t terms = std::min(m.loss_terms.size(), loss_term_lines_.size());
  for (std::size_t i = 0; i < terms; ++i) loss_->append(loss_term_lines_[i], at, m.loss_terms[i]);
  accuracy_->append(train_step_line_, at, m.train_accuracy);
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
  accuracy_->append(train_epoch_line_, at, m.train_accuracy);
  accuracy_->append(val_line_, at, m.val_accuracy);
  entropy_->append(effective_experts_line_, at, m.effective_experts);
  entropy_->append(load_violation_line_, at, m.load_violation);

  for (std::size_t e = 0; e < m.utilization.size(); ++e) {
    const int line = ensure_expert_line(utilization_, static_cast<int>(e));
    utilization_->append(line, at, m.utilization[e]);
  }
  for (std::size_t e = 0; e < m.router_task_grad.size(); ++e) {
    const int line = ensure_expert_line(task_grad_, static_cast<int>(e));
    task_grad_->append(line, at, m.router_task_grad[e]);
  }
  task_grad_->append(task_grad_->find_line(kTaskNormKey), at, m.router_task_grad_norm);
  for (TimeSeriesChart* chart : {utilization_, task_grad_}) {
    // Every expert with a line (its index is below the chart's line count: e0, e1, ... in order).
    for (int expert = 0; expert < chart->line_count(); ++expert) {
      const int line = chart->find_line(expert_key(expert));
      if (line < 0) continue;
      const bool dormant = std::find(m.dormant.begin(), m.dormant.end(), expert) != m.dormant.end();
      chart->set_line_dormant(line, dormant);
      if (dormant) chart->mark_last_point_dormant(line);
      chart->set_line_name(
          line, dormant ? tr("e%1 (dormant)").arg(expert) : QStringLiteral("e%1").arg(expert));
    }
  }
  if (!m.field_u.empty()) set_growth_by_field(true);
  field_->add_epoch(m);
  river_->add_epoch(m);
  pending_epoch_ = m;
  schedule_redraw();
}

void ChartPanel::add_split(const moelab::SplitEvent& split) {
  const XStamp at = clock_->event_stamp(split.epoch, split.step);
  // The child is drawn branching off its parent's curve at the split; its own first measurement
  // arrives with the next epoch.
  const int parent = utilization_->find_line(expert_key(split.parent));
  const double start = parent >= 0 ? utilization_->last_value(parent) : 0.0;
  const int child = ensure_expert_line(utilization_, split.child);
  if (utilization_->point_count(child) == 0) {
    utilization_->append(child, at, std::isnan(start) ? 0.0 : start);
  }
  const QString label = QStringLiteral("split e%1 -> e%2").arg(split.parent).arg(split.child);
  for (TimeSeriesChart* chart : time_charts()) {
    chart->add_marker(at, label, TimeSeriesChart::MarkerKind::Split, split_detail(split));
  }
  field_->add_split(split);
  river_->add_split(split);
  schedule_redraw();
}

void ChartPanel::add_switch(const moelab::SwitchEvent& change) {
  const XStamp at = clock_->event_stamp(change.epoch, change.step);
  const QString label = QString::fromStdString(moelab::describe_switch_event(change));
  for (TimeSeriesChart* chart : time_charts()) {
    chart->add_marker(at, label, TimeSeriesChart::MarkerKind::Switch);
  }
  bool is_index = false;
  const int expert = QString::fromStdString(change.from).toInt(&is_index);
  if (change.name == moelab::kPruneEvent && is_index) {
    field_->add_prune(change.epoch, expert);
    river_->add_prune(change.epoch, expert);
  }
  schedule_redraw();
}

void ChartPanel::set_seed_accuracy(double accuracy) {
  accuracy_->set_reference_line(QStringLiteral("seed"), accuracy,
                                tr("seed %1").arg(accuracy, 0, 'f', 3));
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
  utilization_->set_reference_line(QStringLiteral("dormant"), threshold,
                                   tr("dormant < %1%").arg(threshold * 100.0, 0, 'g', 3));
  bars_->set_dormant_threshold(threshold);
  schedule_redraw();
}

void ChartPanel::configure(const moelab::RunConfig& config) {
  set_dormant_threshold(config.training.dormant_threshold);
  set_growth_by_field(config.training.growth == moelab::Growth::Schnakenberg);
  heatmap_->set_top_k(config.model.top_k);
}

int ChartPanel::ensure_expert_line(TimeSeriesChart* chart, int expert) {
  const QString key = expert_key(expert);
  const int existing = chart->find_line(key);
  if (existing >= 0) return existing;
  TimeSeriesChart::LineStyle style;
  style.color = ExpertPalette::color(expert);
  style.smoothable = false;
  style.show_points = true;
  style.width = ChartStyle::line_width();
  return chart->add_line(key, key, style);
}

void ChartPanel::add_task_norm_line() {
  // The whole router's gradient: every row's part, and the ceiling of each expert's line.
  task_grad_->add_line(kTaskNormKey, tr("all rows"),
                       TimeSeriesChart::LineStyle{ChartStyle::ink(), false, false, Qt::DashLine,
                                                  ChartStyle::line_width()});
}

// --- view ---

void ChartPanel::set_x_axis(XAxis axis) {
  const bool changed = axis != axis_;
  axis_ = axis;
  for (TimeSeriesChart* chart : time_charts()) chart->set_x_axis(axis);
  const int index = axis_box_->findData(static_cast<int>(axis));
  if (index != axis_box_->currentIndex()) {
    const QSignalBlocker block(axis_box_);
    axis_box_->setCurrentIndex(index);
  }
  schedule_redraw();
  if (changed) Q_EMIT x_axis_changed(axis);
}

void ChartPanel::set_smoothing(double weight) {
  weight = std::isfinite(weight) ? std::clamp(weight, 0.0, 0.99) : 0.0;
  const bool changed = weight != smoothing_;
  smoothing_ = weight;
  for (TimeSeriesChart* chart : time_charts()) chart->set_smoothing(weight);
  const int slider = static_cast<int>(std::lround(weight * 100));
  if (slider != smoothing_slider_->value()) {
    const QSignalBlocker block(smoothing_slider_);
    smoothing_slider_->setValue(slider);
  }
  smoothing_label_->setText(QString::number(weight, 'f', 2));
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
  sync_follow_box();
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
  update_view_button();
  schedule_redraw();
}

bool ChartPanel::offers_focus() const {
  return !growth_focus_ && growth_start_.has_value() && follow_;
}

void ChartPanel::fit_view_button() {
  if (!view_button_) return;
  // As wide as its longer text needs, so that the bar does not change width with it.
  const QFontMetrics fm(view_button_->font());
  const int padding = view_button_->sizeHint().width() - fm.horizontalAdvance(view_button_->text());
  view_button_->setMinimumWidth(
      std::max(fm.horizontalAdvance(tr("Show all")), fm.horizontalAdvance(tr("Focus growth"))) +
      padding);
}

void ChartPanel::update_view_button() {
  if (offers_focus()) {
    view_button_->setText(tr("Focus growth"));
    view_button_->setToolTip(tr("Show the growth phase and the last %n seed epoch(s) before it.",
                                nullptr, kFocusSeedEpochs));
  } else {
    view_button_->setText(tr("Show all"));
    view_button_->setToolTip(
        tr("Show the whole run (wheel: zoom, drag: pan, double-click: reset the zoom)."));
  }
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
    sync_follow_box();
    Q_EMIT follow_changed(false);
  }
}

void ChartPanel::sync_follow_box() {
  update_view_button();
  if (follow_box_->isChecked() == follow_) return;
  const QSignalBlocker block(follow_box_);
  follow_box_->setChecked(follow_);
}

// --- redraw ---

void ChartPanel::schedule_redraw() {
  if (!redraw_timer_.isActive()) redraw_timer_.start();
}

void ChartPanel::align_follow_extents() {
  // Every chart follows up to the newest x of any chart so their x axes line up.
  double newest = -std::numeric_limits<double>::infinity();
  for (const TimeSeriesChart* chart : time_charts()) newest = std::max(newest, chart->data_x_max());
  for (TimeSeriesChart* chart : time_charts()) chart->set_follow_extent(newest);
}

bool ChartPanel::refresh_epoch_widgets() {
  // After the time charts: the river and the field follow the x range they have just taken.
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

void ChartPanel::flush() {
  redraw_timer_.stop();
  stagger_cursor_ = 0;
  round_changed_ = false;
  align_follow_extents();
  bool changed = false;
  for (TimeSeriesChart* chart : time_charts()) changed = chart->refresh() || changed;
  changed = refresh_epoch_widgets() || changed;
  if (changed) ++redraw_count_;
}

void ChartPanel::refresh_next_chart() {
  // One chart per tick: repainting the whole dashboard at once held the GUI thread for 12-18 ms
  // (bench/gui_latency_bench: event-loop p99 over 16 ms while training); one chart takes a few.
  if (stagger_cursor_ == 0) align_follow_extents();
  const auto charts = time_charts();
  const int slot_count = static_cast<int>(charts.size()) + 1;
  while (stagger_cursor_ < slot_count) {
    const int slot = stagger_cursor_++;
    const bool changed =
        slot < static_cast<int>(charts.size()) ? charts[slot]->refresh() : refresh_epoch_widgets();
    if (changed) {
      round_changed_ = true;
      redraw_timer_.start();
      return;
    }
  }
  stagger_cursor_ = 0;
  if (round_changed_) {
    ++redraw_count_;
    // Data that came in during the round may sit in a chart already passed: one more round.
    round_changed_ = false;
    redraw_timer_.start();
  }
}

int ChartPanel::series_point_count() const {
  int total = 0;
  for (const TimeSeriesChart* chart : time_charts()) {
    for (int line = 0; line < chart->line_count(); ++line) total += chart->series_point_count(line);
  }
  return total;
}

}  // namespace moelab::ui
