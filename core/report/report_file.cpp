#include "report/report_file.h"

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/phase_report.h"

namespace moelab {

std::optional<ReportScalars> read_report_scalars(const std::filesystem::path& report_json) {
  std::ifstream in(report_json);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("verdict")) return std::nullopt;
  ReportScalars scalars = report_scalars(PhaseReport{});
  for (auto& [key, value] : scalars) {
    const auto found = json.find(key);
    if (found == json.end()) return std::nullopt;
    if (found->is_null()) {
      value = std::numeric_limits<double>::quiet_NaN();
    } else if (found->is_number()) {
      value = found->get<double>();
    } else {
      return std::nullopt;
    }
  }
  return scalars;
}

}  // namespace moelab
