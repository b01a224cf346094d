// The CPU budget: affinity mask and cgroup quotas (v2 and v1), on fake cgroup trees and on this
// process's own affinity.
#include <sched.h>

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <thread>

#include "util/cpu_budget.h"

using namespace moelab;

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A fake system root: /proc/self/{cgroup,mountinfo} and cgroup files under it.
struct FakeRoot {
  QTemporaryDir dir;
  fs::path root() const { return dir.path().toStdString(); }
  std::string cgroup() const { return (root() / "proc/self/cgroup").string(); }
  std::string mountinfo() const { return (root() / "proc/self/mountinfo").string(); }
  int quota() const { return cgroup_quota_cpus(cgroup(), mountinfo(), root().string()); }
};

const char* kV2Mount = "30 22 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

}  // namespace

class TestCpuBudget : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void quotaRoundsUpAndIgnoresUnlimited() {
    QCOMPARE(quota_cpus(-1, 100000), 0);
    QCOMPARE(quota_cpus(100000, 100000), 1);
    QCOMPARE(quota_cpus(150000, 100000), 2);
    QCOMPARE(quota_cpus(50000, 100000), 1);
    QCOMPARE(quota_cpus(400000, 100000), 4);
    QCOMPARE(quota_cpus(100000, 0), 0);
  }

  void cpuMaxText() {
    QCOMPARE(cpu_max_cpus("max 100000\n"), 0);
    QCOMPARE(cpu_max_cpus("200000 100000\n"), 2);
    QCOMPARE(cpu_max_cpus("250000 100000"), 3);
    QCOMPARE(cpu_max_cpus(""), 0);
    QCOMPARE(cpu_max_cpus("garbage"), 0);
    QCOMPARE(cpu_max_cpus("12x 100000"), 0);
  }

  void budgetCapsAffinityByQuota() {
    QCOMPARE(cpu_budget(8, 0), 8);
    QCOMPARE(cpu_budget(8, 3), 3);
    QCOMPARE(cpu_budget(2, 3), 2);
    QCOMPARE(cpu_budget(0, 0), 1);
  }

  // A Slurm step under cgroup v2: the tightest quota among the folder and its ancestors counts.
  void cgroupV2TightestAncestor() {
    FakeRoot fake;
    write(fake.cgroup(), "0::/system.slice/slurmstepd.scope/job_7/step_0\n");
    write(fake.mountinfo(), kV2Mount);
    const auto base = fake.root() / "sys/fs/cgroup/system.slice/slurmstepd.scope";
    write(base / "cpu.max", "max 100000\n");
    write(base / "job_7/cpu.max", "300000 100000\n");
    write(base / "job_7/step_0/cpu.max", "max 100000\n");
    QCOMPARE(fake.quota(), 3);
    write(base / "job_7/step_0/cpu.max", "150000 100000\n");
    QCOMPARE(fake.quota(), 2);
  }

  void cgroupV2WithoutQuota() {
    FakeRoot fake;
    write(fake.cgroup(), "0::/user.slice\n");
    write(fake.mountinfo(), kV2Mount);
    write(fake.root() / "sys/fs/cgroup/user.slice/cpu.max", "max 100000\n");
    QCOMPARE(fake.quota(), 0);
  }

  // docker --cpus=2 on a cgroup v1 host: the cpu controller mounted with cpuacct.
  void cgroupV1CfsQuota() {
    FakeRoot fake;
    write(fake.cgroup(), "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n");
    write(fake.mountinfo(),
          "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
          "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n");
    const auto folder = fake.root() / "sys/fs/cgroup/cpu,cpuacct/docker/abc";
    write(folder / "cpu.cfs_quota_us", "200000\n");
    write(folder / "cpu.cfs_period_us", "100000\n");
    write(fake.root() / "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    write(fake.root() / "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    QCOMPARE(fake.quota(), 2);
  }

  // Inside the container the mount shows the container's own folder as its root.
  void cgroupV1MountRootIsTheProcessFolder() {
    FakeRoot fake;
    write(fake.cgroup(), "4:cpu,cpuacct:/docker/abc\n");
    write(fake.mountinfo(),
          "31 30 0:28 /docker/abc /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n");
    write(fake.root() / "sys/fs/cgroup/cpu/cpu.cfs_quota_us", "100000\n");
    write(fake.root() / "sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
    QCOMPARE(fake.quota(), 1);
  }

  void missingFilesMeanNoQuota() {
    FakeRoot fake;
    QCOMPARE(fake.quota(), 0);
    write(fake.cgroup(), "0::/nowhere\n");
    write(fake.mountinfo(), kV2Mount);
    QCOMPARE(fake.quota(), 0);
  }

  // taskset -c 0: one CPU allowed, whatever the machine has.
  void affinityMaskLimitsTheCount() {
    cpu_set_t saved;
    QCOMPARE(sched_getaffinity(0, sizeof saved, &saved), 0);
    const int allowed = CPU_COUNT(&saved);
    QCOMPARE(affinity_cpu_count(), allowed);
    QVERIFY(usable_cpu_count() >= 1);
    QVERIFY(usable_cpu_count() <= allowed);
    int first = 0;
    while (!CPU_ISSET(first, &saved)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    QCOMPARE(sched_setaffinity(0, sizeof one, &one), 0);
    const int confined = usable_cpu_count();
    QCOMPARE(sched_setaffinity(0, sizeof saved, &saved), 0);
    QCOMPARE(confined, 1);
  }
};

QTEST_GUILESS_MAIN(TestCpuBudget)
#include "test_cpu_budget.moc"
