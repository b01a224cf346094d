#pragma once
// The left-hand panel: the three fixes as big switches (the third, load balancing, with its
// method chooser), then the data set (with the held-out test share), the model and the training
// settings (with the balancers' strengths, the split mode, the diversity loss and the plateau
// patience). Produces a RunConfig and takes one back. Settings it does not show (batch
// size, diversity weight, ...) are kept from the last set_config(), so a loaded experiment file
// goes back out unchanged.
//
// During a run the data, model and training fields are locked; the fixes stay live and every
// change is announced with fixesChanged() so that it reaches the running trainer.
//
// Above the switches, the teaching-preset chooser remembers the preset chosen and marks it
// "(modified)" while the switches differ from it.

#include <QWidget>
#include <vector>

#include "meta_types.h"
#include "setting_field.h"

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace moelab::ui {

class NumberSpinBox;
class SwitchButton;

class ControlPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ControlPanel(QWidget* parent = nullptr);

  RunConfig config() const;
  // Shows `config`; emits fixesChanged() once if its fixes differ from the current ones.
  void set_config(const RunConfig& config);
  FixSwitches fixes() const;
  // Shows switches the run changed itself (a schedule) without announcing them back to it.
  void show_fixes(const FixSwitches& fixes);
  void set_running(bool running);
  // Presentation: the three switches alone (their group box); the settings come back after.
  void set_compact(bool compact);
  bool compact() const { return compact_; }

  // For tests and keyboard users: the switches themselves.
  SwitchButton* projection_switch() const { return projection_; }
  SwitchButton* cooldown_switch() const { return cooldown_; }
  SwitchButton* entropy_switch() const { return entropy_; }  // "Load balancing"
  QComboBox* balancer_box() const { return balancer_; }
  // The science settings, for tests.
  QComboBox* split_mode_box() const { return split_mode_; }
  QComboBox* diversity_loss_box() const { return diversity_loss_; }
  QSpinBox* plateau_patience_box() const { return plateau_patience_; }
  QSpinBox* split_release_steps_box() const { return split_release_steps_; }
  NumberSpinBox* test_fraction_box() const { return test_fraction_; }
  // The teaching-preset chooser above the switches (item 0: none; item i + 1: presets()[i]).
  QComboBox* preset_box() const { return preset_; }
  // Shows preset `index` (-1: none) in the chooser as the one chosen, without announcing it.
  void show_preset(int index);
  // The preset last chosen (-1: none), and whether the switches shown have left it since; the
  // chooser marks it "(modified)" then.
  int chosen_preset() const { return chosen_preset_; }
  bool preset_modified() const;

 Q_SIGNALS:
  void fixesChanged(const moelab::FixSwitches& fixes);
  // The user picked teaching preset `index` (into moelab::presets()) in the chooser.
  void presetChosen(int index);
  // The chosen preset, or whether the switches still match it, may have changed.
  void presetStateChanged();

 private:
  QGroupBox* build_fixes();
  QGroupBox* build_data();
  QGroupBox* build_model();
  QGroupBox* build_training();
  QGroupBox* build_growth();
  std::size_t field_index(std::string_view key) const;
  void enable_field_settings();
  void show_data_page(int index);
  void browse_idx_folder();
  void announce_fixes();
  void put_fixes(const RunConfig& config);
  void follow_switches();
  void enable_release_steps();
  void enable_entropy_weight();
  // A field for the catalog's `key`, in `form` under the catalog's label (or placed by the
  // caller when `form` is null).
  template <typename Widget>
  Widget* add_field(QFormLayout* form, const char* key);

  RunConfig base_;
  std::vector<SettingField> fields_;  // every setting the panel shows, read and shown alike
  bool loading_ = false;
  bool running_ = false;
  bool compact_ = false;
  int chosen_preset_ = -1;

  QComboBox* preset_ = nullptr;
  SwitchButton* projection_ = nullptr;
  SwitchButton* cooldown_ = nullptr;
  SwitchButton* entropy_ = nullptr;
  QSpinBox* cooldown_epochs_ = nullptr;
  NumberSpinBox* entropy_weight_ = nullptr;
  QComboBox* balancer_ = nullptr;  // training.balancer, beside the load-balancing switch

  QGroupBox* data_box_ = nullptr;
  QComboBox* kind_ = nullptr;
  QStackedWidget* data_pages_ = nullptr;
  QLineEdit* idx_dir_ = nullptr;
  NumberSpinBox* test_fraction_ = nullptr;

  QGroupBox* model_box_ = nullptr;

  QGroupBox* training_box_ = nullptr;
  QGroupBox* growth_box_ = nullptr;
  QComboBox* growth_ = nullptr;
  std::vector<QWidget*> field_settings_;  // the field's parameters (training.field.*)
  QSpinBox* plateau_patience_ = nullptr;
  QComboBox* split_mode_ = nullptr;
  QSpinBox* split_release_steps_ = nullptr;
  QComboBox* diversity_loss_ = nullptr;

  QLabel* locked_hint_ = nullptr;
};

}  // namespace moelab::ui
