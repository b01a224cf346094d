#pragma once
// Reading a run's report.json back: the scalar figures the ablation summary aggregates, under the
// keys report_scalars() names. A summary built from the files is the one built from the runs in
// memory: report.json writes every double so that it reads back to the same bits.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moelab {

using ReportScalars = std::vector<std::pair<std::string, double>>;

// The scalars of a complete report.json, in report_scalars() order (null reads as NaN), or
// nothing when the file is missing, unreadable, not JSON, or lacks one of the keys (a run still
// being written, or cut short).
std::optional<ReportScalars> read_report_scalars(const std::filesystem::path& report_json);

}  // namespace moelab
