#pragma once
// The experts' utilisation at the latest epoch (the share of samples that have the expert in
// their top-k, so the bars sum to k), one bar each in the expert's colour; dormant experts are
// hatched grey under a dashed threshold line. Painted by hand: a handful of bars with
// per-bar styles and value labels is simpler and sharper than a QBarSeries.

#include <QWidget>
#include <vector>

namespace moelab::ui {

class UtilizationBarChart : public QWidget {
  Q_OBJECT

 public:
  explicit UtilizationBarChart(QWidget* parent = nullptr);

  // `utilization[e]` is expert e's share; `dormant` lists experts under the threshold.
  void set_utilization(const std::vector<float>& utilization, const std::vector<int>& dormant,
                       int epoch);
  // The task's gradient on each expert's router row at the same epoch, for the read-out (empty:
  // not measured).
  void set_task_gradient(const std::vector<float>& gradient);
  void set_dormant_threshold(double threshold);
  void clear();

  int bar_count() const { return static_cast<int>(values_.size()); }
  double value(int expert) const;
  bool is_dormant(int expert) const;
  // The bar's hover read-out.
  QString tooltip_text(int expert) const;
  double dormant_threshold() const { return threshold_; }
  int epoch() const { return epoch_; }
  // The bar's rectangle in widget coordinates after the last layout; empty when out of range.
  QRectF bar_rect(int expert) const;

  QSize minimumSizeHint() const override;
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Layout {
    QRectF plot;
    double slot = 0;
    double y_max = 1;
  };
  Layout layout() const;

  std::vector<double> values_;
  std::vector<bool> dormant_;
  std::vector<double> task_gradient_;
  double threshold_ = 0.05;
  int epoch_ = 0;
};

}  // namespace moelab::ui
