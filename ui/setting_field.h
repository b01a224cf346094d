#pragma once
// One setting of the core's catalog (config/setting_catalog.h) as an editor widget: the widget
// its type calls for, with the catalog's range, tooltip and key (as object name), and the two
// moves between a RunConfig and the widget. The control panel is a list of these, so a setting
// the catalog gains needs one line in the panel, and no field can take a value the CLI refuses.

#include <QString>

#include "meta_types.h"

class QWidget;

namespace moelab {
struct Setting;
}

namespace moelab::ui {

class SettingField {
 public:
  // Builds the widget: a spin box for an integer that fits one (else a line edit that takes only
  // digits in range), a number box for a real, a combo box of names for a choice, a check box for
  // a yes/no setting, a line edit for text. Throws std::invalid_argument for a key the catalog does not know.
  explicit SettingField(const char* key);

  QWidget* widget() const { return widget_; }
  const Setting& setting() const { return *setting_; }
  QString label() const;

  // The widget's value into `config` (a value the widget cannot hold in range is left as it was).
  void read_into(RunConfig& config) const;
  void show(const RunConfig& config);

 private:
  const Setting* setting_;
  QWidget* widget_;
};

}  // namespace moelab::ui
