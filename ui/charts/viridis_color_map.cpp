#include "charts/viridis_color_map.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace moelab::ui {

namespace {

// matplotlib's viridis sampled at 1/8 steps; linear interpolation between them stays within a
// few levels of the full 256-entry table.
constexpr std::array<QRgb, 9> kStops = {0x440154, 0x472c7a, 0x3b518b, 0x2c718e, 0x21908d,
                                        0x27ad81, 0x5cc863, 0xaadc32, 0xfde725};

}  // namespace

QColor ViridisColorMap::at(double t) {
  if (std::isnan(t)) return QColor(0xd0, 0xd0, 0xd0);
  t = std::clamp(t, 0.0, 1.0);
  const double pos = t * (kStops.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(pos), kStops.size() - 2);
  const double f = pos - static_cast<double>(i);
  const QColor a = QColor::fromRgb(kStops[i]);
  const QColor b = QColor::fromRgb(kStops[i + 1]);
  auto mix = [f](int u, int v) { return static_cast<int>(std::lround(u + (v - u) * f)); };
  return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QColor ViridisColorMap::text_color(double t) {
  const QColor c = at(t);
  const double luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
  return luminance > 0.45 ? Qt::black : Qt::white;
}

QLinearGradient ViridisColorMap::gradient(const QPointF& from, const QPointF& to) {
  QLinearGradient g(from, to);
  const auto last = static_cast<double>(kStops.size() - 1);
  for (std::size_t i = 0; i < kStops.size(); ++i) {
    g.setColorAt(i / last, QColor::fromRgb(kStops[i]));
  }
  return g;
}

}  // namespace moelab::ui
