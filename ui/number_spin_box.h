#pragma once
// A double spin box that shows a value as written ("0.001", "1e-05"), not padded to a fixed count
// of decimals, and keeps small values such as learning rates exactly: a config read from a file
// and shown here comes back out unchanged.

#include <QDoubleSpinBox>

namespace moelab::ui {

class NumberSpinBox : public QDoubleSpinBox {
  Q_OBJECT

 public:
  NumberSpinBox(double minimum, double maximum, QWidget* parent = nullptr);

  QString textFromValue(double value) const override;
  double valueFromText(const QString& text) const override;
  QValidator::State validate(QString& text, int& pos) const override;
  // Steps by the value's own decade: 0.001 -> 0.002, 5 -> 6, 0.001 down -> 0.0009.
  void stepBy(int steps) override;
};

}  // namespace moelab::ui
