#pragma once
// The chosen teaching preset, above the charts: its title and two-line explanation. Once the
// switches no longer match the preset (flipped by hand, or by the run's schedule) it says
// "modified" and what differs, in the switches' own names, on an amber ground, so that nobody
// reads the preset's explanation under charts of other switches. Hidden while no preset is chosen.

#include <QLabel>

#include "config/run_config.h"

namespace moelab::ui {

class BannerStyle;

class PresetBanner : public QLabel {
  Q_OBJECT

 public:
  explicit PresetBanner(QWidget* parent = nullptr);

  // Preset `index` (into moelab::presets(); -1: none) against the switches shown.
  void show_state(int index, const FixSwitches& fixes);
  bool modified() const { return modified_; }

 private:
  bool modified_ = false;
  BannerStyle* style_;
};

}  // namespace moelab::ui
