#include "setting_field.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QValidator>
#include <cmath>
#include <limits>

#include "config/setting_catalog.h"
#include "number_spin_box.h"

namespace moelab::ui {

namespace {

QString text_of(const std::string& text) { return QString::fromStdString(text); }

// Digits whose value lies in [minimum, maximum], for integers past a spin box's int range (a seed
// runs to 2^63 - 1): nothing else can be typed.
class IntegerRangeValidator : public QValidator {
 public:
  IntegerRangeValidator(std::int64_t minimum, std::int64_t maximum, QObject* parent)
      : QValidator(parent), minimum_(minimum), maximum_(maximum) {}

  State validate(QString& input, int&) const override {
    if (input.isEmpty()) return Intermediate;
    for (const QChar ch : input) {
      if (!ch.isDigit()) return Invalid;
    }
    bool ok = false;
    const auto value = input.toLongLong(&ok);
    if (!ok || value > maximum_) return Invalid;
    return value >= minimum_ ? Acceptable : Intermediate;
  }

 private:
  std::int64_t minimum_;
  std::int64_t maximum_;
};

bool fits_spin_box(const Setting& s) {
  return s.integer_minimum >= std::numeric_limits<int>::min() &&
         s.integer_maximum <= std::numeric_limits<int>::max();
}

QWidget* make_editor(const Setting& s) {
  switch (s.type) {
    case SettingType::Integer: {
      if (!fits_spin_box(s)) {
        auto* line = new QLineEdit;
        line->setValidator(new IntegerRangeValidator(s.integer_minimum, s.integer_maximum, line));
        return line;
      }
      auto* box = new QSpinBox;
      box->setRange(static_cast<int>(s.integer_minimum), static_cast<int>(s.integer_maximum));
      box->setKeyboardTracking(false);
      return box;
    }
    case SettingType::Real: {
      // An open end of the range becomes the nearest value inside it.
      const double minimum = s.minimum_open ? std::nextafter(s.minimum, s.maximum) : s.minimum;
      const double maximum = s.maximum_open ? std::nextafter(s.maximum, s.minimum) : s.maximum;
      return new NumberSpinBox(minimum, maximum);
    }
    case SettingType::Choice: {
      auto* box = new QComboBox;
      for (const auto& name : s.choices) box->addItem(text_of(name), text_of(name));
      return box;
    }
    case SettingType::Boolean:
      return new QCheckBox;
    case SettingType::Text:
      break;
  }
  return new QLineEdit;
}

}  // namespace

SettingField::SettingField(const char* key)
    : setting_(&moelab::setting(key)), widget_(make_editor(*setting_)) {
  widget_->setObjectName(text_of(setting_->key));
  widget_->setToolTip(text_of(setting_->help));
}

QString SettingField::label() const { return text_of(setting_->label); }

void SettingField::read_into(RunConfig& config) const {
  SettingValue value;
  if (auto* box = qobject_cast<QSpinBox*>(widget_)) {
    value = static_cast<std::int64_t>(box->value());
  } else if (auto* number = qobject_cast<QDoubleSpinBox*>(widget_)) {
    value = number->value();
  } else if (auto* names = qobject_cast<QComboBox*>(widget_)) {
    value = names->currentData().toString().toStdString();
  } else if (auto* check = qobject_cast<QCheckBox*>(widget_)) {
    value = check->isChecked();
  } else if (auto* line = qobject_cast<QLineEdit*>(widget_)) {
    value = line->text().trimmed().toStdString();
  }
  try {
    if (setting_->type == SettingType::Integer && std::holds_alternative<std::string>(value)) {
      value = parse_setting_text(*setting_, std::get<std::string>(value));
    }
    check_setting_value(*setting_, value);
    setting_->set(config, value);
  } catch (const std::invalid_argument&) {
    // An empty or partial entry keeps the setting's last value.
  }
}

void SettingField::show(const RunConfig& config) {
  const auto value = setting_->get(config);
  if (auto* box = qobject_cast<QSpinBox*>(widget_)) {
    box->setValue(static_cast<int>(std::get<std::int64_t>(value)));
  } else if (auto* number = qobject_cast<QDoubleSpinBox*>(widget_)) {
    number->setValue(std::get<double>(value));
  } else if (auto* names = qobject_cast<QComboBox*>(widget_)) {
    const int index = names->findData(text_of(std::get<std::string>(value)));
    if (index >= 0) names->setCurrentIndex(index);
  } else if (auto* check = qobject_cast<QCheckBox*>(widget_)) {
    check->setChecked(std::get<bool>(value));
  } else if (auto* line = qobject_cast<QLineEdit*>(widget_)) {
    line->setText(text_of(value_text(value)));
  }
}

}  // namespace moelab::ui
