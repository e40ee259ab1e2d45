// Strict conversions of flag values: every bad value is a UsageError (exit 2) naming the flag
// and the accepted form, and never echoes more than a few dozen bytes of what was given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/shown_value.h"

namespace ftnt {

// Decimal digits only (no sign, no blanks), from `min` to `max`.
uint64_t parse_whole_number(const std::string& text, const std::string& flag, uint64_t min,
                            uint64_t max);
// A decimal number ("5", "0.5"; no exponent, nan or inf), from `min` to `max`.
double parse_decimal(const std::string& text, const std::string& flag, double min, double max);
// "N" or "N-M" with N <= M <= max.
std::pair<uint64_t, uint64_t> parse_range(const std::string& text, const std::string& flag,
                                          uint64_t max);
// A comma-separated list of names: no empty list, no empty element ("a,,b", ",").
std::vector<std::string> parse_name_list(const std::string& text, const std::string& flag);

}  // namespace ftnt
