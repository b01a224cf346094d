#include "charts/field_heatmap.h"

#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_style.h"
#include "charts/expert_palette.h"
#include "charts/viridis_color_map.h"

namespace moelab::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSwatchWidth = 4.0;
constexpr double kColorBarWidth = 90.0;

QString number(double v) { return QString::number(v, 'f', 2); }

}  // namespace

FieldHeatmap::FieldHeatmap(std::shared_ptr<const XClock> clock, QWidget* parent)
    : QWidget(parent), x_view_(std::move(clock)) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

// --- data ---

void FieldHeatmap::add_epoch(const moelab::EpochMetrics& m) {
  const XStamp start = x_view_.last_end();
  const XStamp end = x_view_.add_epoch(m);
  if (!m.field_u.empty()) {
    Column column;
    column.epoch = m.epoch;
    column.start = start;
    column.end = end;
    for (std::size_t e = 0; e < m.field_u.size(); ++e) {
      const auto row = static_cast<std::size_t>(ensure_row(static_cast<int>(e)));
      column.u.resize(std::max(column.u.size(), row + 1), kNaN);
      column.u[row] = m.field_u[e];
    }
    threshold_ = m.field_threshold;
    // A fork's window replays its parent's past, and may be handed an epoch again.
    const int existing = column_of_epoch(m.epoch);
    if (existing >= 0) {
      columns_[static_cast<std::size_t>(existing)] = std::move(column);
    } else {
      columns_.push_back(std::move(column));
    }
    dirty_ = true;
  }
}

void FieldHeatmap::add_split(const moelab::SplitEvent& split) {
  const int parent_row = ensure_row(split.parent);
  // The core appends the child as the next index; a replay may already know it from u.
  const int child_row = ensure_row(split.child);
  splits_.push_back({parent_row, child_row, split.epoch});
  dirty_ = true;
}

void FieldHeatmap::add_prune(int /*epoch*/, int expert) {
  if (expert < 0 || expert >= static_cast<int>(row_of_expert_.size())) return;
  const int row = row_of_expert_[static_cast<std::size_t>(expert)];
  rows_[static_cast<std::size_t>(row)].expert = -1;
  rows_[static_cast<std::size_t>(row)].pruned_index = expert;
  row_of_expert_.erase(row_of_expert_.begin() + expert);
  // The experts above it moved down one index; their rows stay where they are.
  for (std::size_t e = static_cast<std::size_t>(expert); e < row_of_expert_.size(); ++e) {
    rows_[static_cast<std::size_t>(row_of_expert_[e])].expert = static_cast<int>(e);
  }
  dirty_ = true;
}

void FieldHeatmap::clear() {
  x_view_.clear();
  rows_.clear();
  row_of_expert_.clear();
  columns_.clear();
  splits_.clear();
  threshold_ = 0;
  dirty_ = true;
}

bool FieldHeatmap::refresh() {
  if (!dirty_) return false;
  dirty_ = false;
  update();
  return true;
}

int FieldHeatmap::ensure_row(int expert) {
  while (static_cast<int>(row_of_expert_.size()) <= expert) {
    Row row;
    row.expert = static_cast<int>(row_of_expert_.size());
    row_of_expert_.push_back(static_cast<int>(rows_.size()));
    rows_.push_back(row);
  }
  return row_of_expert_[static_cast<std::size_t>(expert)];
}

int FieldHeatmap::column_of_epoch(int epoch) const {
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c].epoch == epoch) return static_cast<int>(c);
  }
  return -1;
}

// --- alignment ---

void FieldHeatmap::set_x_axis(XAxis axis) {
  if (x_view_.set_axis(axis)) dirty_ = true;
}

void FieldHeatmap::set_x_range(double min, double max) {
  if (x_view_.set_range(min, max)) dirty_ = true;
}

void FieldHeatmap::set_plot_span(double left, double right) {
  if (left == span_left_ && right == span_right_) return;
  span_left_ = left;
  span_right_ = right;
  dirty_ = true;
}

double FieldHeatmap::pixel_of(const XStamp& stamp, const QRectF& grid) const {
  return x_view_.to_pixel(x_view_.x(stamp), grid.left(), grid.width());
}

// --- read-back ---

int FieldHeatmap::column_epoch(int column) const {
  return column >= 0 && column < column_count() ? columns_[static_cast<std::size_t>(column)].epoch
                                                : 0;
}

int FieldHeatmap::row_expert(int row) const {
  return row >= 0 && row < row_count() ? rows_[static_cast<std::size_t>(row)].expert : -1;
}

QString FieldHeatmap::row_label(int row) const {
  if (row < 0 || row >= row_count()) return {};
  const Row& r = rows_[static_cast<std::size_t>(row)];
  return QStringLiteral("e%1").arg(r.expert >= 0 ? r.expert : r.pruned_index);
}

double FieldHeatmap::value_at(int row, int column) const {
  if (row < 0 || column < 0 || column >= column_count()) return kNaN;
  const auto& u = columns_[static_cast<std::size_t>(column)].u;
  return row < static_cast<int>(u.size()) ? u[static_cast<std::size_t>(row)] : kNaN;
}

bool FieldHeatmap::is_crossing(int row, int column) const {
  const double u = value_at(row, column);
  // The policy splits only above the threshold (a u equal to it does not split).
  return !std::isnan(u) && u > threshold_;
}

bool FieldHeatmap::is_split(int row, int column) const {
  const int epoch = column_epoch(column);
  return std::any_of(splits_.begin(), splits_.end(),
                     [&](const Split& s) { return s.row == row && s.epoch == epoch; });
}

int FieldHeatmap::crossing_count() const {
  int count = 0;
  for (int c = 0; c < column_count(); ++c) {
    for (int r = 0; r < row_count(); ++r) count += is_crossing(r, c) ? 1 : 0;
  }
  return count;
}

double FieldHeatmap::color_min() const {
  double lo = threshold_;
  for (const auto& column : columns_) {
    for (double u : column.u) {
      if (!std::isnan(u)) lo = std::min(lo, u);
    }
  }
  return lo;
}

double FieldHeatmap::color_max() const {
  double hi = threshold_;
  for (const auto& column : columns_) {
    for (double u : column.u) {
      if (!std::isnan(u)) hi = std::max(hi, u);
    }
  }
  // A field that has not moved still needs a scale.
  return hi > color_min() ? hi : color_min() + 1.0;
}

QString FieldHeatmap::empty_text() const {
  if (!columns_.empty()) return {};
  return tr("Growth by pattern: the field's u appears here from the first growth epoch.");
}

QString FieldHeatmap::tooltip_text(int row, int column) const {
  const double u = value_at(row, column);
  if (std::isnan(u)) return {};
  const Row& r = rows_[static_cast<std::size_t>(row)];
  QString text =
      tr("%1 after epoch %2: u = %3").arg(row_label(row)).arg(column_epoch(column)).arg(number(u));
  if (is_split(row, column)) {
    text += tr(", above the threshold %1: it split").arg(number(threshold_));
  } else if (is_crossing(row, column)) {
    text += tr(", above the threshold %1 (no split: the cooldown, the cap or a higher peak)")
                .arg(number(threshold_));
  } else {
    text += tr(" (threshold %1)").arg(number(threshold_));
  }
  if (r.expert < 0) text += tr("; pruned later");
  return text;
}

// --- geometry ---

double FieldHeatmap::label_width() const {
  const QFontMetricsF fm(ChartStyle::small_font());
  return fm.horizontalAdvance(QStringLiteral("e%1").arg(std::max(9, row_count() - 1))) + 4 +
         kSwatchWidth;
}

FieldHeatmap::Layout FieldHeatmap::layout() const {
  const QFontMetricsF label(ChartStyle::label_font());
  Layout l;
  l.header = QRectF(4, 2, width() - 8, label.height() + 4);
  const double top = l.header.bottom() + 2;
  const bool aligned = span_right_ > span_left_;
  const double left = aligned ? span_left_ : 6 + label_width();
  const double right = aligned ? span_right_ : width() - 8;
  l.grid = QRectF(left, top, std::max(1.0, right - left), std::max(1.0, height() - top - 4));
  l.row_h = l.grid.height() / std::max(1, row_count());
  return l;
}

QRectF FieldHeatmap::cell_rect(int row, int column) const {
  if (row < 0 || row >= row_count() || column < 0 || column >= column_count()) return {};
  const Layout l = layout();
  const Column& c = columns_[static_cast<std::size_t>(column)];
  const double x0 = std::max(l.grid.left(), pixel_of(c.start, l.grid));
  const double x1 = std::min(l.grid.right(), pixel_of(c.end, l.grid));
  if (x1 <= x0) return {};
  return QRectF(x0, l.grid.top() + row * l.row_h, x1 - x0, l.row_h);
}

QPoint FieldHeatmap::cell_at(const QPointF& pos) const {
  for (int c = 0; c < column_count(); ++c) {
    for (int r = 0; r < row_count(); ++r) {
      if (cell_rect(r, c).contains(pos)) return QPoint(c, r);
    }
  }
  return QPoint(-1, -1);
}

QSize FieldHeatmap::minimumSizeHint() const {
  const QFontMetricsF label(ChartStyle::label_font());
  return QSize(160, static_cast<int>(label.height() + 8 + 4 * 8));
}

QSize FieldHeatmap::sizeHint() const { return QSize(480, 150); }

// --- painting ---

void FieldHeatmap::paint_header(QPainter& p, const Layout& l) {
  const QFont label_font = ChartStyle::label_font();
  const QFontMetricsF label(label_font);
  const QFont small_font = ChartStyle::small_font();
  const QFontMetricsF small(small_font);
  double title_right = l.header.right();
  if (!columns_.empty()) {
    // The colour bar, right-aligned: "lo [viridis] hi", the threshold ticked on it.
    const QString lo = number(color_min());
    const QString hi = number(color_max());
    const double bar_w = std::min(kColorBarWidth, l.header.width() / 4);
    const double right_w = small.horizontalAdvance(hi) + 3;
    const QRectF bar(l.header.right() - right_w - bar_w, l.header.top() + 3, bar_w,
                     l.header.height() - 6);
    const double left_w = small.horizontalAdvance(lo) + 3;
    p.fillRect(bar, ViridisColorMap::gradient(bar.topLeft(), bar.topRight()));
    p.setFont(small_font);
    p.setPen(ChartStyle::muted_text());
    p.drawText(QRectF(bar.left() - left_w, l.header.top(), left_w, l.header.height()),
               Qt::AlignLeft | Qt::AlignVCenter, lo);
    p.drawText(QRectF(bar.right() + 3, l.header.top(), right_w, l.header.height()),
               Qt::AlignLeft | Qt::AlignVCenter, hi);
    const double t = (threshold_ - color_min()) / (color_max() - color_min());
    const double tx = bar.left() + std::clamp(t, 0.0, 1.0) * bar.width();
    p.setPen(QPen(ChartStyle::split_marker(), 2.0));
    p.drawLine(QPointF(tx, l.header.top()), QPointF(tx, l.header.bottom()));
    title_right = bar.left() - left_w - 8;
  }
  // The longest title that fits: what the outlines mean goes first when the strip is narrow.
  const QString titles[] = {
      tr("Growth field u per expert (outlined: above the threshold %1; \u25c6 split)")
          .arg(number(threshold_)),
      tr("Field u (outlined: above %1)").arg(number(threshold_)),
      tr("Field u"),
  };
  QFont bold = label_font;
  bold.setBold(true);
  const QFontMetricsF bold_metrics(bold);
  const double room = title_right - l.header.left();
  QString title = titles[2];
  for (const QString& candidate : titles) {
    if (columns_.empty() && &candidate != &titles[2]) continue;
    if (bold_metrics.horizontalAdvance(candidate) <= room) {
      title = candidate;
      break;
    }
  }
  p.setFont(bold);
  p.setPen(ChartStyle::text());
  p.drawText(QRectF(l.header.left(), l.header.top(), std::max(0.0, room), l.header.height()),
             Qt::AlignLeft | Qt::AlignVCenter,
             bold_metrics.elidedText(title, Qt::ElideRight, room));
}

void FieldHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), ChartStyle::background());
  const Layout l = layout();
  paint_header(p, l);
  p.setPen(QPen(ChartStyle::grid(), 1.0));
  p.drawRect(l.grid);
  if (columns_.empty()) {
    p.setFont(ChartStyle::label_font());
    p.setPen(ChartStyle::muted_text());
    p.drawText(l.grid, Qt::AlignCenter | Qt::TextWordWrap, empty_text());
    return;
  }

  // Before the first column: the seed phase, which has no field.
  const double first_x = pixel_of(columns_.front().start, l.grid);
  const QFont small_font = ChartStyle::small_font();
  const QFontMetricsF small(small_font);
  const QString seed_text = tr("seed phase: no field");
  if (first_x - l.grid.left() >= small.horizontalAdvance(seed_text) + 8) {
    p.setFont(small_font);
    p.setPen(ChartStyle::muted_text());
    p.drawText(QRectF(l.grid.left(), l.grid.top(), first_x - l.grid.left(), l.grid.height()),
               Qt::AlignCenter, seed_text);
  }

  const double lo = color_min();
  const double hi = color_max();
  p.save();
  p.setClipRect(l.grid);
  for (int c = 0; c < column_count(); ++c) {
    for (int r = 0; r < row_count(); ++r) {
      const double u = value_at(r, c);
      const QRectF cell = cell_rect(r, c);
      if (std::isnan(u) || cell.isEmpty()) continue;
      p.fillRect(cell, ViridisColorMap::at((u - lo) / (hi - lo)));
    }
  }
  // Thin white gaps between rows read as a grid, once the rows are tall enough to spare them.
  if (l.row_h >= 6) {
    p.setPen(QPen(ChartStyle::background(), 1.0));
    for (int r = 1; r < row_count(); ++r) {
      const double y = l.grid.top() + r * l.row_h;
      p.drawLine(QPointF(std::max(l.grid.left(), first_x), y), QPointF(l.grid.right(), y));
    }
  }
  // Crossings: one contour in the split markers' colour around each patch of cells above the
  // threshold (an outline per cell would fill epochs a few pixels wide with purple); the one
  // that split, a diamond, and a stroke down to the child's row, which starts with the next
  // column.
  const QColor mark = ChartStyle::split_marker();
  p.setPen(QPen(mark, 2.0, Qt::SolidLine, Qt::SquareCap));
  for (int c = 0; c < column_count(); ++c) {
    for (int r = 0; r < row_count(); ++r) {
      if (!is_crossing(r, c)) continue;
      const QRectF cell = cell_rect(r, c).adjusted(1, 1, -1, -1);
      if (cell.isEmpty()) continue;
      if (!is_crossing(r - 1, c)) p.drawLine(cell.topLeft(), cell.topRight());
      if (!is_crossing(r + 1, c)) p.drawLine(cell.bottomLeft(), cell.bottomRight());
      if (!is_crossing(r, c - 1)) p.drawLine(cell.topLeft(), cell.bottomLeft());
      if (!is_crossing(r, c + 1)) p.drawLine(cell.topRight(), cell.bottomRight());
    }
  }
  p.setRenderHint(QPainter::Antialiasing, true);
  for (const Split& s : splits_) {
    const int c = column_of_epoch(s.epoch);
    const QRectF cell = cell_rect(s.row, c);
    if (cell.isEmpty()) continue;
    const double size = std::clamp(std::min(cell.width(), cell.height()) * 0.7, 5.0, 12.0);
    const QPointF centre = cell.center();
    QPainterPath diamond;
    diamond.moveTo(centre + QPointF(0, -size / 2));
    diamond.lineTo(centre + QPointF(size / 2, 0));
    diamond.lineTo(centre + QPointF(0, size / 2));
    diamond.lineTo(centre + QPointF(-size / 2, 0));
    diamond.closeSubpath();
    // The branch: along the parent's row to the column's end, then to the child's row.
    const double child_y = l.grid.top() + (s.child_row + 0.5) * l.row_h;
    p.setPen(QPen(mark, 1.5));
    p.drawPolyline(
        QPolygonF{centre, QPointF(cell.right(), centre.y()), QPointF(cell.right(), child_y)});
    p.setPen(QPen(Qt::white, 1.0));
    p.setBrush(mark);
    p.drawPath(diamond);
  }
  p.restore();

  // Row heads: the expert's name over a swatch of its colour (the utilisation chart's), struck
  // through and grey once pruned; every row when they fit, else every n-th.
  p.setFont(small_font);
  const int every =
      std::max(1, static_cast<int>(std::ceil(small.height() / std::max(1.0, l.row_h))));
  const double label_right = l.grid.left() - 3;
  for (int r = 0; r < row_count(); ++r) {
    const Row& row = rows_[static_cast<std::size_t>(r)];
    const double y = l.grid.top() + r * l.row_h;
    const QColor swatch =
        row.expert >= 0 ? ExpertPalette::color(row.expert) : ExpertPalette::dormant();
    p.fillRect(QRectF(label_right - kSwatchWidth, y + (l.row_h >= 4 ? 1 : 0), kSwatchWidth,
                      std::max(1.0, l.row_h - (l.row_h >= 4 ? 2 : 0))),
               swatch);
    if (r % every != 0) continue;
    QFont font = small_font;
    font.setStrikeOut(row.expert < 0);
    p.setFont(font);
    p.setPen(row.expert >= 0 ? ChartStyle::text() : ChartStyle::muted_text());
    const double text_h = small.height();
    p.drawText(QRectF(0, y + l.row_h / 2 - text_h / 2, label_right - kSwatchWidth - 2, text_h),
               Qt::AlignRight | Qt::AlignVCenter, row_label(r));
  }
}

bool FieldHeatmap::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    const QPoint cell = cell_at(help->pos());
    const QString text = cell.x() >= 0 ? tooltip_text(cell.y(), cell.x()) : QString();
    if (text.isEmpty()) {
      QToolTip::hideText();
    } else {
      QToolTip::showText(help->globalPos(), text, this);
    }
    return true;
  }
  return QWidget::event(event);
}

}  // namespace moelab::ui
