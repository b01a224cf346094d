#include "number_spin_box.h"

#include <QLocale>
#include <cmath>

namespace moelab::ui {

NumberSpinBox::NumberSpinBox(double minimum, double maximum, QWidget* parent)
    : QDoubleSpinBox(parent) {
  setDecimals(12);  // QDoubleSpinBox rounds to this; 12 keeps every value a config can hold
  setRange(minimum, maximum);
  setKeyboardTracking(false);
}

QString NumberSpinBox::textFromValue(double value) const {
  return QLocale::c().toString(value, 'g', 6);
}

double NumberSpinBox::valueFromText(const QString& text) const {
  return QLocale::c().toDouble(text.trimmed());
}

QValidator::State NumberSpinBox::validate(QString& text, int&) const {
  const QString t = text.trimmed();
  if (t.isEmpty() || t == QLatin1String("-") || t.endsWith(QLatin1Char('e'), Qt::CaseInsensitive) ||
      t.endsWith(QLatin1String("e-"), Qt::CaseInsensitive) || t.endsWith(QLatin1Char('.'))) {
    return QValidator::Intermediate;
  }
  bool ok = false;
  const double value = QLocale::c().toDouble(t, &ok);
  if (!ok) return QValidator::Invalid;
  return value >= minimum() && value <= maximum() ? QValidator::Acceptable
                                                  : QValidator::Intermediate;
}

void NumberSpinBox::stepBy(int steps) {
  const double v = value();
  if (v == 0.0) {
    setValue(steps * 0.01);
    return;
  }
  double step = std::pow(10.0, std::floor(std::log10(std::abs(v))));
  // Going down from a round value (0.001) continues a decade lower (0.0009), never to zero.
  if (steps < 0 && std::abs(v) - step < step * 1e-9) step /= 10.0;
  setValue(v + steps * step);
}

}  // namespace moelab::ui
