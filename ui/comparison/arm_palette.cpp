#include "comparison/arm_palette.h"

#include <array>

namespace moelab::ui {

namespace {

constexpr std::array<QRgb, ArmPalette::kSize> kColors = {
    0xd55e00,  // vermillion: no fixes
    0x56b4e9,  // sky blue
    0x009e73,  // bluish green
    0xe69f00,  // orange
    0xcc79a7,  // reddish purple
    0x882255,  // wine
    0x999999,  // grey
    0x0072b2,  // blue: all fixes
};

}  // namespace

QColor ArmPalette::color(int index) {
  const int i = ((index % kSize) + kSize) % kSize;
  return QColor::fromRgb(kColors[static_cast<std::size_t>(i)]);
}

}  // namespace moelab::ui
