#include "comparison/comparison_chart_view.h"

#include <QContextMenuEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsLineItem>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QWheelEvent>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "comparison/comparison_chart_export.h"
#include "comparison/comparison_readout.h"

namespace moelab::ui {

namespace {

constexpr double kZoomPerNotch = 0.8;  // as the dashboard's charts
constexpr int kTicks = 6;
constexpr int kReadoutOffset = 14;  // from the guide, clear of the cursor

// Where the last export went: the next one starts there (per session, like a file dialog's).
QString& last_export_dir() {
  static QString dir = QDir::homePath();
  return dir;
}

// "PCE — Validation accuracy (%)" -> "comparison-pce-validation-accuracy".
QString file_stem(const QString& title) {
  static const QRegularExpression other(QStringLiteral("[^a-z0-9]+"));
  QString stem = title.toLower().replace(other, QStringLiteral("-"));
  while (stem.startsWith(QLatin1Char('-'))) stem.remove(0, 1);
  while (stem.endsWith(QLatin1Char('-'))) stem.chop(1);
  return stem.isEmpty() ? QStringLiteral("comparison") : QStringLiteral("comparison-") + stem;
}

const BandPoint* point_at(const ArmBand& arm, int epoch) {
  const auto it = std::lower_bound(arm.points.begin(), arm.points.end(), epoch,
                                   [](const BandPoint& p, int e) { return p.epoch < e; });
  return it != arm.points.end() && it->epoch == epoch ? &*it : nullptr;
}

ComparisonReadout::Row readout_row(const ArmBand& arm, int epoch) {
  ComparisonReadout::Row row{arm.color, arm.name, {}, {}, {}};
  if (const BandPoint* p = point_at(arm, epoch)) {
    row.mean = ComparisonReadout::format_value(p->mean);
    row.range = QStringLiteral("%1 – %2").arg(ComparisonReadout::format_value(p->min),
                                              ComparisonReadout::format_value(p->max));
    row.seeds = QString::number(p->seeds);
  }
  return row;
}

}  // namespace

ComparisonChartView::ComparisonChartView(QChart* chart, QWidget* parent)
    : QChartView(chart, parent) {
  setRenderHint(QPainter::Antialiasing);
  viewport()->setMouseTracking(true);
  x_axis_ = qobject_cast<QValueAxis*>(chart->axes(Qt::Horizontal).value(0));
  guide_ = new QGraphicsLineItem;
  guide_->setZValue(1000);  // over the chart and every series in it
  guide_->hide();
  scene()->addItem(guide_);
  apply_range();
}

ComparisonChartView::~ComparisonChartView() { delete readout_.data(); }

void ComparisonChartView::set_bands(std::vector<ArmBand> arms, int first_epoch, int last_epoch) {
  arms_ = std::move(arms);
  const bool was_zoomed = zoomed();
  const int lo = range_.min();
  const int hi = range_.max();
  range_.set_extent(first_epoch, last_epoch);
  if (was_zoomed) range_.show(lo, hi);
  if (range_.min() != lo || range_.max() != hi) {
    range_changed();
  } else if (hover_epoch_ >= 0) {
    // A live comparison refreshes every few dozen milliseconds: the read-out stays up and takes
    // the new values instead of blinking.
    show_hover(hover_epoch_);
  }
}

void ComparisonChartView::set_x_range(double min, double max) {
  if (range_.show(min, max)) range_changed();
}

void ComparisonChartView::reset_zoom() {
  if (range_.reset()) range_changed();
}

QRectF ComparisonChartView::plot_rect() const {
  return chart()->mapRectToScene(chart()->plotArea());
}

double ComparisonChartView::pixel_to_x(double px) const {
  const QRectF plot = plot_rect();
  return range_.min() +
         (px - plot.left()) / std::max(1.0, plot.width()) * (range_.max() - range_.min());
}

double ComparisonChartView::x_to_pixel(double x) const {
  const QRectF plot = plot_rect();
  const double span = range_.max() - range_.min();
  return plot.left() + (span > 0 ? (x - range_.min()) / span : 0.0) * plot.width();
}

void ComparisonChartView::range_changed() {
  // The guide stood at an epoch of the old range; the next mouse move places it again.
  hide_hover();
  apply_range();
}

void ComparisonChartView::apply_range() {
  if (!x_axis_) return;
  x_axis_->setRange(range_.min(), range_.max());
  // Round epochs after a zoom too: ticks on multiples of 1, 2, 5, 10... from epoch 0.
  x_axis_->setTickType(QValueAxis::TicksDynamic);
  x_axis_->setTickAnchor(0);
  x_axis_->setTickInterval(axis_ticks::nice_interval(range_.max() - range_.min(), kTicks, true));
  x_axis_->setLabelFormat(QStringLiteral("%.0f"));
}

void ComparisonChartView::navigated() {
  range_changed();
  Q_EMIT x_range_navigated(range_.min(), range_.max());
}

void ComparisonChartView::request_reset() {
  reset_zoom();
  Q_EMIT reset_zoom_requested();
}

void ComparisonChartView::wheelEvent(QWheelEvent* event) {
  const QPointF pos = mapToScene(event->position().toPoint());
  const double notches = event->angleDelta().y() / 120.0;
  if (notches == 0.0 || !plot_rect().contains(pos)) {
    event->ignore();
    return;
  }
  if (range_.zoom(pixel_to_x(pos.x()), std::pow(kZoomPerNotch, notches))) navigated();
  hover(pos);
  event->accept();
}

void ComparisonChartView::mousePressEvent(QMouseEvent* event) {
  const QPointF pos = mapToScene(event->position().toPoint());
  if (event->button() != Qt::LeftButton || !plot_rect().contains(pos)) {
    QChartView::mousePressEvent(event);
    return;
  }
  dragging_ = true;
  drag_start_x_ = pos.x();
  drag_min_ = range_.min();
  drag_max_ = range_.max();
  hide_hover();
  viewport()->setCursor(Qt::ClosedHandCursor);
  event->accept();
}

void ComparisonChartView::mouseMoveEvent(QMouseEvent* event) {
  const QPointF pos = mapToScene(event->position().toPoint());
  if (!dragging_) {
    hover(pos);
    QChartView::mouseMoveEvent(event);
    return;
  }
  const double shift =
      (pos.x() - drag_start_x_) * (drag_max_ - drag_min_) / std::max(1.0, plot_rect().width());
  if (range_.show(drag_min_ - shift, drag_max_ - shift)) navigated();
  event->accept();
}

void ComparisonChartView::mouseReleaseEvent(QMouseEvent* event) {
  if (!dragging_ || event->button() != Qt::LeftButton) {
    QChartView::mouseReleaseEvent(event);
    return;
  }
  dragging_ = false;
  viewport()->unsetCursor();
  hover(mapToScene(event->position().toPoint()));
  event->accept();
}

void ComparisonChartView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) {
    QChartView::mouseDoubleClickEvent(event);
    return;
  }
  dragging_ = false;
  viewport()->unsetCursor();
  request_reset();
  event->accept();
}

bool ComparisonChartView::viewportEvent(QEvent* event) {
  if (event->type() == QEvent::Leave) hide_hover();
  return QChartView::viewportEvent(event);
}

void ComparisonChartView::resizeEvent(QResizeEvent* event) {
  hide_hover();
  QChartView::resizeEvent(event);
}

void ComparisonChartView::hideEvent(QHideEvent* event) {
  hide_hover();
  QChartView::hideEvent(event);
}

void ComparisonChartView::hover(const QPointF& scene_pos) {
  if (arms_.empty() || !plot_rect().contains(scene_pos)) {
    hide_hover();
    return;
  }
  const int epoch = std::clamp(static_cast<int>(std::lround(pixel_to_x(scene_pos.x()))),
                               range_.min(), range_.max());
  // Within one epoch nothing changes: no repaint at all.
  if (epoch != hover_epoch_) show_hover(epoch);
}

void ComparisonChartView::show_hover(int epoch) {
  hover_epoch_ = epoch;
  const QRectF plot = plot_rect();
  const double px = x_to_pixel(epoch);
  guide_->setPen(QPen(ChartStyle::axis_line(), 1.0));
  guide_->setLine(px, plot.top(), px, plot.bottom());
  guide_->show();
  if (!readout_ || readout_->parentWidget() != window()) {
    delete readout_.data();
    readout_ = new ComparisonReadout(window());
  }
  std::vector<ComparisonReadout::Row> rows;
  rows.reserve(arms_.size());
  for (const ArmBand& arm : arms_) rows.push_back(readout_row(arm, epoch));
  readout_->set_rows(tr("epoch %1").arg(epoch), std::move(rows));
  place_readout();
  readout_->show();
  readout_->raise();
}

void ComparisonChartView::place_readout() {
  QWidget* host = readout_->parentWidget();
  const QRectF plot = plot_rect();
  const QPoint guide =
      viewport()->mapTo(host, mapFromScene(QPointF(x_to_pixel(hover_epoch_), plot.top())));
  const QSize size = readout_->size();
  // Right of the guide; left of it where the window ends.
  int x = guide.x() + kReadoutOffset;
  if (x + size.width() > host->width()) x = guide.x() - kReadoutOffset - size.width();
  const int y = std::clamp(guide.y(), 0, std::max(0, host->height() - size.height()));
  readout_->move(std::max(0, x), y);
}

void ComparisonChartView::hide_hover() {
  if (hover_epoch_ < 0) return;
  hover_epoch_ = -1;
  guide_->hide();
  if (readout_) readout_->hide();
}

QString ComparisonChartView::readout_text() const {
  return hover_epoch_ >= 0 && readout_ ? readout_->text() : QString();
}

bool ComparisonChartView::export_to(const QString& path, QString* error) {
  hide_hover();  // the picture is the chart, not the cursor's guide
  return comparison_chart_export::write(this, arms_, path, error);
}

void ComparisonChartView::add_menu_actions(QMenu* menu) {
  connect(menu->addAction(tr("Export chart as PNG…")), &QAction::triggered, this,
          [this] { choose_export(QStringLiteral("png")); });
  connect(menu->addAction(tr("Export chart as SVG…")), &QAction::triggered, this,
          [this] { choose_export(QStringLiteral("svg")); });
  connect(menu->addAction(tr("Export chart as CSV…")), &QAction::triggered, this,
          [this] { choose_export(QStringLiteral("csv")); });
  menu->addSeparator();
  QAction* reset = menu->addAction(tr("Reset zoom"));
  reset->setEnabled(zoomed());
  connect(reset, &QAction::triggered, this, &ComparisonChartView::request_reset);
}

void ComparisonChartView::contextMenuEvent(QContextMenuEvent* event) {
  hide_hover();
  QMenu menu(this);
  add_menu_actions(&menu);
  menu.exec(event->globalPos());
  event->accept();
}

void ComparisonChartView::choose_export(const QString& suffix) {
  const QString name = QStringLiteral("%1.%2").arg(file_stem(chart()->title()), suffix);
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export chart"), QDir(last_export_dir()).filePath(name),
                                   tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
  if (path.isEmpty()) return;
  QString error;
  if (export_to(path, &error)) {
    last_export_dir() = QFileInfo(path).absolutePath();
  } else {
    QMessageBox::warning(this, tr("Export chart"), error);
  }
}

}  // namespace moelab::ui
