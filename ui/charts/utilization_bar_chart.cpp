#include "charts/utilization_bar_chart.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "charts/chart_style.h"
#include "charts/expert_palette.h"

namespace moelab::ui {

namespace {

QString percent(double v) {
  const double p = 100.0 * v;
  return QStringLiteral("%1%").arg(p, 0, 'f', p < 10.0 ? 1 : 0);
}

}  // namespace

UtilizationBarChart::UtilizationBarChart(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void UtilizationBarChart::set_utilization(const std::vector<float>& utilization,
                                          const std::vector<int>& dormant, int epoch) {
  values_.assign(utilization.begin(), utilization.end());
  dormant_.assign(values_.size(), false);
  for (int e : dormant) {
    if (e >= 0 && e < bar_count()) dormant_[static_cast<std::size_t>(e)] = true;
  }
  epoch_ = epoch;
  update();
}

void UtilizationBarChart::set_task_gradient(const std::vector<float>& gradient) {
  task_gradient_.assign(gradient.begin(), gradient.end());
}

void UtilizationBarChart::set_dormant_threshold(double threshold) {
  threshold_ = threshold;
  update();
}

void UtilizationBarChart::clear() {
  values_.clear();
  dormant_.clear();
  task_gradient_.clear();
  epoch_ = 0;
  update();
}

double UtilizationBarChart::value(int expert) const {
  return expert >= 0 && expert < bar_count() ? values_[static_cast<std::size_t>(expert)] : 0.0;
}

bool UtilizationBarChart::is_dormant(int expert) const {
  return expert >= 0 && expert < bar_count() && dormant_[static_cast<std::size_t>(expert)];
}

QSize UtilizationBarChart::minimumSizeHint() const { return QSize(200, 150); }
QSize UtilizationBarChart::sizeHint() const { return QSize(340, 300); }

UtilizationBarChart::Layout UtilizationBarChart::layout() const {
  const QFontMetricsF title(ChartStyle::title_font());
  const QFontMetricsF label(ChartStyle::label_font());
  Layout l;
  const double top = 8 + title.height() + 10 + label.height();  // title, then value labels
  const double left = 12 + label.height() + 6 + label.horizontalAdvance(QStringLiteral("100%")) + 6;
  const double bottom = 6 + 2 * label.height() + 8;  // expert names, axis title
  const double right =
      10 + QFontMetricsF(ChartStyle::small_font()).horizontalAdvance(tr("dormant")) + 8;
  l.plot = QRectF(left, top, std::max(10.0, width() - left - right),
                  std::max(10.0, height() - top - bottom));
  l.slot = bar_count() > 0 ? l.plot.width() / bar_count() : l.plot.width();
  double peak = threshold_;
  for (double v : values_) peak = std::max(peak, v);
  // Whole tens of percent keep the axis labels short.
  l.y_max = std::min(1.0, std::ceil(peak * 1.1 * 10.0) / 10.0);
  if (l.y_max < peak) l.y_max = peak;
  return l;
}

QRectF UtilizationBarChart::bar_rect(int expert) const {
  if (expert < 0 || expert >= bar_count()) return QRectF();
  const Layout l = layout();
  const double v = std::clamp(value(expert), 0.0, l.y_max);
  const double h = v / l.y_max * l.plot.height();
  const double w = std::min(l.slot * 0.72, 64.0);
  const double x = l.plot.left() + l.slot * (expert + 0.5) - w / 2;
  return QRectF(x, l.plot.bottom() - h, w, h);
}

void UtilizationBarChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, true);
  p.fillRect(rect(), ChartStyle::background());
  const Layout l = layout();
  const QFont title_font = ChartStyle::title_font();
  const QFont label_font = ChartStyle::label_font();
  const QFontMetricsF label(label_font);

  p.setFont(title_font);
  p.setPen(ChartStyle::text());
  QString title = epoch_ > 0 ? tr("Utilisation now (epoch %1)").arg(epoch_) : tr("Utilisation now");
  if (QFontMetricsF(title_font).horizontalAdvance(title) > width() - 8)
    title = tr("Utilisation now");
  const QFont fitted = ChartStyle::fitted_title_font(title, width() - 8);
  const QFontMetricsF title_metrics(fitted);
  p.setFont(fitted);
  p.drawText(QRectF(0, 8, width(), title_metrics.height()), Qt::AlignHCenter,
             title_metrics.elidedText(title, Qt::ElideRight, width() - 8));

  // Grid and y labels every 10% (every 20% when the axis is tall in value).
  p.setFont(label_font);
  const double step = l.y_max > 0.5 ? 0.2 : (l.y_max > 0.25 ? 0.1 : 0.05);
  for (double v = 0.0; v <= l.y_max + 1e-9; v += step) {
    const double y = l.plot.bottom() - v / l.y_max * l.plot.height();
    p.setPen(QPen(v == 0.0 ? ChartStyle::axis_line() : ChartStyle::grid(), 1.0));
    p.drawLine(QPointF(l.plot.left(), y), QPointF(l.plot.right(), y));
    p.setPen(ChartStyle::muted_text());
    p.drawText(QRectF(0, y - label.height() / 2, l.plot.left() - 6, label.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%1%").arg(std::lround(v * 100)));
  }
  p.save();
  p.setFont(ChartStyle::axis_title_font());
  p.setPen(ChartStyle::muted_text());
  p.translate(12, l.plot.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-l.plot.height() / 2, 0, l.plot.height(), label.height()), Qt::AlignCenter,
             label.elidedText(tr("of samples (top-k)"), Qt::ElideRight, l.plot.height()));
  p.restore();

  if (values_.empty()) {
    p.setPen(ChartStyle::muted_text());
    // On two lines when the plot is narrow (1024 px), rather than cut at both ends.
    p.drawText(l.plot, Qt::AlignCenter | Qt::TextWordWrap, tr("waiting for the first epoch"));
    return;
  }

  const bool labels_fit = l.slot >= label.horizontalAdvance(QStringLiteral("00.0%")) + 2;
  QFont name_font = label_font;
  name_font.setBold(true);
  // All names alike: "e0 ... e9 10 11" would read as two kinds of bar.
  const bool short_names =
      QFontMetricsF(name_font).horizontalAdvance(QStringLiteral("e%1").arg(bar_count() - 1)) + 2 >
      l.slot;
  for (int e = 0; e < bar_count(); ++e) {
    const QRectF bar = bar_rect(e);
    const QColor color = ExpertPalette::color(e);
    if (is_dormant(e)) {
      p.fillRect(bar, QColor(0xee, 0xef, 0xf1));
      p.fillRect(bar, QBrush(ExpertPalette::dormant(), Qt::BDiagPattern));
      p.setPen(QPen(ExpertPalette::dormant(), 1.2, Qt::DashLine));
      p.drawRect(bar);
    } else {
      p.fillRect(bar, color);
    }
    p.setPen(is_dormant(e) ? ChartStyle::muted_text() : ChartStyle::text());
    if (labels_fit) {
      p.drawText(QRectF(bar.center().x() - l.slot / 2, bar.top() - label.height() - 2, l.slot,
                        label.height()),
                 Qt::AlignCenter, percent(value(e)));
    }
    // The expert's name in its colour ties the bar to its curve in the other charts.
    p.setPen(is_dormant(e) ? ExpertPalette::dormant() : color.darker(115));
    p.setFont(name_font);
    p.drawText(QRectF(l.plot.left() + l.slot * e, l.plot.bottom() + 4, l.slot, label.height()),
               Qt::AlignCenter, short_names ? QString::number(e) : QStringLiteral("e%1").arg(e));
    p.setFont(label_font);
  }
  p.setPen(ChartStyle::muted_text());
  p.drawText(QRectF(l.plot.left(), l.plot.bottom() + 4 + label.height() + 2, l.plot.width(),
                    label.height()),
             Qt::AlignCenter,
             label.horizontalAdvance(tr("expert (hatched: dormant)")) <= l.plot.width()
                 ? tr("expert (hatched: dormant)")
                 : tr("expert"));

  // The threshold's name sits in the right margin, where no bar or value label can hide it.
  const double ty = l.plot.bottom() - threshold_ / l.y_max * l.plot.height();
  p.setPen(QPen(ChartStyle::reference_line(), 1.2, Qt::DashLine));
  p.drawLine(QPointF(l.plot.left(), ty), QPointF(l.plot.right() + 4, ty));
  p.setPen(ChartStyle::reference_line());
  p.setFont(ChartStyle::small_font());
  const QFontMetricsF small(ChartStyle::small_font());
  p.drawText(
      QRectF(l.plot.right() + 6, ty - small.height(), width() - l.plot.right() - 6, small.height()),
      Qt::AlignLeft | Qt::AlignBottom, tr("dormant"));
  p.drawText(QRectF(l.plot.right() + 6, ty, width() - l.plot.right() - 6, small.height()),
             Qt::AlignLeft | Qt::AlignTop, tr("< %1").arg(percent(threshold_)));
}

QString UtilizationBarChart::tooltip_text(int e) const {
  if (e < 0 || e >= bar_count()) return QString();
  QString text = tr("e%1: %2 of samples have it in their top-k%3")
                     .arg(e)
                     .arg(percent(value(e)), is_dormant(e) ? tr(" (dormant)") : QString());
  if (e < static_cast<int>(task_gradient_.size())) {
    const double g = task_gradient_[static_cast<std::size_t>(e)];
    text += g > 0 ? tr("\nTask gradient on its router row: %1").arg(g, 0, 'g', 3)
                  : tr("\nNo task gradient reaches its router row: no sample routes to it.");
  }
  return text;
}

bool UtilizationBarChart::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    const Layout l = layout();
    const int e = l.slot > 0 ? static_cast<int>((help->pos().x() - l.plot.left()) / l.slot) : -1;
    if (help->pos().x() >= l.plot.left() && e >= 0 && e < bar_count()) {
      QToolTip::showText(help->globalPos(), tooltip_text(e), this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QWidget::event(event);
}

}  // namespace moelab::ui
