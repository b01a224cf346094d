// dispatch_bench: the fused step's cost against the expert count, dense against routed against
// auto, side by side in one run, and the crossover that --dispatch auto's rule
// (prefer_routed_dispatch in core/model/moe_model.cpp) was set from. Prints Markdown on stdout,
// progress on stderr.
//
// A benchmark, not a test: it never fails because the machine was slow or busy. Every cell is
// measured in the same process right after its neighbours (dense, routed, auto for one E and k,
// then the next), so compare ratios within a row, not numbers across runs.
//
//   dispatch_bench [--max-experts N] [--epochs N] [--repeats N] [--probe-experts N]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/run_config.h"
#include "data/dataset_loader.h"
#include "model/moe_model.h"
#include "training/trainer.h"
#include "util/logging.h"
#include "util/openblas_kernels.h"

namespace {

using namespace moelab;
using Clock = std::chrono::steady_clock;

struct Options {
  int max_experts = 256;
  int epochs = 3;  // the first is not timed (buffers, caches, the allocator's first touch)
  int repeats = 1;
  int probe_experts = TrainingConfig{}.probe_experts;
};

std::string fixed(double value, int decimals = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Training-step milliseconds per epoch (median over the timed epochs) of one fixed-size run.
double epoch_ms(const RunConfig& config, const DatasetSplit& data) {
  Trainer trainer(config, data, nullptr);
  const RunResult result = trainer.run();
  std::vector<double> ms;
  for (std::size_t e = 1; e < result.epochs.size(); ++e) {
    const double sps = result.epochs[e].samples_per_second;
    if (sps > 0) ms.push_back(1000.0 * static_cast<double>(data.train.size()) / sps);
  }
  return median(ms);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
    const int value = std::stoi(argv[++i]);
    if (a == "--max-experts")
      o.max_experts = value;
    else if (a == "--epochs")
      o.epochs = std::max(2, value);
    else if (a == "--repeats")
      o.repeats = std::max(1, value);
    else if (a == "--probe-experts")
      o.probe_experts = value;
    else
      throw std::invalid_argument("unknown option " + a);
  }
  return o;
}

const char* name_of(Dispatch d) {
  return d == Dispatch::Dense ? "dense" : d == Dispatch::Routed ? "routed" : "auto";
}

}  // namespace

int main(int argc, char** argv) {
  const auto kernels = choose_openblas_kernels();
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "dispatch_bench: " << e.what() << "\n";
    return 2;
  }
  set_log_level("error");
  if (!report_kernel_choice(kernels)) return 1;
  const auto start = Clock::now();
  RunConfig defaults;
  defaults.training.threads = 1;
  defaults.training.seed_epochs = o.epochs;
  defaults.training.growth_epochs = 0;
  defaults.training.probe_experts = o.probe_experts;
  const auto digits = load_dataset(defaults.data, defaults.training.seed);

  std::vector<int> expert_counts;
  for (int e = 2; e <= o.max_experts; e *= 2) expert_counts.push_back(e);
  const std::vector<Dispatch> arms = {Dispatch::Dense, Dispatch::Routed, Dispatch::Auto};
  std::map<std::tuple<int, int, Dispatch>, double> ms;  // (k, E, arm) -> ms per epoch

  std::ostringstream md;
  md << "### Scaling: training time per epoch (ms) at fixed expert counts, 1 thread, digits\n\n";
  md << "initial = max experts = E, no growth, " << o.epochs << " epochs of " << digits.train.size()
     << " samples, the first not timed; median of the others"
     << (o.repeats > 1 ? " over " + std::to_string(o.repeats) + " repeats" : "")
     << " (training steps only). Both dispatches are the fused step with hand-derived gradients: "
        "*dense* runs every expert on every sample, *routed* each expert on the samples that "
        "chose it; *auto* is what `--dispatch auto` picks. The diversity probe (128 samples) "
        "runs on every expert up to "
     << o.probe_experts << " experts and on " << o.probe_experts
     << " drawn at random per step above that (`--probe-experts`).\n\n";
  md << "| E | k=1 dense | k=1 routed | k=1 auto | k=2 dense | k=2 routed | k=2 auto |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n";
  for (int experts : expert_counts) {
    md << "| " << experts;
    for (int k : {1, 2}) {
      std::map<Dispatch, std::vector<double>> samples;
      for (int r = 0; r < o.repeats; ++r) {
        for (const auto arm : arms) {
          RunConfig config = defaults;
          config.model.initial_experts = experts;
          config.model.max_experts = experts;
          config.model.top_k = k;
          config.training.dispatch = arm;
          std::cerr << "[dispatch_bench] E=" << experts << " k=" << k << " " << name_of(arm)
                    << std::endl;
          samples[arm].push_back(epoch_ms(config, digits));
        }
      }
      for (const auto arm : arms) ms[{k, experts, arm}] = median(samples[arm]);
      const double dense = ms[{k, experts, Dispatch::Dense}];
      const double routed = ms[{k, experts, Dispatch::Routed}];
      md << " | " << fixed(dense) << " | " << fixed(routed) << (routed < dense ? " *" : "") << " | "
         << fixed(ms[{k, experts, Dispatch::Auto}]);
    }
    md << " |\n";
  }
  md << "\n`*` = routed faster than dense. Crossover (smallest E from which routed stays "
        "faster): ";
  for (int k : {1, 2}) {
    std::optional<int> crossover;
    for (auto it = expert_counts.rbegin(); it != expert_counts.rend(); ++it) {
      if (ms[{k, *it, Dispatch::Routed}] < ms[{k, *it, Dispatch::Dense}])
        crossover = *it;
      else
        break;
    }
    md << "k=" << k << ": "
       << (crossover ? "E = " + std::to_string(*crossover)
                     : "none up to " + std::to_string(expert_counts.back()))
       << (k == 1 ? "; " : ".\n");
  }
  md << "Auto's rule (`prefer_routed_dispatch`): ";
  for (int k : {1, 2}) {
    std::optional<int> first;
    for (int e : expert_counts) {
      if (prefer_routed_dispatch(e, k)) {
        first = e;
        break;
      }
    }
    md << "k=" << k << ": "
       << (first ? "routed from E = " + std::to_string(*first) : "always dense")
       << (k == 1 ? "; " : ".\n");
  }
  // A sample's cost should follow k, not E: 64 experts at k = 2 against 8, both as auto runs them.
  const auto at = [&](int e) { return ms.find({2, e, Dispatch::Auto}); };
  if (at(8) != ms.end() && at(64) != ms.end()) {
    md << "\nSamples/s at k = 2, auto: 8 experts "
       << fixed(1000.0 * digits.train.size() / at(8)->second, 0) << ", 64 experts "
       << fixed(1000.0 * digits.train.size() / at(64)->second, 0) << "; 64 experts run at "
       << fixed(at(8)->second / at(64)->second, 2)
       << " of 8 experts' samples/s (target: at least 0.33).\n";
  }
  md << "\ndispatch_bench took "
     << fixed(std::chrono::duration<double>(Clock::now() - start).count(), 0) << " s.\n";
  std::cout << md.str();
  return 0;
}
