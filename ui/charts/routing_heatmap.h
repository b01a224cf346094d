#pragma once
// Class x expert routing matrix at the latest epoch: which classes each expert takes. Rows are
// classes, columns experts, colour the share of a class's top-k slots (viridis, 0..1).

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
  int experts_ = 0;
  int epoch_ = 0;
};

}  // namespace moelab::ui
