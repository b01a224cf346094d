#include "charts/expert_river.h"

#include <QFontMetricsF>
#include <QHelpEvent>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "charts/chart_style.h"

namespace moelab::ui {

namespace {

QString percent(double share) { return QStringLiteral("%1%").arg(share * 100.0, 0, 'f', 1); }

template <typename T>
T at_or(const std::vector<T>& values, int index, T fallback) {
  return index >= 0 && index < static_cast<int>(values.size())
             ? values[static_cast<std::size_t>(index)]
             : fallback;
}

}  // namespace

ExpertRiver::ExpertRiver(std::shared_ptr<const XClock> clock, QWidget* parent)
    : QWidget(parent), x_view_(std::move(clock)) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setMinimumSize(kMinimumWidth, kMinimumHeight);
}

// --- data ---

void ExpertRiver::add_epoch(const moelab::EpochMetrics& m) {
  const XStamp start = x_view_.last_end();
  const XStamp end = x_view_.add_epoch(m);
  double total = 0;
  for (float u : m.utilization) total += u;
  // Top-k routing always fills k slots; an epoch without them has nothing to stack.
  if (!(total > 0) || !std::isfinite(total)) return;
  Point point;
  point.epoch = m.epoch;
  point.start = start;
  point.end = end;
  for (std::size_t e = 0; e < m.utilization.size(); ++e) {
    const auto band = static_cast<std::size_t>(ensure_band(static_cast<int>(e)));
    point.share.resize(bands_.size(), 0.0);
    point.exists.resize(bands_.size(), 0);
    point.dormant.resize(bands_.size(), 0);
    point.share[band] = m.utilization[e] / total;
    point.exists[band] = 1;
    point.dormant[band] =
        std::find(m.dormant.begin(), m.dormant.end(), static_cast<int>(e)) != m.dormant.end();
  }
  // A fork's window replays its parent's past, and may be handed an epoch again.
  const auto same = std::find_if(points_.begin(), points_.end(),
                                 [&](const Point& p) { return p.epoch == m.epoch; });
  if (same != points_.end()) {
    point.start = same->start;
    *same = std::move(point);
  } else {
    points_.push_back(std::move(point));
  }
  dirty_ = true;
}

void ExpertRiver::add_split(const moelab::SplitEvent& split) {
  if (split.parent < 0 || split.child < 0) return;
  const int parent = ensure_band(split.parent);
  // The core appends the child as the next index.
  if (split.child > 0) ensure_band(split.child - 1);
  if (split.child < static_cast<int>(band_of_expert_.size())) return;  // already known
  Band child;
  child.expert = split.child;
  child.parent = parent;
  child.birth_epoch = split.epoch;
  const int band = static_cast<int>(bands_.size());
  band_of_expert_.push_back(band);
  bands_.push_back(child);
  // Right above its parent: the child's band opens at the parent's upper edge.
  const auto at = std::find(order_.begin(), order_.end(), parent);
  order_.insert(at + 1, band);
  splits_.push_back({split.epoch, x_view_.event_stamp(split.epoch, split.step)});
  dirty_ = true;
}

void ExpertRiver::add_prune(int epoch, int expert) {
  if (expert < 0 || expert >= static_cast<int>(band_of_expert_.size())) return;
  Band& band = bands_[static_cast<std::size_t>(band_of_expert_[static_cast<std::size_t>(expert)])];
  band.expert = -1;
  band.pruned_index = expert;
  band.pruned_epoch = epoch;
  band_of_expert_.erase(band_of_expert_.begin() + expert);
  // The experts above it moved down one index; their bands stay where they are.
  for (std::size_t e = static_cast<std::size_t>(expert); e < band_of_expert_.size(); ++e) {
    bands_[static_cast<std::size_t>(band_of_expert_[e])].expert = static_cast<int>(e);
  }
  dirty_ = true;
}

void ExpertRiver::clear() {
  x_view_.clear();
  bands_.clear();
  band_of_expert_.clear();
  order_.clear();
  points_.clear();
  splits_.clear();
  dirty_ = true;
}

bool ExpertRiver::refresh() {
  if (!dirty_) return false;
  dirty_ = false;
  update();
  return true;
}

int ExpertRiver::ensure_band(int expert) {
  while (static_cast<int>(band_of_expert_.size()) <= expert) {
    Band band;
    band.expert = static_cast<int>(band_of_expert_.size());
    const int index = static_cast<int>(bands_.size());
    band_of_expert_.push_back(index);
    bands_.push_back(band);
    order_.push_back(index);
  }
  return band_of_expert_[static_cast<std::size_t>(expert)];
}

// --- alignment ---

void ExpertRiver::set_x_axis(XAxis axis) {
  if (x_view_.set_axis(axis)) dirty_ = true;
}

void ExpertRiver::set_x_range(double min, double max) {
  if (x_view_.set_range(min, max)) dirty_ = true;
}

double ExpertRiver::x_to_pixel(double x, const QRectF& plot) const {
  return x_view_.to_pixel(x, plot.left(), plot.width());
}

double ExpertRiver::pixel_of(const XStamp& stamp, const QRectF& plot) const {
  return x_to_pixel(x_view_.x(stamp), plot);
}

// --- read-back ---

int ExpertRiver::point_epoch(int point) const {
  return point >= 0 && point < point_count() ? points_[static_cast<std::size_t>(point)].epoch : 0;
}

int ExpertRiver::band_expert(int band) const {
  return band >= 0 && band < band_count() ? bands_[static_cast<std::size_t>(band)].expert : -1;
}

QString ExpertRiver::band_label(int band) const {
  if (band < 0 || band >= band_count()) return {};
  const Band& b = bands_[static_cast<std::size_t>(band)];
  return QStringLiteral("e%1").arg(b.expert >= 0 ? b.expert : b.pruned_index);
}

int ExpertRiver::band_parent(int band) const {
  return band >= 0 && band < band_count() ? bands_[static_cast<std::size_t>(band)].parent : -1;
}

int ExpertRiver::band_birth_epoch(int band) const {
  return band >= 0 && band < band_count() ? bands_[static_cast<std::size_t>(band)].birth_epoch : 0;
}

double ExpertRiver::share(int band, int point) const {
  if (point < 0 || point >= point_count()) return 0.0;
  return at_or(points_[static_cast<std::size_t>(point)].share, band, 0.0);
}

bool ExpertRiver::exists(int band, int point) const {
  if (point < 0 || point >= point_count()) return false;
  return at_or(points_[static_cast<std::size_t>(point)].exists, band, char{0}) != 0;
}

bool ExpertRiver::dormant(int band, int point) const {
  if (point < 0 || point >= point_count()) return false;
  return at_or(points_[static_cast<std::size_t>(point)].dormant, band, char{0}) != 0;
}

bool ExpertRiver::drawn_dormant(int band, int point) const {
  // A pruned band narrows to nothing over the epoch after its last one, as it was then.
  return exists(band, point) ? dormant(band, point) : dormant(band, point - 1);
}

double ExpertRiver::share_below(int band, int point) const {
  double below = 0;
  for (int b : order_) {
    if (b == band) break;
    below += share(b, point);
  }
  return below;
}

QString ExpertRiver::empty_text() const {
  if (!points_.empty()) return {};
  return tr(
      "The expert river appears after the first epoch: each expert's share of the routed "
      "top-k slots, stacked to 100%.");
}

QString ExpertRiver::tooltip_text(int band, int point) const {
  if (band < 0 || band >= band_count() || point < 0 || point >= point_count()) return {};
  const Band& b = bands_[static_cast<std::size_t>(band)];
  const int epoch = point_epoch(point);
  QString text;
  if (exists(band, point)) {
    text = tr("Epoch %1: %2 took %3 of the routed top-k slots")
               .arg(epoch)
               .arg(band_label(band), percent(share(band, point)));
    text += dormant(band, point) ? tr(", dormant (under the run's dormant threshold)")
                                 : tr(", not dormant");
  } else {
    text = tr("Epoch %1: %2 no longer exists").arg(epoch).arg(band_label(band));
  }
  if (b.parent >= 0) {
    text += tr("; split off %1 after epoch %2").arg(band_label(b.parent)).arg(b.birth_epoch);
  }
  if (b.expert < 0) text += tr("; pruned after epoch %1").arg(b.pruned_epoch);
  return text;
}

// --- geometry ---

ExpertRiver::Layout ExpertRiver::layout() const {
  const QFontMetricsF title(ChartStyle::title_font());
  const QFontMetricsF label(ChartStyle::label_font());
  const QFontMetricsF axis_title(ChartStyle::axis_title_font());
  const QFontMetricsF band_label(band_label_font());
  Layout l;
  l.title = QRectF(6, 2, std::max(1.0, width() - 12.0), title.height() + 2);
  const double left =
      4 + axis_title.height() + 4 + label.horizontalAdvance(QStringLiteral("100%")) + 6;
  const double gutter = band_label.horizontalAdvance(QStringLiteral("e00")) + 12;
  const double top = l.title.bottom() + 6;
  const double bottom = height() - (label.height() + axis_title.height() + 6);
  l.plot = QRectF(left, top, std::max(1.0, width() - gutter - left), std::max(1.0, bottom - top));
  l.labels = QRectF(l.plot.right() + 4, l.plot.top(), gutter - 6, l.plot.height());
  return l;
}

QFont ExpertRiver::band_label_font() {
  // The names are what a room reads from the back: larger and bold.
  QFont f = ChartStyle::label_font();
  f.setPointSizeF(f.pointSizeF() * 1.25);
  f.setBold(true);
  return f;
}

QRectF ExpertRiver::plot_rect() const { return layout().plot; }

double ExpertRiver::point_x(int point) const { return point_x(point, plot_rect()); }

double ExpertRiver::stretch_start_x(int point) const { return stretch_start_x(point, plot_rect()); }

ExpertRiver::Edges ExpertRiver::edges(int band, int point) const {
  return edges(band, point, plot_rect());
}

ExpertRiver::Edges ExpertRiver::edges_at(int band, int point, double x) const {
  return edges_at(band, point, x, plot_rect());
}

double ExpertRiver::point_x(int point, const QRectF& plot) const {
  if (point < 0 || point >= point_count()) return 0.0;
  return pixel_of(points_[static_cast<std::size_t>(point)].end, plot);
}

double ExpertRiver::stretch_start_x(int point, const QRectF& plot) const {
  if (point < 0 || point >= point_count()) return 0.0;
  return pixel_of(points_[static_cast<std::size_t>(point)].start, plot);
}

ExpertRiver::Edges ExpertRiver::edges(int band, int point, const QRectF& plot) const {
  const double below = share_below(band, point);
  const double above = below + share(band, point);
  return {plot.bottom() - above * plot.height(), plot.bottom() - below * plot.height()};
}

ExpertRiver::Edges ExpertRiver::edges_at(int band, int point, double x, const QRectF& plot) const {
  const Edges right = edges(band, point, plot);
  // The first epoch is flat from the run's start: nothing was measured before it.
  const Edges left = point > 0 ? edges(band, point - 1, plot) : right;
  const double x0 = stretch_start_x(point, plot);
  const double x1 = point_x(point, plot);
  const double t = x1 > x0 ? std::clamp((x - x0) / (x1 - x0), 0.0, 1.0) : 1.0;
  return {left.top + t * (right.top - left.top), left.bottom + t * (right.bottom - left.bottom)};
}

std::pair<int, int> ExpertRiver::band_at(const QPointF& pos) const {
  const QRectF plot = plot_rect();
  if (!plot.contains(pos)) return {-1, -1};
  for (int point = point_count() - 1; point >= 0; --point) {
    if (pos.x() < stretch_start_x(point, plot) || pos.x() > point_x(point, plot)) continue;
    for (int band : order_) {
      const Edges e = edges_at(band, point, pos.x(), plot);
      if (e.bottom > e.top && pos.y() >= e.top && pos.y() <= e.bottom) return {band, point};
    }
    return {-1, -1};
  }
  return {-1, -1};
}

QSize ExpertRiver::sizeHint() const { return QSize(480, 320); }

bool ExpertRiver::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    const auto [band, point] = band_at(help->pos());
    const QString text = tooltip_text(band, point);
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
