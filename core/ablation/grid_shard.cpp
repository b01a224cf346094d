#include "ablation/grid_shard.h"

#include <charconv>

namespace moelab {

namespace {

constexpr int kMaxShards = 1000000;

bool parse_int(std::string_view text, long long& value) {
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  return !text.empty() && error == std::errc() && ptr == end;
}

long long slurm_number(const Environment& environment, const char* name) {
  const char* text = environment(name);
  long long value = 0;
  if (text == nullptr) {
    throw std::invalid_argument(std::string("--shard slurm: ") + name +
                                " is not set (is this a Slurm array task? submit with --array)");
  }
  if (!parse_int(text, value)) {
    throw std::invalid_argument(std::string("--shard slurm: ") + name + "='" + text +
                                "' is not a whole number");
  }
  return value;
}

GridShard checked(long long index, long long count, const std::string& what) {
  if (count < 1 || count > kMaxShards) {
    throw std::invalid_argument(what + ": the number of shards must be 1.." +
                                std::to_string(kMaxShards));
  }
  if (index < 1 || index > count) {
    throw std::invalid_argument(what + ": shard " + std::to_string(index) + " is not one of 1.." +
                                std::to_string(count));
  }
  return {static_cast<int>(index), static_cast<int>(count)};
}

}  // namespace

GridShard parse_grid_shard(const std::string& text, const Environment& environment) {
  if (text == "slurm") {
    const long long id = slurm_number(environment, "SLURM_ARRAY_TASK_ID");
    const long long count = slurm_number(environment, "SLURM_ARRAY_TASK_COUNT");
    // The array's ids may start anywhere (--array=0-3 or 1-4): the slice is the id's place.
    const long long first =
        environment("SLURM_ARRAY_TASK_MIN") ? slurm_number(environment, "SLURM_ARRAY_TASK_MIN") : 1;
    return checked(id - first + 1, count,
                   "--shard slurm (SLURM_ARRAY_TASK_ID " + std::to_string(id) + ")");
  }
  const auto slash = text.find('/');
  long long index = 0, count = 0;
  if (slash == std::string::npos || !parse_int(std::string_view(text).substr(0, slash), index) ||
      !parse_int(std::string_view(text).substr(slash + 1), count)) {
    throw std::invalid_argument("--shard: '" + text + "' must be I/N (e.g. 2/8) or slurm");
  }
  return checked(index, count, "--shard " + text);
}

std::vector<RunKey> shard_runs(const std::vector<RunKey>& runs, const GridShard& shard) {
  std::vector<RunKey> mine;
  for (std::size_t i = static_cast<std::size_t>(shard.index - 1); i < runs.size();
       i += static_cast<std::size_t>(shard.count)) {
    mine.push_back(runs[i]);
  }
  return mine;
}

}  // namespace moelab
