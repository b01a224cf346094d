// Breakpoints watch a run's reports: each kind fires once on the report it names (the first
// split, an expert newly dormant, entropy crossing below the threshold, a fix switched), not on
// the reports after it, not while it is off, and not on old news when it is turned on later.

#include <QtTest>
#include <set>

#include "training/breakpoints.h"
#include "training/switch_events.h"

using moelab::BreakpointKind;
using moelab::Breakpoints;
using moelab::BreakpointSettings;
using moelab::EpochMetrics;
using moelab::SplitEvent;
using moelab::SwitchEvent;

namespace {

BreakpointSettings all_on() {
  BreakpointSettings s;
  for (const auto& info : moelab::breakpoint_catalog()) s.set(info.kind, true);
  return s;
}

EpochMetrics epoch(int number, std::vector<int> dormant, double entropy = 0.9) {
  EpochMetrics m;
  m.epoch = number;
  m.dormant = std::move(dormant);
  m.usage_entropy = entropy;
  m.experts = 6;
  m.effective_experts = 2.5;
  return m;
}

}  // namespace

class TestBreakpoints : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void catalogDescribesEveryKindOnce();
  void dormantFiresForNewlyDormantExpertsOnly();
  void offBreakpointsFollowTheRunWithoutFiring();
  void entropyFiresWhenItCrossesBelow();
  void onlyTheFirstSplitFires();
  void onlyFlippedFixesFire();
};

void TestBreakpoints::catalogDescribesEveryKindOnce() {
  std::set<std::string> keys;
  std::set<int> kinds;
  for (const auto& info : moelab::breakpoint_catalog()) {
    QVERIFY(keys.insert(info.key).second);
    QVERIFY(kinds.insert(static_cast<int>(info.kind)).second);
    QVERIFY(std::string(info.name).size() > 5);
    QVERIFY(std::string(info.help).size() > 20);
    QCOMPARE(moelab::breakpoint_info(info.kind).key, info.key);
  }
  QCOMPARE(kinds.size(), BreakpointSettings{}.on.size());
  QVERIFY(!BreakpointSettings{}.any());
  QVERIFY(all_on().any());
}

void TestBreakpoints::dormantFiresForNewlyDormantExpertsOnly() {
  Breakpoints b;
  const BreakpointSettings s = all_on();
  QVERIFY(!b.on_epoch(epoch(1, {}), s));
  const auto hit = b.on_epoch(epoch(2, {3}), s);
  QVERIFY(hit);
  QVERIFY(hit->kind == BreakpointKind::ExpertDormant);
  QCOMPARE(hit->epoch, 2);
  QVERIFY2(hit->caption.find("expert e3 has gone dormant") != std::string::npos,
           hit->caption.c_str());
  QVERIFY(!b.on_epoch(epoch(3, {3}), s));  // still dormant: not news
  const auto two = b.on_epoch(epoch(4, {1, 3, 5}), s);
  QVERIFY(two);
  QVERIFY2(two->caption.find("experts e1 and e5 have gone dormant") != std::string::npos,
           two->caption.c_str());
  QVERIFY(!b.on_epoch(epoch(5, {}), s));  // woke up
  QVERIFY(b.on_epoch(epoch(6, {3}), s));  // dormant again: news again
}

void TestBreakpoints::offBreakpointsFollowTheRunWithoutFiring() {
  Breakpoints b;
  BreakpointSettings off;
  QVERIFY(!b.on_epoch(epoch(1, {2}, 0.3), off));
  QVERIFY(!b.on_split(SplitEvent{1, 10, 0, 2}, off));
  // Turned on: the expert dormant since epoch 1, the entropy low since then and the split made
  // then are old news.
  const BreakpointSettings on = all_on();
  QVERIFY(!b.on_epoch(epoch(2, {2}, 0.3), on));
  QVERIFY(!b.on_split(SplitEvent{2, 20, 1, 3}, on));
}

void TestBreakpoints::entropyFiresWhenItCrossesBelow() {
  Breakpoints b;
  BreakpointSettings s;
  s.set(BreakpointKind::EntropyLow, true);
  s.entropy_threshold = 0.5;
  QVERIFY(!b.on_epoch(epoch(1, {}, 0.8), s));
  const auto hit = b.on_epoch(epoch(2, {}, 0.45), s);
  QVERIFY(hit);
  QVERIFY(hit->kind == BreakpointKind::EntropyLow);
  QVERIFY2(hit->caption.find("fell to 0.45, below 0.50") != std::string::npos,
           hit->caption.c_str());
  QVERIFY(!b.on_epoch(epoch(3, {}, 0.40), s));
  QVERIFY(!b.on_epoch(epoch(4, {}, 0.60), s));
  QVERIFY(b.on_epoch(epoch(5, {}, 0.49), s));
  // Only the kinds that are on: a dormant expert is not an entropy breakpoint.
  QVERIFY(!b.on_epoch(epoch(6, {4}, 0.3), s));
}

void TestBreakpoints::onlyTheFirstSplitFires() {
  Breakpoints b;
  const BreakpointSettings s = all_on();
  SplitEvent split{21, 420, 1, 4, 0.9, 0.85, 0.02};
  const auto hit = b.on_split(split, s);
  QVERIFY(hit);
  QCOMPARE(hit->epoch, 21);
  QVERIFY2(hit->caption.find("Expert e1 was copied into a new expert, e4") != std::string::npos,
           hit->caption.c_str());
  QVERIFY2(hit->caption.find("90.0% before the split, 85.0% after") != std::string::npos,
           hit->caption.c_str());
  split.epoch = 22;
  QVERIFY(!b.on_split(split, s));
}

void TestBreakpoints::onlyFlippedFixesFire() {
  Breakpoints b;
  const BreakpointSettings s = all_on();
  const auto changes = moelab::diff_switches(moelab::FixSwitches{}, [] {
    moelab::FixSwitches f;
    f.cooldown = false;
    return f;
  }());
  QCOMPARE(changes.size(), std::size_t(1));
  SwitchEvent flip = changes.front();
  flip.epoch = 15;
  const auto hit = b.on_switch(flip, s);
  QVERIFY(hit);
  QVERIFY(hit->kind == BreakpointKind::SwitchFlip);
  QCOMPARE(hit->caption.rfind("Epoch 15: " + moelab::describe_switch_event(flip), 0), 0u);
  QVERIFY(!b.on_switch(SwitchEvent{15, 10, moelab::kPruneEvent, "3", "removed"}, s));
  QVERIFY(!b.on_switch(SwitchEvent{15, 10, moelab::kReviveEvent, "3", "copy of 1"}, s));
  QVERIFY(!b.on_switch(SwitchEvent{15, 10, moelab::kLearningRateEvent, "0.01", "0.001"}, s));
  BreakpointSettings off = s;
  off.set(BreakpointKind::SwitchFlip, false);
  QVERIFY(!b.on_switch(flip, off));
}

QTEST_APPLESS_MAIN(TestBreakpoints)
#include "test_breakpoints.moc"
