#include "growth/field_growth_settings.h"

#include <charconv>

namespace moelab {

namespace {

std::string shortest(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

}  // namespace

std::string field_growth_problem(const FieldGrowthSettings& settings) {
  if (auto problem = schnakenberg_problem(settings.field); !problem.empty()) return problem;
  const double u_star = settings.field.a + settings.field.b;
  if (!(settings.threshold > u_star)) {
    return "the threshold " + shortest(settings.threshold) +
           " must be above the steady state u* = a + b = " + shortest(u_star) +
           ", or every expert splits at once";
  }
  if (settings.steps_per_epoch < 1) return "the field needs at least one step per epoch";
  return {};
}

}  // namespace moelab
