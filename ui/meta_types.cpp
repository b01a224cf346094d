#include "meta_types.h"

namespace moelab::ui {

void register_meta_types() {
  qRegisterMetaType<moelab::RunConfig>("moelab::RunConfig");
  qRegisterMetaType<moelab::FixSwitches>("moelab::FixSwitches");
  qRegisterMetaType<moelab::DatasetInfo>("moelab::DatasetInfo");
  qRegisterMetaType<moelab::StepMetrics>("moelab::StepMetrics");
  qRegisterMetaType<std::vector<moelab::StepMetrics>>("std::vector<moelab::StepMetrics>");
  qRegisterMetaType<moelab::EpochMetrics>("moelab::EpochMetrics");
  qRegisterMetaType<moelab::SplitEvent>("moelab::SplitEvent");
  qRegisterMetaType<moelab::SwitchEvent>("moelab::SwitchEvent");
  qRegisterMetaType<moelab::BreakpointHit>("moelab::BreakpointHit");
  qRegisterMetaType<moelab::PhaseReport>("moelab::PhaseReport");
  qRegisterMetaType<moelab::RunResult>("moelab::RunResult");
}

}  // namespace moelab::ui
