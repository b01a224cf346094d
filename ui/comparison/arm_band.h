#pragma once
// One arm's figures as a comparison chart shows them: per epoch, the mean, min and max over the
// seeds that reached that epoch, and how many did. ComparisonCharts computes them from the runs;
// each chart view keeps those it draws, for its hover read-out and its CSV export.

#include <QColor>
#include <QString>
#include <vector>

namespace moelab::ui {

struct BandPoint {
  int epoch = 0;
  double mean = 0, min = 0, max = 0;
  int seeds = 0;
};

struct ArmBand {
  QString name;
  QColor color;
  std::vector<BandPoint> points;  // by epoch, ascending
};

}  // namespace moelab::ui
