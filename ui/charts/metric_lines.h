#pragma once
// Where each figure of a run goes on the dashboard's time charts: which chart, which line, in
// which colour, with which name, and the split and switch markers on all of them. The lines come
// from the core's descriptions (the loss terms' catalog, the events' and experts' names), so a new
// term or switch needs no change here. ChartPanel hands it each report with its x stamp; the
// charts buffer until the panel's next redraw.

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <vector>

#include "charts/x_clock.h"
#include "training/run_metrics.h"

namespace moelab::ui {

class TimeSeriesChart;

class MetricLines {
  Q_DECLARE_TR_FUNCTIONS(MetricLines)

 public:
  struct Charts {
    TimeSeriesChart* accuracy;
    TimeSeriesChart* utilization;
    TimeSeriesChart* task_gradient;
    TimeSeriesChart* loss;
    TimeSeriesChart* entropy;
  };

  // Adds the lines every run has and sets each chart's y range.
  explicit MetricLines(const Charts& charts);

  // The time charts, in the dashboard's redraw order.
  QList<TimeSeriesChart*> charts() const;

  // A new run: no data, markers or per-expert lines; the reference lines that belong to the
  // settings stay (the dormant threshold).
  void reset(double dormant_threshold);
  void add_step(const moelab::StepMetrics& step, const XStamp& at);
  void add_epoch(const moelab::EpochMetrics& epoch, const XStamp& at);
  void add_split(const moelab::SplitEvent& split, const XStamp& at);
  void add_switch(const moelab::SwitchEvent& change, const XStamp& at);
  void set_seed_accuracy(double accuracy);
  void set_dormant_threshold(double threshold);
  // The neutral curves (the total loss, the router's whole gradient) in the theme's ink.
  void follow_theme();

  // A figure another run is drawn by, epoch by epoch (a fork's parent, an overlaid run):
  // `own_line` is this run's curve of the same figure, `key` its name in line keys.
  struct EpochCurve {
    TimeSeriesChart* chart;
    int own_line;
    const char* key;
    QString name;
    double (*value)(const moelab::EpochMetrics&);
  };
  std::vector<EpochCurve> epoch_curves() const;

 private:
  void add_accuracy_lines();
  void add_loss_lines();
  void add_balance_lines();
  void add_task_norm_line();
  // Expert `expert`'s line in `chart` (utilisation or task gradient), added on first use.
  static int ensure_expert_line(TimeSeriesChart* chart, int expert);
  // Each expert's name and dormant marks on the per-expert charts, as of epoch `m`.
  void mark_dormant(const moelab::EpochMetrics& m);

  Charts charts_;
  int train_step_line_ = -1;
  int train_epoch_line_ = -1;
  int val_line_ = -1;
  int loss_total_line_ = -1;
  std::vector<int> loss_term_lines_;  // in loss_term_catalog() order
  int usage_entropy_line_ = -1;
  int sample_entropy_line_ = -1;
  int effective_experts_line_ = -1;
  int load_violation_line_ = -1;
};

}  // namespace moelab::ui
