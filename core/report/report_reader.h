#pragma once
// report.json read back into a PhaseReport: what a run folder's report says, for summaries and
// comparisons rebuilt from folders. Reads what to_json (phase_report.h) writes; figures written as
// null (not finite) read back as NaN, or infinity for a criterion's value.

#include <string>

#include "report/phase_report.h"

namespace moelab {

// Throws std::invalid_argument naming `source` and the key when the text is not a report.
PhaseReport phase_report_from_json(const std::string& text, const std::string& source);

}  // namespace moelab
