#pragma once
// The hover read-out of a comparison chart: the epoch under the cursor and, one row per arm in
// the arm's colour, its mean, the min-max over its seeds and how many seeds reached that epoch.
//
// A widget of its own, a child of the window rather than of the chart: with 16 arms the rows are
// taller than a chart of the overlay grid, and the read-out may lie over its neighbours. It
// ignores the mouse, so that the chart under it keeps receiving the moves. A QToolTip would be a
// window of its own: it shows in no screenshot and is moved by the window system on every epoch.

#include <QColor>
#include <QString>
#include <QWidget>
#include <array>
#include <vector>

namespace moelab::ui {

class ComparisonReadout : public QWidget {
  Q_OBJECT

 public:
  struct Row {
    QColor color;
    QString name;
    QString mean;   // empty: the arm has no run at this epoch (yet)
    QString range;  // "min – max"
    QString seeds;
  };

  explicit ComparisonReadout(QWidget* parent);

  // Shows `header` above `rows` and resizes to fit them.
  void set_rows(const QString& header, std::vector<Row> rows);
  // The read-out as plain text, one line per row, as a reader would copy it.
  QString text() const;
  // A value as the read-out writes it: four significant digits, no exponent in a chart's range.
  static QString format_value(double v);

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  static constexpr int kColumns = 4;  // name, mean, min-max, seeds
  QStringList cells(const Row& row) const;
  void measure();

  QString header_;
  std::vector<Row> rows_;
  std::array<int, kColumns> widths_{};
  int row_height_ = 0;
};

}  // namespace moelab::ui
