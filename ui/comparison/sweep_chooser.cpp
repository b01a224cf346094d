#include "comparison/sweep_chooser.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <stdexcept>

#include "config/setting_catalog.h"

namespace moelab::ui {

SweepChooser::SweepChooser(QWidget* parent) : QGroupBox(tr("Vary a setting"), parent) {
  key_ = new QComboBox;
  key_->setObjectName(QStringLiteral("sweep_key"));
  key_->addItem(tr("(none)"), QString());
  for (const auto& s : setting_catalog()) {
    if (unsweepable_reason(s.key) != nullptr) continue;
    key_->addItem(QString::fromStdString(s.label), QString::fromStdString(s.key));
    key_->setItemData(
        key_->count() - 1,
        QString::fromStdString(s.key + ": " + s.help + " (" + describe_range(s) + ")"),
        Qt::ToolTipRole);
  }
  values_ = new QLineEdit;
  values_->setObjectName(QStringLiteral("sweep_values"));
  values_->setPlaceholderText(tr("values, e.g. 0.003,0.01"));
  values_->setEnabled(false);
  connect(key_, &QComboBox::currentIndexChanged, this, [this](int index) {
    values_->setEnabled(index > 0);
    if (index > 0) values_->setToolTip(key_->itemData(index, Qt::ToolTipRole).toString());
  });
  auto* form = new QFormLayout(this);
  form->addRow(tr("Setting"), key_);
  form->addRow(tr("Values"), values_);
  setToolTip(tr("Every checked arm runs once per value, over the same seeds (paired)."));
}

bool SweepChooser::sweeps(std::vector<Variation>* out, QString* error) const {
  out->clear();
  const QString key = key_->currentData().toString();
  if (key.isEmpty()) return true;
  try {
    out->push_back(parse_variation(key.toStdString(), values_->text().trimmed().toStdString()));
    return true;
  } catch (const std::invalid_argument& e) {
    if (error) *error = tr("Vary a setting: %1.").arg(QString::fromUtf8(e.what()));
    return false;
  }
}

void SweepChooser::show_sweep(const std::vector<Arm>& arms) {
  QString key;
  QStringList values;
  for (const auto& arm : arms) {
    if (arm.settings.empty()) continue;
    const auto& s = arm.settings.front();
    if (key.isEmpty()) key = QString::fromStdString(s.key);
    const QString value = QString::fromStdString(s.value);
    if (QString::fromStdString(s.key) == key && !values.contains(value)) values << value;
  }
  const int index = key.isEmpty() ? 0 : key_->findData(key);
  key_->setCurrentIndex(index < 0 ? 0 : index);
  values_->setText(values.join(QLatin1Char(',')));
}

}  // namespace moelab::ui
