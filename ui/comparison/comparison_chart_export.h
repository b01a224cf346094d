#pragma once
// Writing one comparison chart alone: a picture (PNG at twice the pixels, or SVG, drawn as the
// dashboard's charts export, ChartCellControls::export_chart) or its numbers (CSV).

#include <QByteArray>
#include <QString>
#include <vector>

#include "comparison/arm_band.h"

class QWidget;

namespace moelab::ui::comparison_chart_export {

// The CSV header line.
inline constexpr const char* kCsvHeader = "arm,epoch,mean,min,max,seeds";

// The header, then one row per arm and epoch. Numbers are written in their shortest exact form,
// so that a reader gets the chart's values back bit for bit.
QByteArray csv(const std::vector<ArmBand>& arms);

// Writes `chart` (a widget) or `arms` to `path`, the format by its suffix: .png, .svg or .csv.
// False with one sentence in `error`, and nothing written, on another suffix or a write error.
bool write(QWidget* chart, const std::vector<ArmBand>& arms, const QString& path, QString* error);

}  // namespace moelab::ui::comparison_chart_export
