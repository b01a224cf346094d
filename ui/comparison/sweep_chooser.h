#pragma once
// The comparison's "Vary a setting" box: one setting of the catalog (any but the three switches,
// the seed and the threads) and its values, crossed with the checked arms as
// `moelab-cli ablate --vary KEY=V1,V2` crosses them.

#include <QGroupBox>
#include <QString>
#include <vector>

#include "ablation/ablation_plan.h"

class QComboBox;
class QLineEdit;

namespace moelab::ui {

class SweepChooser : public QGroupBox {
  Q_OBJECT

 public:
  explicit SweepChooser(QWidget* parent = nullptr);

  // The sweep chosen: none, or one setting with its values. False with one sentence in `error`
  // when the values do not fit the setting.
  bool sweeps(std::vector<Variation>* out, QString* error) const;
  // Shows the sweep that `arms` were crossed with (the first setting they carry), or none.
  void show_sweep(const std::vector<Arm>& arms);

  QComboBox* key_box() const { return key_; }
  QLineEdit* values_edit() const { return values_; }

 private:
  QComboBox* key_ = nullptr;
  QLineEdit* values_ = nullptr;
};

}  // namespace moelab::ui
