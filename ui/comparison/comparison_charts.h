#pragma once
// The comparison's charts: every per-epoch figure the run files hold that compares arms
// (validation accuracy, experts, dormant experts, router entropy, effective experts, load
// violation, expert similarity) for every arm. Each arm is one colour; its seeds are drawn as a
// band (mean line with min-max shading), its splits as markers in the same colour. Two layouts:
// overlay (one chart per metric, all arms on it) or small multiples (one chart per arm for a chosen
// metric, shared axes).
//
// Every chart is a ComparisonChartView: wheel zoom, drag pan, double-click reset, a hover
// read-out of every arm at the nearest epoch, and a right-click export (PNG, SVG, CSV). The
// charts share one x range, as the main dashboard's do: zooming one moves the others, and the
// range stays through new data and a change of layout until a reset or a new comparison.
//
// add_* only buffer; a single-shot timer coalesces redraws, as in the main dashboard.

#include <QColor>
#include <QList>
#include <QPointF>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <array>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "comparison/arm_band.h"
#include "training/run_metrics.h"

QT_BEGIN_NAMESPACE
class QChart;
class QGridLayout;
class QLabel;
QT_END_NAMESPACE

namespace moelab::ui {

class ComparisonChartView;

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
  // The chart `index` of the current layout (metric order, or arm order in small multiples).
  ComparisonChartView* view(int index) const { return views_.at(static_cast<std::size_t>(index)); }

  // Band of one arm and metric: per epoch, (mean, min, max) over the seeds that reached it and
  // their number.
  using BandPoint = moelab::ui::BandPoint;
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
  ComparisonChartView* make_view(const QString& title);
  // Every arm's band of `metric`, in the arms' order.
  std::vector<ArmBand> bands(Metric metric) const;
  QList<QPointF> split_marks(int arm, Metric metric) const;
  void fill(ComparisonChartView* view, Metric metric, int only_arm);
  // A chart was zoomed or panned, or asked for the whole run: every chart follows.
  void follow_x_range(const ComparisonChartView* source);
  void reset_x_range();
  double value_at(const Trace& trace, int epoch, Metric metric, bool* found) const;

  QStringList names_;
  std::vector<QColor> colors_;
  int seed_epochs_ = 0;
  std::map<std::pair<int, quint64>, Trace> traces_;
  Layout layout_ = Layout::Overlay;
  Metric metric_ = Accuracy;
  bool structure_dirty_ = true;
  // The x range the user chose, shared by every chart; none: the whole run.
  std::optional<std::pair<double, double>> x_range_;

  QTimer timer_;
  QLabel* legend_ = nullptr;
  QGridLayout* grid_ = nullptr;
  std::vector<ComparisonChartView*> views_;
};

}  // namespace moelab::ui
