#pragma once
// Number formatting shared by reports and CSV writers: fixed, locale-independent, so that the
// same run writes the same bytes everywhere.

#include <string>

namespace moelab {

std::string format_number(double value, int decimals = 6);
std::string percent(double fraction);  // 0.9712 -> "97.12%"

}  // namespace moelab
