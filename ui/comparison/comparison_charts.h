#pragma once
// The comparison's charts: every per-epoch figure the run files hold that compares arms
// (validation accuracy, experts, dormant experts, router entropy, effective experts, load
// violation, expert similarity) for every arm. Each arm is one colour; its seeds are drawn as a
// band (mean line with min-max shading), its splits as markers in the same colour. Two layouts:
// overlay (one chart per metric, all arms on it) or small multiples (one chart per arm for a chosen
// metric, shared axes).
//
// add_* only buffer; a single-shot timer coalesces redraws, as in the main dashboard.

#include <QColor>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <array>
#include <map>
#include <utility>
#include <vector>

#include "training/run_metrics.h"

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QGridLayout;
class QLabel;
QT_END_NAMESPACE

namespace moelab::ui {

class ComparisonCharts : public QWidget {
  Q_OBJECT

 public:
  enum class Layout { Overlay, SmallMultiples };
  enum Metric {
    Accuracy,
    Experts,
    Dormant,
    Entropy,
    EffectiveExperts,
    LoadViolation,
    Similarity,
    MetricCount
  };
  static constexpr int kRedrawIntervalMs = 60;

  explicit ComparisonCharts(QWidget* parent = nullptr);

  // Forgets every run and sets the arms (name and colour each). `seed_epochs` marks the start of
  // growth on the x axis (0: no mark).
  void reset(const QStringList& arm_names, const std::vector<QColor>& colors, int seed_epochs);
  void add_epoch(int arm, quint64 seed, const moelab::EpochMetrics& metrics);
  void add_split(int arm, quint64 seed, const moelab::SplitEvent& split);

  void set_layout(Layout layout);
  Layout layout() const { return layout_; }
  // The metric the small multiples show.
  void set_metric(Metric metric);
  Metric metric() const { return metric_; }
  static QString metric_title(Metric metric);

  void flush();
  int chart_count() const { return static_cast<int>(views_.size()); }

  // Band of one arm and metric: per epoch, (mean, min, max) over the seeds that reached it.
  struct BandPoint {
    int epoch = 0;
    double mean = 0, min = 0, max = 0;
  };
  std::vector<BandPoint> band(int arm, Metric metric) const;

 protected:
  void changeEvent(QEvent* event) override;  // the theme's colours again

 private:
  struct Trace {
    std::vector<std::pair<int, std::array<double, MetricCount>>> epochs;
    std::vector<int> split_epochs;
  };

  void schedule();
  void rebuild();
  QChart* make_chart(const QString& title);
  void fill(QChart* chart, Metric metric, int only_arm);
  double value_at(const Trace& trace, int epoch, Metric metric, bool* found) const;

  QStringList names_;
  std::vector<QColor> colors_;
  int seed_epochs_ = 0;
  std::map<std::pair<int, quint64>, Trace> traces_;
  Layout layout_ = Layout::Overlay;
  Metric metric_ = Accuracy;
  bool structure_dirty_ = true;

  QTimer timer_;
  QLabel* legend_ = nullptr;
  QGridLayout* grid_ = nullptr;
  std::vector<QChartView*> views_;
};

}  // namespace moelab::ui
