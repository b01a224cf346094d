#pragma once
// Class x expert routing matrix at the latest epoch: which classes each expert takes. Rows are
// classes, columns experts, colour the share of a class's top-k slots (viridis). A sample's k
// slots go to k different experts, so no cell can exceed 1/k: the scale runs from 0 to 1/k and
// the caption says so.

#include <QStringList>
#include <QWidget>
#include <vector>

namespace moelab::ui {

class RoutingHeatmap : public QWidget {
  Q_OBJECT

 public:
  explicit RoutingHeatmap(QWidget* parent = nullptr);

  void set_class_names(const QStringList& names);
  // matrix[class][expert] in [0, 1]; rows may be ragged (missing cells are drawn empty).
  void set_matrix(const std::vector<std::vector<float>>& matrix, int epoch);
  void set_dormant(const std::vector<int>& dormant);
  // The run's k: the colour scale's top is 1/k, the most of a class an expert can take.
  void set_top_k(int k);
  double scale_max() const { return scale_max_; }
  QString caption() const;
  void clear();

  int class_count() const { return static_cast<int>(matrix_.size()); }
  int expert_count() const { return experts_; }
  int epoch() const { return epoch_; }
  // NaN outside the matrix.
  double value_at(int class_index, int expert) const;
  QString class_name(int class_index) const;
  // Cell geometry in widget coordinates, and the inverse: (expert, class) or (-1, -1).
  QRectF cell_rect(int class_index, int expert) const;
  QPoint cell_at(const QPointF& pos) const;
  // Whether the cells are large enough to carry their value as text.
  bool shows_values() const;

  QSize minimumSizeHint() const override;
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Layout {
    QRectF grid;
    double cell_w = 0;
    double cell_h = 0;
    QRectF color_bar;
  };
  Layout layout() const;
  double label_width() const;

  QStringList class_names_;
  std::vector<std::vector<float>> matrix_;
  std::vector<bool> dormant_;
  int top_k_ = 1;
  double scale_max_ = 1.0;
  int experts_ = 0;
  int epoch_ = 0;
};

}  // namespace moelab::ui
