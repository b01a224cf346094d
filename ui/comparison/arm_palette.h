#pragma once
// The comparison's arm colours: Okabe and Ito's palette for colour-blind readers (with a wine
// for its yellow, which vanishes on white, and grey for its black, which vanishes on dark), in an
// order where the two arms an A/B compares are always far apart: the grid's "no fixes" and "all
// fixes" (indices 0 and 7) are vermillion and blue, and a sweep's first two arms (0 and 1)
// vermillion and sky blue.

#include <QColor>

namespace moelab::ui {

class ArmPalette {
 public:
  static constexpr int kSize = 8;
  // Arm `index`'s colour: its place in the 2x2x2 grid of switches, or in a sweep's arms; repeats
  // after kSize.
  static QColor color(int index);
};

}  // namespace moelab::ui
