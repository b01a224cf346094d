#include "util/format.h"

#include <cmath>
#include <cstdio>

namespace moelab {

std::string format_number(double value, int decimals) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string text = buffer;
  if (text == "-0" || text.find_first_not_of("-0.") == std::string::npos) {
    if (text.front() == '-') text.erase(0, 1);  // never "-0.000000"
  }
  return text;
}

std::string percent(double fraction) { return format_number(fraction * 100.0, 2) + "%"; }

}  // namespace moelab
