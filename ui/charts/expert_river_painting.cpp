// ExpertRiver's painting: the frame (title, axes), the bands, the threads of dormant experts too
// thin to see, the splits and the experts' names.
#include <QPainter>
#include <QPolygonF>
#include <algorithm>
#include <cmath>

#include "charts/axis_ticks.h"
#include "charts/chart_style.h"
#include "charts/expert_palette.h"
#include "charts/expert_river.h"

namespace moelab::ui {

namespace {

// A dormant stretch: the grid's grey, hatched in the expert's own colour so that it is still known.
QColor dormant_fill() { return ChartStyle::grid(); }

// A band thinner than this at both ends of a dormant stretch is drawn as a grey thread as well:
// a collapsed expert is still there, and the room should see it.
constexpr double kThreadBelowPx = 4.0;

// A pruned expert's past keeps a paler shade of the colour it had, its index being someone
// else's now.
QColor pruned_color(int index) {
  QColor c = ExpertPalette::color(index);
  return QColor::fromHsvF(c.hsvHueF(), c.hsvSaturationF() * 0.35, std::min(1.0, c.valueF() * 1.1));
}

}  // namespace

void ExpertRiver::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), ChartStyle::background());
  const Layout l = layout();
  paint_frame(p, l);
  if (points_.empty()) {
    p.setFont(ChartStyle::label_font());
    p.setPen(ChartStyle::muted_text());
    p.drawText(l.plot.adjusted(8, 4, -8, -4), Qt::AlignCenter | Qt::TextWordWrap, empty_text());
    p.setPen(QPen(ChartStyle::axis_line(), 1.0));
    p.drawRect(l.plot);
    return;
  }
  p.save();
  p.setClipRect(l.plot);
  paint_bands(p, l);
  paint_dormant_threads(p, l);
  paint_splits(p, l);
  p.restore();
  p.setRenderHint(QPainter::Antialiasing, false);
  p.setPen(QPen(ChartStyle::axis_line(), 1.0));
  p.setBrush(Qt::NoBrush);
  p.drawRect(l.plot);
  paint_labels(p, l);
}

void ExpertRiver::paint_frame(QPainter& p, const Layout& l) {
  const QString titles[] = {tr("Expert river: who takes the routed top-k slots"),
                            tr("Expert river")};
  QString title = titles[1];
  for (const QString& candidate : titles) {
    if (QFontMetricsF(ChartStyle::title_font()).horizontalAdvance(candidate) <= l.title.width()) {
      title = candidate;
      break;
    }
  }
  p.setFont(ChartStyle::fitted_title_font(title, l.title.width()));
  p.setPen(ChartStyle::text());
  p.drawText(l.title, Qt::AlignHCenter | Qt::AlignVCenter, title);

  const QFont label_font = ChartStyle::label_font();
  const QFontMetricsF label(label_font);
  const QFont axis_font = ChartStyle::axis_title_font();
  const QFontMetricsF axis(axis_font);
  p.setFont(label_font);
  // y: the share in per cent, in quarters when there is room.
  const double step = l.plot.height() >= 4 * label.height() * 1.5 ? 0.25 : 0.5;
  for (double y = 0; y <= 1.0 + 1e-9; y += step) {
    const double py = l.plot.bottom() - y * l.plot.height();
    p.setPen(ChartStyle::muted_text());
    p.drawText(QRectF(0, py - label.height() / 2, l.plot.left() - 5, label.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%1%").arg(y * 100, 0, 'f', 0));
  }
  p.save();
  p.setFont(axis_font);
  p.setPen(ChartStyle::muted_text());
  p.translate(4, l.plot.center().y());
  p.rotate(-90);
  const QString y_title = tr("share of routed top-k slots");
  p.drawText(QRectF(-l.plot.height() / 2 - 40, 0, l.plot.height() + 80, axis.height()),
             Qt::AlignCenter, axis.elidedText(y_title, Qt::ElideRight, l.plot.height() + 80));
  p.restore();

  // x: the dashboard's axis, ticked like the time charts.
  const auto [lo, hi] = x_view_.range();
  const int ticks = l.plot.width() >= 240 ? 5 : 3;
  const double interval = axis_ticks::nice_interval(hi - lo, ticks, x_view_.axis() == XAxis::Step);
  const int decimals = axis_ticks::decimals_for(interval);
  p.setFont(label_font);
  for (double x = std::ceil(lo / interval - 1e-9) * interval; x <= hi + 1e-9 * interval;
       x += interval) {
    const double px = x_to_pixel(x, l.plot);
    p.setPen(QPen(ChartStyle::axis_line(), 1.0));
    p.drawLine(QPointF(px, l.plot.bottom()), QPointF(px, l.plot.bottom() + 3));
    p.setPen(ChartStyle::muted_text());
    p.drawText(QRectF(px - 60, l.plot.bottom() + 2, 120, label.height()), Qt::AlignCenter,
               QString::number(x, 'f', decimals));
  }
  const QString x_title = axis_ticks::title(x_view_.axis());
  p.setFont(axis_font);
  p.drawText(
      QRectF(l.plot.left(), l.plot.bottom() + 2 + label.height(), l.plot.width(), axis.height()),
      Qt::AlignCenter, x_title);
}

QPolygonF ExpertRiver::stretch_polygon(int band, int first, int last, const QRectF& plot) const {
  // The band's lower edge from the first stretch's start to the last's end, then the plot's top:
  // painted bottom band first, each band covers everything above its lower edge and the next
  // band paints over its share, so neighbours meet without anti-aliased seams.
  QPolygonF polygon;
  const double start = stretch_start_x(first, plot);
  polygon << QPointF(start, plot.top());
  polygon << QPointF(start, edges_at(band, first, start, plot).bottom);
  for (int point = first; point <= last; ++point) {
    polygon << QPointF(point_x(point, plot), edges(band, point, plot).bottom);
  }
  polygon << QPointF(point_x(last, plot), plot.top());
  return polygon;
}

void ExpertRiver::paint_bands(QPainter& p, const Layout& l) {
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(Qt::NoPen);
  for (int band : order_) {
    const Band& b = bands_[static_cast<std::size_t>(band)];
    const QColor color =
        b.expert >= 0 ? ExpertPalette::color(b.expert) : pruned_color(b.pruned_index);
    // Runs of stretches drawn alike: present at either end, dormant or not.
    int point = 0;
    while (point < point_count()) {
      const bool drawn = exists(band, point) || exists(band, point - 1);
      if (!drawn) {
        ++point;
        continue;
      }
      const bool asleep = drawn_dormant(band, point);
      int last = point;
      while (last + 1 < point_count() && (exists(band, last + 1) || exists(band, last)) &&
             drawn_dormant(band, last + 1) == asleep) {
        ++last;
      }
      const QPolygonF polygon = stretch_polygon(band, point, last, l.plot);
      if (asleep) {
        p.setBrush(dormant_fill());
        p.drawPolygon(polygon);
        p.setBrush(QBrush(color, Qt::BDiagPattern));
        p.drawPolygon(polygon);
      } else {
        p.setBrush(color);
        p.drawPolygon(polygon);
      }
      point = last + 1;
    }
  }
}

void ExpertRiver::paint_dormant_threads(QPainter& p, const Layout& l) {
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(QPen(ExpertPalette::dormant(), 2.5, Qt::DashLine, Qt::FlatCap));
  for (int band : order_) {
    for (int point = 0; point < point_count(); ++point) {
      if (!exists(band, point) || !dormant(band, point)) continue;
      const double x0 = stretch_start_x(point, l.plot);
      const double x1 = point_x(point, l.plot);
      const Edges a = edges_at(band, point, x0, l.plot);
      const Edges b = edges(band, point, l.plot);
      if (a.bottom - a.top >= kThreadBelowPx || b.bottom - b.top >= kThreadBelowPx) continue;
      p.drawLine(QPointF(x0, (a.top + a.bottom) / 2), QPointF(x1, (b.top + b.bottom) / 2));
    }
  }
}

void ExpertRiver::paint_splits(QPainter& p, const Layout& l) {
  p.setRenderHint(QPainter::Antialiasing, false);
  p.setPen(QPen(ChartStyle::split_marker(), 1.0, Qt::DashLine));
  for (const Split& s : splits_) {
    const double x = pixel_of(s.at, l.plot);
    p.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
  }
}

void ExpertRiver::paint_labels(QPainter& p, const Layout& l) {
  // The names at the river's right end, beside each band's middle, in its colour; the larger
  // shares first, a name that would overlap one already placed left out.
  int last = point_count() - 1;
  while (last > 0 && point_x(last, l.plot) > l.plot.right() + 0.5) --last;
  const QFont font = band_label_font();
  const QFontMetricsF fm(font);
  std::vector<int> alive;
  for (int band : order_) {
    if (band_expert(band) >= 0 && exists(band, last)) alive.push_back(band);
  }
  std::stable_sort(alive.begin(), alive.end(),
                   [&](int a, int b) { return share(a, last) > share(b, last); });
  std::vector<QRectF> placed;
  p.setFont(font);
  p.setRenderHint(QPainter::Antialiasing, true);
  for (int band : alive) {
    const Edges e = edges(band, last, l.plot);
    const double mid = std::clamp((e.top + e.bottom) / 2, l.plot.top() + fm.height() / 2,
                                  l.plot.bottom() - fm.height() / 2);
    const QRectF box(l.labels.left(), mid - fm.height() / 2, l.labels.width(), fm.height());
    if (std::any_of(placed.begin(), placed.end(),
                    [&](const QRectF& r) { return r.intersects(box); })) {
      continue;
    }
    placed.push_back(box);
    const bool asleep = dormant(band, last);
    p.setPen(asleep ? ExpertPalette::dormant() : ExpertPalette::color(band_expert(band)));
    p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, band_label(band));
  }
}

}  // namespace moelab::ui
