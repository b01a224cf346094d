#pragma once
// One colour per expert, the same in every chart, so "the orange one" means one expert everywhere.

#include <QColor>

namespace moelab::ui {

class ExpertPalette {
 public:
  // Stable for a given index; 20 distinct colours before repeating. The first twelve (the
  // default growth cap) are the strong ones that survive a projector; none of them is grey,
  // which is kept for dormant experts.
  static QColor color(int expert);
  static int size();
  static QColor dormant();
};

}  // namespace moelab::ui
