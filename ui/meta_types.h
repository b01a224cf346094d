#pragma once
// The core's value types that cross from the training thread to the GUI thread in queued signals.
// Only plain values travel: metrics, events, reports, a config; never a tensor or a model pointer.

#include <QMetaType>
#include <vector>

#include "config/run_config.h"
#include "report/phase_report.h"
#include "training/breakpoints.h"
#include "training/run_metrics.h"
#include "training/run_result.h"

Q_DECLARE_METATYPE(moelab::RunConfig)
Q_DECLARE_METATYPE(moelab::FixSwitches)
Q_DECLARE_METATYPE(moelab::DatasetInfo)
Q_DECLARE_METATYPE(moelab::StepMetrics)
Q_DECLARE_METATYPE(std::vector<moelab::StepMetrics>)
Q_DECLARE_METATYPE(moelab::EpochMetrics)
Q_DECLARE_METATYPE(moelab::SplitEvent)
Q_DECLARE_METATYPE(moelab::SwitchEvent)
Q_DECLARE_METATYPE(moelab::PhaseReport)
Q_DECLARE_METATYPE(moelab::RunResult)
Q_DECLARE_METATYPE(moelab::BreakpointHit)

namespace moelab::ui {

// Registers every type above with Qt's meta-type system. Idempotent; call once before the first
// run (RunController does).
void register_meta_types();

}  // namespace moelab::ui
