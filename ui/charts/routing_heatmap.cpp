#include "charts/routing_heatmap.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_style.h"
#include "charts/expert_palette.h"
#include "charts/viridis_color_map.h"

namespace moelab::ui {

namespace {

constexpr double kColorBarWidth = 12.0;

}  // namespace

RoutingHeatmap::RoutingHeatmap(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void RoutingHeatmap::set_class_names(const QStringList& names) {
  class_names_ = names;
  updateGeometry();
  update();
}

void RoutingHeatmap::set_matrix(const std::vector<std::vector<float>>& matrix, int epoch) {
  matrix_ = matrix;
  experts_ = 0;
  for (const auto& row : matrix_) experts_ = std::max(experts_, static_cast<int>(row.size()));
  dormant_.resize(static_cast<std::size_t>(experts_), false);
  epoch_ = epoch;
  update();
}

void RoutingHeatmap::set_dormant(const std::vector<int>& dormant) {
  dormant_.assign(static_cast<std::size_t>(experts_), false);
  for (int e : dormant) {
    if (e >= 0 && e < experts_) dormant_[static_cast<std::size_t>(e)] = true;
  }
  update();
}

void RoutingHeatmap::clear() {
  matrix_.clear();
  dormant_.clear();
  experts_ = 0;
  epoch_ = 0;
  update();
}

double RoutingHeatmap::value_at(int class_index, int expert) const {
  if (class_index < 0 || class_index >= class_count() || expert < 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const auto& row = matrix_[static_cast<std::size_t>(class_index)];
  if (expert >= static_cast<int>(row.size())) return std::numeric_limits<double>::quiet_NaN();
  return row[static_cast<std::size_t>(expert)];
}

void RoutingHeatmap::set_top_k(int k) {
  top_k_ = std::max(1, k);
  scale_max_ = 1.0 / top_k_;
  update();
}

QString RoutingHeatmap::caption() const {
  if (top_k_ == 1) return tr("cell: % of the class's samples");
  // The colour bar's top says the most a cell can hold (1/k).
  return tr("cell: % of the class's top-%1 slots").arg(top_k_);
}

QString RoutingHeatmap::class_name(int class_index) const {
  if (class_index >= 0 && class_index < class_names_.size()) return class_names_[class_index];
  return tr("class %1").arg(class_index);
}

double RoutingHeatmap::label_width() const {
  const QFontMetricsF fm(ChartStyle::label_font());
  double w = fm.horizontalAdvance(QStringLiteral("class 00"));
  const int rows = std::max(class_count(), static_cast<int>(class_names_.size()));
  for (int c = 0; c < rows; ++c) w = std::max(w, fm.horizontalAdvance(class_name(c)));
  return std::min(w, 140.0);
}

RoutingHeatmap::Layout RoutingHeatmap::layout() const {
  const QFontMetricsF title(ChartStyle::title_font());
  const QFontMetricsF label(ChartStyle::label_font());
  const QFontMetricsF small(ChartStyle::small_font());
  Layout l;
  const double top = 8 + title.height() + 8 + label.height() + 8;  // title, expert names, swatch
  const double left = 8 + label_width() + 6;
  const double right =
      10 + kColorBarWidth + 4 + small.horizontalAdvance(QStringLiteral("100%")) + 6;
  const double bottom = 8 + label.height();
  const double w = std::max(10.0, width() - left - right);
  const double h = std::max(10.0, height() - top - bottom);
  const int rows = std::max(1, class_count());
  const int cols = std::max(1, expert_count());
  // Cells no wider than a generous square, so five experts do not become five wide stripes.
  l.cell_h = h / rows;
  l.cell_w = std::min(w / cols, std::max(l.cell_h * 2.2, 36.0));
  l.grid = QRectF(left, top, l.cell_w * cols, l.cell_h * rows);
  l.color_bar = QRectF(l.grid.right() + 10, top, kColorBarWidth, l.grid.height());
  return l;
}

QRectF RoutingHeatmap::cell_rect(int class_index, int expert) const {
  if (class_index < 0 || class_index >= class_count() || expert < 0 || expert >= experts_) {
    return QRectF();
  }
  const Layout l = layout();
  return QRectF(l.grid.left() + expert * l.cell_w, l.grid.top() + class_index * l.cell_h, l.cell_w,
                l.cell_h);
}

QPoint RoutingHeatmap::cell_at(const QPointF& pos) const {
  const Layout l = layout();
  if (class_count() == 0 || experts_ == 0 || !l.grid.contains(pos)) return QPoint(-1, -1);
  const int e = std::min(experts_ - 1, static_cast<int>((pos.x() - l.grid.left()) / l.cell_w));
  const int c = std::min(class_count() - 1, static_cast<int>((pos.y() - l.grid.top()) / l.cell_h));
  return QPoint(e, c);
}

bool RoutingHeatmap::shows_values() const {
  // Values are whole percents: "100" is the widest text a cell has to hold.
  const Layout l = layout();
  const QFontMetricsF fm(ChartStyle::small_font());
  return l.cell_w >= fm.horizontalAdvance(QStringLiteral("100")) + 4 && l.cell_h >= fm.height();
}

QSize RoutingHeatmap::minimumSizeHint() const {
  // Room for 16 px cells; the title elides rather than widen the column.
  const QFontMetricsF title(ChartStyle::title_font());
  const QFontMetricsF label(ChartStyle::label_font());
  const int rows = std::max(4, std::max(class_count(), static_cast<int>(class_names_.size())));
  const int cols = std::max(4, expert_count());
  const double w = 8 + label_width() + 6 + cols * 16 + 60;
  const double h = 8 + title.height() + 8 + label.height() + 8 + rows * 10 + 8 + label.height();
  return QSize(static_cast<int>(w), static_cast<int>(h));
}

QSize RoutingHeatmap::sizeHint() const { return QSize(340, 300); }

void RoutingHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), ChartStyle::background());
  const Layout l = layout();
  const QFont label_font = ChartStyle::label_font();
  const QFontMetricsF label(label_font);

  QString title = tr("Which classes each expert takes");
  // The epoch is the first thing to go when the panel is narrow; the question stays.
  if (epoch_ > 0) {
    const QString with_epoch = title + tr(" (epoch %1)").arg(epoch_);
    if (QFontMetricsF(ChartStyle::title_font()).horizontalAdvance(with_epoch) <= width() - 8) {
      title = with_epoch;
    }
  }
  const QFont title_font = ChartStyle::fitted_title_font(title, width() - 8);
  const QFontMetricsF title_metrics(title_font);
  p.setFont(title_font);
  p.setPen(ChartStyle::text());
  p.drawText(QRectF(0, 8, width(), title_metrics.height()), Qt::AlignHCenter,
             title_metrics.elidedText(title, Qt::ElideRight, width() - 8));

  p.setFont(label_font);
  if (class_count() == 0 || experts_ == 0) {
    p.setPen(ChartStyle::muted_text());
    p.drawText(rect(), Qt::AlignCenter, tr("waiting for the first epoch"));
    return;
  }

  const bool text = shows_values();
  for (int c = 0; c < class_count(); ++c) {
    const double y = l.grid.top() + c * l.cell_h;
    p.setPen(ChartStyle::text());
    p.drawText(QRectF(8, y, l.grid.left() - 14, l.cell_h), Qt::AlignRight | Qt::AlignVCenter,
               label.elidedText(class_name(c), Qt::ElideRight, l.grid.left() - 14));
    for (int e = 0; e < experts_; ++e) {
      const QRectF cell(l.grid.left() + e * l.cell_w, y, l.cell_w, l.cell_h);
      const double v = value_at(c, e);
      p.fillRect(cell, ViridisColorMap::at(v / scale_max_));
      if (text && !std::isnan(v)) {
        p.setFont(ChartStyle::small_font());
        p.setPen(ViridisColorMap::text_color(v / scale_max_));
        p.drawText(cell, Qt::AlignCenter, QString::number(std::lround(v * 100.0)));
        p.setFont(label_font);
      }
    }
  }
  // Thin white gaps between cells read as a grid without a heavy outline.
  p.setPen(QPen(ChartStyle::background(), 1.0));
  for (int e = 1; e < experts_; ++e) {
    const double x = l.grid.left() + e * l.cell_w;
    p.drawLine(QPointF(x, l.grid.top()), QPointF(x, l.grid.bottom()));
  }
  for (int c = 1; c < class_count(); ++c) {
    const double y = l.grid.top() + c * l.cell_h;
    p.drawLine(QPointF(l.grid.left(), y), QPointF(l.grid.right(), y));
  }

  // Column heads: the expert's name over a swatch of its colour, greyed when dormant.
  QFont head_font = label_font;
  head_font.setBold(true);
  p.setFont(head_font);
  const double head_top = l.grid.top() - 8 - label.height();
  // All heads alike: "e0 ... e9 10 11" would read as two kinds of column.
  const QFontMetricsF head_metrics(head_font);
  const bool short_names =
      head_metrics.horizontalAdvance(QStringLiteral("e%1").arg(experts_ - 1)) + 2 > l.cell_w;
  for (int e = 0; e < experts_; ++e) {
    const bool dormant =
        e < static_cast<int>(dormant_.size()) && dormant_[static_cast<std::size_t>(e)];
    const QColor color = dormant ? ExpertPalette::dormant() : ExpertPalette::color(e);
    const double x = l.grid.left() + e * l.cell_w;
    p.setPen(dormant ? ChartStyle::muted_text() : ChartStyle::text());
    const QString name = short_names ? QString::number(e) : QStringLiteral("e%1").arg(e);
    p.drawText(QRectF(x, head_top, l.cell_w, label.height()), Qt::AlignCenter, name);
    p.fillRect(QRectF(x + 1, l.grid.top() - 6, l.cell_w - 2, 4), color);
  }
  p.setFont(label_font);

  // Colour bar with its scale.
  p.fillRect(l.color_bar,
             ViridisColorMap::gradient(l.color_bar.bottomLeft(), l.color_bar.topLeft()));
  p.setFont(ChartStyle::small_font());
  const QFontMetricsF small(ChartStyle::small_font());
  p.setPen(ChartStyle::muted_text());
  for (double v : {0.0, 0.5, 1.0}) {
    const double y = l.color_bar.bottom() - v * l.color_bar.height();
    p.drawText(QRectF(l.color_bar.right() + 4, y - small.height() / 2, 60, small.height()),
               Qt::AlignLeft | Qt::AlignVCenter,
               QStringLiteral("%1%").arg(std::lround(v * scale_max_ * 100)));
  }
  p.setFont(label_font);
  const double caption_width = width() - l.grid.left() - 4;
  p.drawText(QRectF(l.grid.left(), l.grid.bottom() + 4, caption_width, label.height()),
             Qt::AlignLeft | Qt::AlignVCenter,
             label.elidedText(caption(), Qt::ElideRight, caption_width));
}

bool RoutingHeatmap::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    const QPoint cell = cell_at(help->pos());
    if (cell.x() >= 0) {
      const double v = value_at(cell.y(), cell.x());
      QToolTip::showText(help->globalPos(),
                         tr("%1 \u2192 e%2: %3% of its top-k slots")
                             .arg(class_name(cell.y()))
                             .arg(cell.x())
                             .arg(std::isnan(v) ? 0.0 : v * 100.0, 0, 'f', 1),
                         this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QWidget::event(event);
}

}  // namespace moelab::ui
