// What a run asks of the machine: the memory budget (MemAvailable and cgroup limits, on fake
// trees), the estimate of a run's memory against what the trainer really allocates, the refusal
// message, the thread bound, and LibTorch's errors turned into one sentence.

#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

#include "config/run_config.h"
#include "data/dataset_loader.h"
#include "training/run_resources.h"
#include "training/trainer.h"
#include "util/cpu_budget.h"
#include "util/error_sentence.h"
#include "util/memory_budget.h"

using namespace moelab;

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A fake system root with /proc/meminfo, /proc/self/{cgroup,mountinfo} and cgroup files.
struct FakeRoot {
  QTemporaryDir dir;
  fs::path root() const { return dir.path().toStdString(); }
  std::string file(const char* name) const { return (root() / name).string(); }
  MemoryBudget budget() const {
    return available_memory(file("proc/meminfo"), file("proc/self/cgroup"),
                            file("proc/self/mountinfo"), root().string());
  }
};

const char* kMeminfo = "MemTotal:       24683620 kB\nMemFree:        21444092 kB\n"
                       "MemAvailable:    8388608 kB\nBuffers:           11208 kB\n";

std::int64_t resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::int64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

RunConfig huge_model() {
  RunConfig config;
  config.model.hidden = 8192;
  config.model.expert_hidden = 8192;
  config.model.max_experts = 256;
  return config;
}

}  // namespace

class TestRunResources : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void memAvailableIsRead() {
    QCOMPARE(mem_available_bytes(kMeminfo), std::optional<std::uint64_t>(8 * kGiB));
    QCOMPARE(mem_available_bytes("MemTotal: 1 kB\n"), std::nullopt);
  }

  void withoutCgroupLimitMemAvailableCounts() {
    FakeRoot fake;
    write(fake.file("proc/meminfo"), kMeminfo);
    write(fake.file("proc/self/cgroup"), "0::/user.slice\n");
    write(fake.file("proc/self/mountinfo"),
          "30 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    write(fake.root() / "sys/fs/cgroup/user.slice/memory.max", "max\n");
    const auto budget = fake.budget();
    QCOMPARE(budget.bytes, 8 * kGiB);
    QVERIFY(budget.source.find("MemAvailable") != std::string::npos);
  }

  // A Slurm job with --mem=2G under cgroup v2: the job's limit, less what the job uses, is the
  // budget, even though the machine has 8 GiB available.
  void cgroupV2LimitOnAnAncestorCounts() {
    FakeRoot fake;
    write(fake.file("proc/meminfo"), kMeminfo);
    write(fake.file("proc/self/cgroup"), "0::/system.slice/slurmstepd.scope/job_7/step_0\n");
    write(fake.file("proc/self/mountinfo"),
          "30 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    const auto job = fake.root() / "sys/fs/cgroup/system.slice/slurmstepd.scope/job_7";
    write(job / "memory.max", std::to_string(2 * kGiB) + "\n");
    write(job / "memory.current", std::to_string(kGiB / 2) + "\n");
    write(job / "step_0/memory.max", "max\n");
    const auto budget = fake.budget();
    QCOMPARE(budget.bytes, 2 * kGiB - kGiB / 2);
    QVERIFY(budget.source.find("job_7/memory.max") != std::string::npos);
  }

  // docker --memory=1g on a cgroup v1 host; v1's "unlimited" is a huge number, not "max".
  void cgroupV1Limit() {
    FakeRoot fake;
    write(fake.file("proc/meminfo"), kMeminfo);
    write(fake.file("proc/self/cgroup"), "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n");
    write(fake.file("proc/self/mountinfo"),
          "34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
    const auto top = fake.root() / "sys/fs/cgroup/memory";
    write(top / "memory.limit_in_bytes", "9223372036854771712\n");
    write(top / "docker/abc/memory.limit_in_bytes", std::to_string(kGiB) + "\n");
    write(top / "docker/abc/memory.usage_in_bytes", std::to_string(kGiB / 4) + "\n");
    QCOMPARE(fake.budget().bytes, kGiB - kGiB / 4);
    // Without the container's folder limit, the root's "unlimited" leaves MemAvailable.
    write(top / "docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
    QCOMPARE(fake.budget().bytes, 8 * kGiB);
  }

  void thisMachineHasABudget() {
    const auto budget = available_memory();
    QVERIFY(budget.bytes > 0);
    QVERIFY(!budget.source.empty());
  }

  void memoryText() {
    QCOMPARE(memory_text(512), std::string("1 KiB"));
    QCOMPARE(memory_text(3 * (std::uint64_t{1} << 20)), std::string("3 MiB"));
    QCOMPARE(memory_text(kGiB + kGiB / 2), std::string("1.5 GiB"));
    QCOMPARE(memory_text(64 * kGiB), std::string("64.0 GiB"));
  }

  // The 64 GB allocation the issue saw: refused with the estimate and the settings to lower.
  void hugeModelIsRefusedWithTheSettingToLower() {
    const auto estimate = estimate_training_memory(huge_model(), {1078, 359, 360, 64, 10});
    QVERIFY(estimate.total() > 200 * kGiB);
    QCOMPARE(estimate.largest().lower.front(), std::string("model.expert_hidden"));
    try {
      require_memory(estimate, {16 * kGiB, "a test budget"}, "this run");
      QFAIL("not refused");
    } catch (const ResourceError& e) {
      const QString text = QString::fromUtf8(e.what());
      QVERIFY2(text.startsWith("this run needs about "), qPrintable(text));
      QVERIFY2(text.contains("at 256 experts"), qPrintable(text));
      QVERIFY2(text.contains("but 16.0 GiB is available (a test budget)"), qPrintable(text));
      QVERIFY2(text.endsWith("lower model.expert_hidden (--expert-hidden), model.max_experts "
                             "(--max-experts) or model.hidden (--hidden)"),
               qPrintable(text));
      QVERIFY2(!text.contains('\n'), qPrintable(text));
    }
    require_memory(estimate, {estimate.total(), "exactly enough"}, "this run");
  }

  // The trainer refuses before it allocates anything, whatever the machine (no machine has the
  // 270 GiB this asks for; skipped on one that has).
  void trainerRefusesBeforeAllocating() {
    const RunConfig config = huge_model();
    DataConfig data;
    auto split = load_dataset(data, 1);
    const auto needed = estimate_training_memory(config, {split.train.size(),
                                                          split.validation.size(),
                                                          split.test.size(), 64, 10});
    if (needed.total() <= available_memory().bytes) QSKIP("this machine has the memory");
    const auto before = resident_bytes();
    QVERIFY_THROWS_EXCEPTION(ResourceError, Trainer(config, std::move(split)));
    QVERIFY(resident_bytes() - before < std::int64_t{64} << 20);
  }

  // The estimate follows what a run really holds: at 8 experts of 512 x 2048 the parameters and
  // Adam's moments dominate, and resident memory grows by about the estimate (within a factor 2).
  void estimateMatchesWhatTheTrainerAllocates() {
    RunConfig config;
    config.model.hidden = 512;
    config.model.expert_hidden = 2048;
    config.model.initial_experts = 8;
    config.model.max_experts = 8;
    config.training.seed_epochs = 1;
    config.training.growth_epochs = 0;
    DataConfig data;
    auto split = load_dataset(data, 1);
    const DataShape shape{split.train.size(), split.validation.size(), split.test.size(), 64, 10};
    const auto estimate = estimate_training_memory(config, shape).total();
    QVERIFY(estimate > 200u << 20);
    const auto before = resident_bytes();
    Trainer trainer(config, std::move(split));
    trainer.run();
    const auto grown = static_cast<std::uint64_t>(resident_bytes() - before);
    qInfo("estimate %s, resident memory grew by %s", memory_text(estimate).c_str(),
          memory_text(grown).c_str());
    QVERIFY2(grown < 2 * estimate, "the run used more than twice the estimate");
    QVERIFY2(grown > estimate / 2, "the estimate is more than twice what the run used");
  }

  // The shape the settings promise is the shape the loader delivers (the split rounds per class,
  // so each part may differ by a few samples).
  void expectedShapeMatchesTheLoadedData() {
    for (const auto kind : {DatasetKind::Digits, DatasetKind::Synthetic}) {
      DataConfig data;
      data.kind = kind;
      data.synthetic.samples = 3000;
      data.synthetic.dimension = 17;
      data.max_samples = kind == DatasetKind::Synthetic ? 2500 : 0;
      const auto expected = expected_shape(data);
      QVERIFY(expected.has_value());
      const auto loaded = shape_of(load_dataset(data, 4));
      QCOMPARE(expected->dimension, loaded.dimension);
      QCOMPARE(expected->classes, loaded.classes);
      QVERIFY(std::abs(expected->train - loaded.train) <= 10);
      QVERIFY(std::abs(expected->validation - loaded.validation) <= 10);
      QVERIFY(std::abs(expected->test - loaded.test) <= 10);
      QCOMPARE(expected->train + expected->validation + expected->test,
               loaded.train + loaded.validation + loaded.test);
    }
    DataConfig idx;
    idx.kind = DatasetKind::Idx;
    QVERIFY(!expected_shape(idx).has_value());
  }

  // Before any data is loaded, the huge model and the extra threads are refused.
  void refusedBeforeLoading() {
    RunConfig threads;
    threads.training.threads = usable_cpu_count() + 1;
    QVERIFY_THROWS_EXCEPTION(ResourceError, require_resources_before_loading(threads));
    const RunConfig config = huge_model();
    require_resources_before_loading(RunConfig());
    if (estimate_training_memory(config, *expected_shape(config.data)).total() <=
        available_memory().bytes) {
      QSKIP("this machine has the memory");
    }
    QVERIFY_THROWS_EXCEPTION(ResourceError, require_resources_before_loading(config));
  }

  void threadsAreBoundedByUsableCpus() {
    TrainingConfig training;
    training.threads = 0;
    QCOMPARE(training_threads(training, 3), 3);
    training.threads = 2;
    QCOMPARE(training_threads(training, 2), 2);
    training.threads = 1024;
    try {
      training_threads(training, 2);
      QFAIL("not refused");
    } catch (const ResourceError& e) {
      const QString text = QString::fromUtf8(e.what());
      QVERIFY2(text.contains("training.threads (--threads) is 1024"), qPrintable(text));
      QVERIFY2(text.contains("may use 2 CPUs"), qPrintable(text));
      QVERIFY2(text.contains("use 1 to 2, or 0"), qPrintable(text));
    }
    try {
      training_threads(training, 1);
      QFAIL("not refused");
    } catch (const ResourceError& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains("may use 1 CPU (its affinity mask and cgroup "
                                                    "CPU quota): use 1, or 0"),
               e.what());
    }
  }

  void trainerRefusesMoreThreadsThanCpus() {
    RunConfig config;
    config.training.threads = usable_cpu_count() + 1;
    DataConfig data;
    QVERIFY_THROWS_EXCEPTION(ResourceError, Trainer(config, load_dataset(data, 1)));
  }

  // LibTorch's own allocation failure, as a user reads it.
  void libtorchErrorsBecomeOneSentence() {
    try {
      with_engine_errors([] { return torch::empty({std::int64_t{1} << 50}); });
      QFAIL("LibTorch allocated 4 PiB");
    } catch (const LibTorchError& e) {
      const QString text = QString::fromUtf8(e.what());
      QCOMPARE(text, QStringLiteral("LibTorch could not allocate 4096.0 TiB (out of memory)"));
    }
    try {
      with_engine_errors([] { return torch::ones({2, 3}).matmul(torch::ones({2, 3})); });
      QFAIL("no error");
    } catch (const LibTorchError& e) {
      const QString text = QString::fromUtf8(e.what());
      QVERIFY2(text.startsWith("LibTorch: "), qPrintable(text));
      QVERIFY2(!text.contains('\n') && !text.contains("frame #"), qPrintable(text));
    }
    // Other errors pass through untouched.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             with_engine_errors([]() -> int { throw std::invalid_argument("x"); }));
  }
};

QTEST_GUILESS_MAIN(TestRunResources)
#include "test_run_resources.moc"
