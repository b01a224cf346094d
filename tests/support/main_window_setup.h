#pragma once
// A main window with the given settings in its control panel, for the window suites.
#include <memory>

#include "config/run_config.h"
#include "control_panel.h"
#include "main_window.h"

inline std::unique_ptr<moelab::ui::MainWindow> window_with(const moelab::RunConfig& config) {
  auto window = std::make_unique<moelab::ui::MainWindow>();
  window->control_panel()->set_config(config);
  return window;
}
