#pragma once
// The UCI digits set (CC BY 4.0, E. Alpaydin and C. Kaynak, 1998) as gzip-compressed CSV bytes,
// compiled into the library so that the lab runs with no data file at all.

#include <cstdint>
#include <span>

namespace moelab {

std::span<const std::uint8_t> embedded_digits_csv_gz();

}  // namespace moelab
