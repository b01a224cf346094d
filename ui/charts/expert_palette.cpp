#include "charts/expert_palette.h"

#include <array>

namespace moelab::ui {

namespace {

// tab10 without its grey, three dark tones from tab20b, then tab20's light shades.
constexpr std::array<QRgb, 20> kColors = {
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
    0x17becf, 0xbcbd22, 0x393b79, 0x8c6d31, 0x7b4173, 0xaec7e8, 0xffbb78,
    0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0x9edae5,
};

}  // namespace

QColor ExpertPalette::color(int expert) {
  const int n = static_cast<int>(kColors.size());
  const int i = ((expert % n) + n) % n;
  return QColor::fromRgb(kColors[static_cast<std::size_t>(i)]);
}

int ExpertPalette::size() { return static_cast<int>(kColors.size()); }

QColor ExpertPalette::dormant() { return QColor(0x9a, 0xa0, 0xa6); }

}  // namespace moelab::ui
