// train_bench: training throughput, fraction of the sgemm peak and memory of
// the lab's own Trainer and MoeModel, with the PyTorch peer (bench/peer_pytorch.py) run side by
// side in the same process tree. Prints Markdown tables on stdout, progress on stderr. The
// scaling with the expert count is bench/dispatch_bench.cpp.
//
// A benchmark, not a test: it never fails because the machine was slow or busy; it reports what
// it saw together with the machine and its load.
//
//   train_bench [--quick] [--peer PATH] [--python PATH] [--cli PATH] [--repeats N]

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "config/run_config.h"
#include "data/dataset_loader.h"
#include "training/trainer.h"
#include "util/blas_check.h"
#include "util/openblas_kernels.h"
#include "util/logging.h"

#include "flops.h"

namespace {

using namespace moelab;
using Clock = std::chrono::steady_clock;
using moelab::bench::sgemm_gflops;
using moelab::bench::step_flops;

#ifndef MOELAB_PEER_SCRIPT
#define MOELAB_PEER_SCRIPT "bench/peer_pytorch.py"
#endif
#ifndef MOELAB_CLI_PATH
#define MOELAB_CLI_PATH "moelab-cli"
#endif

constexpr const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

struct Options {
  bool quick = false;
  int repeats = 1;  // --repeats N for medians on a quiet machine
  std::string peer = MOELAB_PEER_SCRIPT;
  std::string python = "/usr/bin/python3";
  std::string cli = MOELAB_CLI_PATH;
  std::string child;  // internal: "long-rss" runs the long run in a clean process
};

void progress(const std::string& line) { std::cerr << "[train_bench] " << line << std::endl; }

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

int all_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fixed(double value, int decimals = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// ---------------------------------------------------------------------------------------------
// Runs of the core's Trainer.

struct RunStats {
  double step_samples_per_second = 0;  // training samples / training-step time (as timing.csv)
  double wall_samples_per_second = 0;  // training samples / whole run incl. validation & growth
  std::vector<double> epoch_seconds;   // training-step time per epoch
  std::vector<int> epoch_experts;
  std::vector<int> split_epochs;
  std::int64_t train_size = 0;
  int final_experts = 0;
};

DatasetSplit load(const RunConfig& config) {
  return load_dataset(config.data, config.training.seed);
}

RunStats run_trainer(const RunConfig& config, const DatasetSplit& data,
                     TrainingObserver* observer = nullptr) {
  Trainer trainer(config, data, observer);
  const auto start = Clock::now();
  const RunResult result = trainer.run();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  RunStats s;
  s.train_size = data.train.size();
  double step_seconds = 0;
  for (const auto& e : result.epochs) {
    const double seconds =
        e.samples_per_second > 0 ? static_cast<double>(s.train_size) / e.samples_per_second : 0;
    s.epoch_seconds.push_back(seconds);
    s.epoch_experts.push_back(e.experts);
    step_seconds += seconds;
  }
  for (const auto& split : result.splits) s.split_epochs.push_back(split.epoch);
  const double samples = static_cast<double>(s.train_size) * result.epochs.size();
  s.step_samples_per_second = step_seconds > 0 ? samples / step_seconds : 0;
  s.wall_samples_per_second = wall > 0 ? samples / wall : 0;
  s.final_experts = result.epochs.empty() ? 0 : result.epochs.back().experts;
  return s;
}

// Reads every scalar the CLI's observers read, so the run pays what a real run pays.
class CountingObserver : public TrainingObserver {
 public:
  void on_step(const StepMetrics& m) override { last_loss_ = m.loss_total; }
  double last_loss_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The peer.

struct PeerStats {
  double step_samples_per_second = 0;
  double wall_samples_per_second = 0;
  int final_experts = 0;
  std::string error;
};

// The kernels this process's products run on (util/openblas_kernels.h), which the peer is asked
// to use too: the lab switches kernels in its own process only, so the peer is told by name.
std::string& bench_kernels() {
  static std::string kernels;
  return kernels;
}

// own_kernel_choice: launch the peer without OPENBLAS_CORETYPE, as a user's python3 starts.
PeerStats run_peer(const Options& o, const std::vector<std::string>& args,
                   bool own_kernel_choice = false) {
  const std::string environment =
      own_kernel_choice        ? "env -u OPENBLAS_CORETYPE "
      : bench_kernels().empty() ? ""
                               : "env OPENBLAS_CORETYPE=" + bench_kernels() + " ";
  std::string command = environment + o.python + " " + o.peer;
  for (const auto& a : args) command += " " + a;
  command += " 2>/dev/null";
  PeerStats stats;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    stats.error = "could not start " + o.python;
    return stats;
  }
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  try {
    if (status != 0) throw std::runtime_error("exit status " + std::to_string(status));
    const auto j = nlohmann::json::parse(output);
    stats.step_samples_per_second = j.at("samples_per_second").get<double>();
    stats.wall_samples_per_second = j.at("wall_samples_per_second").get<double>();
    stats.final_experts = j.at("final_experts").get<int>();
  } catch (const std::exception& e) {
    stats.error = std::string("peer failed (") + e.what() + "): " + command;
  }
  return stats;
}

std::string join(const std::vector<int>& v) {
  std::string s;
  for (auto x : v) {
    if (!s.empty()) s += ',';
    s += std::to_string(x);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// FLOPs and the sgemm peak: bench/flops.h.

// ---------------------------------------------------------------------------------------------
// Memory.

long statm_resident_kib() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  in >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

class RssObserver : public TrainingObserver {
 public:
  void on_epoch(const EpochMetrics& m) override { rss_kib_[m.epoch] = statm_resident_kib(); }
  std::map<int, long> rss_kib_;
};

struct ChildResult {
  int status = -1;
  long max_rss_kib = 0;
  double seconds = 0;
  std::string stdout_text;
};

// A run folder path with nothing at it: moelab-cli refuses to write over an earlier run's folder.
std::string fresh_folder(const std::string& path) {
  std::filesystem::remove_all(path);
  return path;
}

ChildResult spawn(const std::vector<std::string>& argv) {
  ChildResult r;
  int fds[2];
  if (pipe(fds) != 0) return r;
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) r.stdout_text.append(buffer, n);
  close(fds[0]);
  rusage usage{};
  int status = 0;
  wait4(pid, &status, 0, &usage);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.max_rss_kib = usage.ru_maxrss;
  return r;
}

// The child of --child long-rss: a default run stretched to 100 epochs, RSS after each epoch.
int long_rss_child(int epochs) {
  RunConfig config;
  config.training.threads = 1;
  config.training.growth_epochs = epochs - config.training.seed_epochs;
  const auto data = load(config);
  RssObserver observer;
  run_trainer(config, data, &observer);
  nlohmann::json j;
  for (const auto& [epoch, kib] : observer.rss_kib_) j[std::to_string(epoch)] = kib;
  std::cout << j.dump() << std::endl;
  return 0;
}

// ---------------------------------------------------------------------------------------------

std::string self_exe() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, n) : std::string("train_bench");
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--quick") o.quick = true;
    else if (a == "--repeats") o.repeats = std::stoi(value());
    else if (a == "--peer") o.peer = value();
    else if (a == "--python") o.python = value();
    else if (a == "--cli") o.cli = value();
    else if (a == "--child") o.child = value();
    else throw std::invalid_argument("unknown option " + a);
  }
  if (o.quick) o.repeats = 1;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  // C++ and the peer run on the same OpenBLAS kernels: the ones the programs choose, named to
  // the peer (run_peer). The peer also runs once with OpenBLAS's own choice, below.
  const auto kernels = choose_openblas_kernels();
  bench_kernels() = kernels.kernels;
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "train_bench: " << e.what() << "\n";
    return 2;
  }
  set_log_level("error");
  if (!report_kernel_choice(kernels)) return 1;
  if (o.child == "long-rss") return long_rss_child(100);

  const int cores = all_threads();
  const auto blas = detect_blas();
  const std::string load_before = read_first_line("/proc/loadavg");
  const auto bench_start = Clock::now();
  std::ostringstream md;

  md << "### Machine\n\n| | |\n|---|---|\n";
  md << "| CPU | " << cpu_model() << " |\n";
  md << "| cores (nproc) | " << cores << " |\n";
  md << "| BLAS | " << (blas.library.empty() ? "unknown" : blas.library)
     << (blas.optimised ? "" : " (reference BLAS: slow)") << " |\n";
  md << "| OpenBLAS kernels | " << (blas.openblas_core.empty() ? "n/a" : blas.openblas_core)
     << " (" << kernels.reason << ")"
     << " |\n";
  md << "| LibTorch | " << TORCH_VERSION << " |\n";
  md << "| load average at start (1/5/15 min) | " << load_before.substr(0, load_before.rfind(' '))
     << " |\n";

  // (a) Default scenario, C++ and the peer interleaved so that both see the same load.
  RunConfig defaults;
  const auto digits = load(defaults);
  std::vector<int> thread_counts = {1};
  if (cores > 1) thread_counts.push_back(cores);
  struct Pair {
    std::vector<double> cpp_step, cpp_wall, peer_step, peer_wall;
    int cpp_experts = 0, peer_experts = 0;
    std::string peer_error;
  };
  std::map<int, Pair> default_runs;
  std::vector<int> split_epochs;
  RunStats seed_phase_stats;
  for (int r = 0; r < o.repeats; ++r) {
    for (int threads : thread_counts) {
      RunConfig config = defaults;
      config.training.threads = threads;
      progress("default run, C++, " + std::to_string(threads) + " thread(s), repeat " +
               std::to_string(r + 1));
      CountingObserver observer;
      const auto cpp = run_trainer(config, digits, &observer);
      if (threads == 1 && r == 0) seed_phase_stats = cpp;
      split_epochs = cpp.split_epochs;
      auto& pair = default_runs[threads];
      pair.cpp_step.push_back(cpp.step_samples_per_second);
      pair.cpp_wall.push_back(cpp.wall_samples_per_second);
      pair.cpp_experts = cpp.final_experts;
      progress("default run, peer, " + std::to_string(threads) + " thread(s)");
      const auto peer = run_peer(o, {"--threads", std::to_string(threads), "--split-after",
                                     split_epochs.empty() ? "0" : join(split_epochs)});
      if (!peer.error.empty()) {
        pair.peer_error = peer.error;
      } else {
        pair.peer_step.push_back(peer.step_samples_per_second);
        pair.peer_wall.push_back(peer.wall_samples_per_second);
        pair.peer_experts = peer.final_experts;
      }
    }
  }
  md << "\n### Training throughput, default scenario (digits, 1437 train samples, batch 64, "
        "20 seed + 14 growth epochs)\n\n";
  md << "Median of " << o.repeats
     << " run(s) each; C++ and the PyTorch peer alternate. *Step* = training samples / time in "
        "training steps (what timing.csv reports); *wall* = training samples / whole run "
        "including the per-epoch validation pass and growth.\n\n";
  md << "| threads | C++ step samples/s | peer step samples/s | ratio (step) | C++ wall samples/s "
        "| peer wall samples/s | ratio (wall) | experts at end (C++/peer) |\n";
  md << "|---:|---:|---:|---:|---:|---:|---:|---|\n";
  double default_ratio_1t = 0;
  for (const auto& [threads, p] : default_runs) {
    const double cs = median(p.cpp_step), cw = median(p.cpp_wall);
    const double ps = median(p.peer_step), pw = median(p.peer_wall);
    if (threads == 1 && ps > 0) default_ratio_1t = cs / ps;
    md << "| " << threads << " | " << fixed(cs, 0) << " | " << (ps > 0 ? fixed(ps, 0) : "n/a") << " | "
       << (ps > 0 ? fixed(cs / ps, 2) + "x" : "n/a") << " | " << fixed(cw, 0) << " | "
       << (pw > 0 ? fixed(pw, 0) : "n/a") << " | " << (pw > 0 ? fixed(cw / pw, 2) + "x" : "n/a")
       << " | " << p.cpp_experts << "/" << p.peer_experts << " |\n";
    if (!p.peer_error.empty()) md << "\nPeer error: `" << p.peer_error << "`\n";
  }
  md << "\nTarget: at least 2x the peer on the default scenario. Split epochs replayed by the "
        "peer: "
     << (split_epochs.empty() ? "none" : join(split_epochs)) << ".\n";

  // The same peer as a user's python3 starts it: OpenBLAS picks its own kernels (on a CPU it
  // does not know, the generic ones). Not the fair comparison, but what a user would see.
  if (!kernels.kernels.empty() && (kernels.switched || std::getenv("OPENBLAS_CORETYPE"))) {
    const std::string coretype = kernels.kernels;
    progress("default run, peer with OpenBLAS's own kernel choice");
    const auto own = run_peer(o,
                              {"--threads", "1", "--split-after",
                               split_epochs.empty() ? "0" : join(split_epochs)},
                              /*own_kernel_choice=*/true);
    const double cs = median(default_runs[1].cpp_step);
    md << "\nThe peer as a user's `python3` starts it, without `OPENBLAS_CORETYPE=" << coretype
       << "` (OpenBLAS picks its own kernels), 1 thread: ";
    if (own.error.empty()) {
      md << fixed(own.step_samples_per_second, 0) << " step samples/s; C++ above is "
         << fixed(cs / own.step_samples_per_second, 2) << "x that.\n";
    } else {
      md << "failed (`" << own.error << "`).\n";
    }
  }

  // (b) Fashion-MNIST: 784 inputs, a 10,000-sample stratified subset, 3 seed epochs.
  md << "\n### Training throughput, Fashion-MNIST (784 inputs, 10,000-sample subset = 8,000 "
        "train, 3 epochs, 2 experts, k = 2)\n\n";
  RunConfig fashion;
  fashion.data.kind = DatasetKind::Idx;
  fashion.data.idx_dir = kFashionDir;
  fashion.data.max_samples = 10000;
  fashion.training.seed_epochs = o.quick ? 1 : 3;
  fashion.training.growth_epochs = 0;
  std::optional<DatasetSplit> fashion_data;
  try {
    fashion_data = load(fashion);
  } catch (const std::exception& e) {
    md << "Skipped: " << e.what() << "\n";
  }
  if (fashion_data) {
    md << "| threads | C++ step samples/s | peer step samples/s | ratio (step) | C++ wall "
          "samples/s | peer wall samples/s | ratio (wall) |\n|---:|---:|---:|---:|---:|---:|---:|\n";
    for (int threads : thread_counts) {
      RunConfig config = fashion;
      config.training.threads = threads;
      progress("Fashion-MNIST, C++, " + std::to_string(threads) + " thread(s)");
      CountingObserver observer;
      const auto cpp = run_trainer(config, *fashion_data, &observer);
      progress("Fashion-MNIST, peer, " + std::to_string(threads) + " thread(s)");
      const auto peer = run_peer(
          o, {"--threads", std::to_string(threads), "--dataset", std::string("idx:") + kFashionDir,
              "--max-samples", "10000", "--seed-epochs",
              std::to_string(fashion.training.seed_epochs), "--growth-epochs", "0"});
      const bool ok = peer.error.empty();
      md << "| " << threads << " | " << fixed(cpp.step_samples_per_second, 0) << " | "
         << (ok ? fixed(peer.step_samples_per_second, 0) : "n/a") << " | "
         << (ok ? fixed(cpp.step_samples_per_second / peer.step_samples_per_second, 2) + "x" : "n/a")
         << " | " << fixed(cpp.wall_samples_per_second, 0) << " | "
         << (ok ? fixed(peer.wall_samples_per_second, 0) : "n/a") << " | "
         << (ok ? fixed(cpp.wall_samples_per_second / peer.wall_samples_per_second, 2) + "x" : "n/a")
         << " |\n";
      if (!ok) md << "\nPeer error: `" << peer.error << "`\n";
    }
  }

  // (b2) Scale: Fashion-MNIST, 64 experts, the whole training set, 1 thread. The lab's auto
  // dispatch is routed here and its probe a 12-expert subset; the peer runs the same algorithm
  // (gathering each expert's samples, the same probe subset size).
  md << "\n### Training throughput at 64 experts, Fashion-MNIST (784 inputs, all 70,000 samples, "
        "1 epoch, k = 2, 1 thread, routed dispatch, probe on 12 experts a step)\n\n";
  if (fashion_data) {
    RunConfig config = fashion;
    config.data.max_samples = o.quick ? 10000 : 0;
    config.model.initial_experts = config.model.max_experts = 64;
    config.training.seed_epochs = 1;
    progress("Fashion-MNIST at 64 experts, C++");
    const auto cpp = run_trainer(config, load(config));
    progress("Fashion-MNIST at 64 experts, peer (routed)");
    const auto peer = run_peer(
        o, {"--threads", "1", "--dataset", std::string("idx:") + kFashionDir, "--max-samples",
            std::to_string(config.data.max_samples), "--initial-experts", "64", "--seed-epochs",
            "1", "--growth-epochs", "0", "--dispatch", "routed", "--probe-experts",
            std::to_string(config.training.probe_experts)});
    const bool ok = peer.error.empty();
    md << "| C++ step samples/s | peer step samples/s | ratio (step) |\n|---:|---:|---:|\n| "
       << fixed(cpp.step_samples_per_second, 0) << " | "
       << (ok ? fixed(peer.step_samples_per_second, 0) : "n/a") << " | "
       << (ok ? fixed(cpp.step_samples_per_second / peer.step_samples_per_second, 2) + "x" : "n/a")
       << " |\n\nTarget: at least 3x the peer. The lab trains on " << cpp.train_size
       << " samples (its validation and test sets are held out of the 70,000), the peer on its "
          "80/20 split; samples/s is per training sample either way.\n";
    if (!ok) md << "\nPeer error: `" << peer.error << "`\n";
  }

  // (c) Fraction of the sgemm peak.
  md << "\n### Achieved GFLOP/s against the sgemm peak\n\n";
  md << "Peak: best of 5 `torch::mm` of 2048x2048 float. Training step: matrix-multiply FLOPs "
        "of the fused dense step counted product by product (projection and first layer on "
        "probe + batch, router, gated mixture, the probe's second layer per expert, classifier; "
        "forward and backward; see `step_flops`), divided by the measured "
        "training-step time of the default run's seed phase (2 experts, 20 epochs; median of "
        "its epochs 2-20).\n\n";
  md << "| threads | sgemm peak GFLOP/s | training step GFLOP/s | fraction of peak |\n"
        "|---:|---:|---:|---:|\n";
  {
    const auto& m = defaults.model;
    const std::int64_t n = digits.train.size(), batch = defaults.training.batch_size;
    const std::int64_t full_steps = n / batch, tail = n % batch;
    const auto per_epoch = [&](std::int64_t experts) {
      const auto f = [&](std::int64_t b) {
        return step_flops(b, digits.train.dimension(), m.hidden, m.expert_hidden,
                          digits.train.num_classes, experts, defaults.training.probe_size);
      };
      return full_steps * f(batch) + (tail ? f(tail) : 0.0);
    };
    for (int threads : thread_counts) {
      progress("sgemm peak, " + std::to_string(threads) + " thread(s)");
      const double peak = sgemm_gflops(threads, 5, o.quick ? 1024 : 2048);
      double achieved = 0;
      if (threads == 1) {
        std::vector<double> seconds;
        for (std::size_t e = 1; e < seed_phase_stats.epoch_seconds.size() &&
                                static_cast<int>(e) < defaults.training.seed_epochs;
             ++e) {
          seconds.push_back(seed_phase_stats.epoch_seconds[e]);
        }
        achieved = per_epoch(m.initial_experts) / median(seconds) / 1e9;
      } else {
        // The all-threads runs above: their median step rate, seed-phase shape (2 experts).
        const double sps = median(default_runs[threads].cpp_step);
        achieved = per_epoch(m.initial_experts) * sps / static_cast<double>(n) / 1e9;
      }
      md << "| " << threads << " | " << fixed(peak, 1) << " | " << fixed(achieved, 2) << " | "
         << fixed(100.0 * achieved / peak, 2) << "% |\n";
    }
    md << "\nFLOPs per training step at 2 experts: "
       << fixed(step_flops(batch, digits.train.dimension(), m.hidden, m.expert_hidden,
                         digits.train.num_classes, m.initial_experts,
                         defaults.training.probe_size) / 1e6, 2)
       << " MFLOP (largest single product: [" << batch + defaults.training.probe_size << "x"
       << m.hidden << "] @ [" << m.hidden << "x" << m.initial_experts * m.expert_hidden
       << "], the experts' first layer on probe and batch).\n";
  }

  // (d) Scaling with the expert count: bench/dispatch_bench.cpp (run_all.sh runs it).

  // (e) Memory, in separate processes for clean peaks.
  md << "\n### Memory\n\n| run | peak RSS (MiB) | seconds |\n|---|---:|---:|\n";
  {
    progress("peak RSS: default run (moelab-cli)");
    const auto a = spawn({o.cli, "--threads", "1", "--quiet", "--out", fresh_folder("/tmp/moelab-bench-rss-a")});
    md << "| default run (`moelab-cli --threads 1`) | "
       << (a.status == 0 ? fixed(a.max_rss_kib / 1024.0, 1) : "failed (" + std::to_string(a.status) + ")")
       << " | " << fixed(a.seconds, 1) << " |\n";
    progress("peak RSS: 64 experts, Fashion-MNIST (moelab-cli)");
    const auto b = spawn({o.cli, "--threads", "1", "--quiet", "--dataset",
                          std::string("idx:") + kFashionDir, "--max-samples", "10000",
                          "--initial-experts", "64", "--max-experts", "64", "--seed-epochs", "1",
                          "--growth-epochs", "0", "--out", fresh_folder("/tmp/moelab-bench-rss-b")});
    md << "| 64 experts, Fashion-MNIST (10,000-sample subset, 1 epoch) | "
       << (b.status == 0 ? fixed(b.max_rss_kib / 1024.0, 1) : "failed (" + std::to_string(b.status) + ")")
       << " | " << fixed(b.seconds, 1) << " |\n";
    progress("peak RSS: 64 experts, Fashion-MNIST, whole set (moelab-cli)");
    const auto full = spawn({o.cli, "--threads", "1", "--quiet", "--dataset",
                             std::string("idx:") + kFashionDir, "--initial-experts", "64",
                             "--max-experts", "64", "--seed-epochs", "1", "--growth-epochs", "0",
                             "--out", fresh_folder("/tmp/moelab-bench-rss-c")});
    md << "| 64 experts, Fashion-MNIST (all 70,000 samples, 1 epoch) | "
       << (full.status == 0 ? fixed(full.max_rss_kib / 1024.0, 1)
                            : "failed (" + std::to_string(full.status) + ")")
       << " | " << fixed(full.seconds, 1) << " |\n";
    progress("resident memory over a 100-epoch run (child process)");
    const auto c = spawn({self_exe(), "--child", "long-rss"});
    try {
      const auto j = nlohmann::json::parse(c.stdout_text);
      const double at10 = j.at("10").get<double>(), at100 = j.at("100").get<double>();
      const double change = 100.0 * (at100 - at10) / at10;
      md << "\nLong run (default settings, 100 epochs: 20 seed + 80 growth, 1 thread), resident "
            "memory from /proc/self/statm after the epoch: epoch 10 "
         << fixed(at10 / 1024.0, 1) << " MiB, epoch 100 " << fixed(at100 / 1024.0, 1)
         << " MiB, change " << (change >= 0 ? "+" : "") << fixed(change, 2) << "% ("
         << (std::abs(change) <= 5.0 ? "flat: within 5%" : "NOT within 5%") << ").\n";
    } catch (const std::exception& e) {
      md << "\nLong run: child failed (" << e.what() << ").\n";
    }
  }

  const std::string load_after = read_first_line("/proc/loadavg");
  md << "\nLoad average at end: " << load_after.substr(0, load_after.rfind(' '))
     << "; train_bench took "
     << fixed(std::chrono::duration<double>(Clock::now() - bench_start).count(), 0) << " s.\n";
  std::cout << md.str();
  (void)default_ratio_1t;
  return 0;
}
