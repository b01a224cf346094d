// The dashboard's redraw scheduler on its own: a round redraws one part per tick in order, a part
// that changed nothing costs no tick, a round that changed something is counted and followed by
// one more (data may have arrived in a part already passed), a quiet round ends the redraws,
// flush draws every part at once, cancel starts the next round from the first part.

#include <QtTest>
#include <vector>

#include "charts/staggered_redraw.h"

using moelab::ui::StaggeredRedraw;

namespace {

constexpr int kIntervalMs = 5;

// Parts that report a change while they have pending work, and record the order they ran in.
struct Parts {
  std::vector<int> pending;
  std::vector<int> order;
  int before_rounds = 0;

  explicit Parts(int count) : pending(static_cast<std::size_t>(count), 0) {}

  void install(StaggeredRedraw& redraw) {
    std::vector<StaggeredRedraw::Part> parts;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      parts.push_back([this, i] {
        order.push_back(static_cast<int>(i));
        if (pending[i] == 0) return false;
        --pending[i];
        return true;
      });
    }
    redraw.set_parts([this] { ++before_rounds; }, std::move(parts));
  }
};

}  // namespace

class TestUiStaggeredRedraw : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void aRoundRedrawsOnePartPerTickAndEndsWhenQuiet() {
    StaggeredRedraw redraw(kIntervalMs);
    Parts parts(3);
    parts.install(redraw);
    parts.pending = {1, 0, 1};
    redraw.schedule();
    QVERIFY(redraw.pending());
    QTRY_VERIFY(!redraw.pending());
    // Round one: part 0 (changed: next tick), then 1 (quiet) and 2 (changed) in the same tick;
    // round two finds nothing to do and ends.
    QCOMPARE(parts.order, (std::vector<int>{0, 1, 2, 0, 1, 2}));
    QCOMPARE(redraw.count(), 1);
    QCOMPARE(parts.before_rounds, 2);
  }

  void nothingToDrawCostsNoCount() {
    StaggeredRedraw redraw(kIntervalMs);
    Parts parts(2);
    parts.install(redraw);
    redraw.schedule();
    QTRY_VERIFY(!redraw.pending());
    QCOMPARE(redraw.count(), 0);
    QCOMPARE(parts.order, (std::vector<int>{0, 1}));
  }

  void scheduleWhilePendingCoalesces() {
    StaggeredRedraw redraw(50);
    Parts parts(1);
    parts.install(redraw);
    parts.pending = {1};
    for (int i = 0; i < 100; ++i) redraw.schedule();
    QTRY_VERIFY(!redraw.pending());
    QCOMPARE(redraw.count(), 1);
    QCOMPARE(parts.order, (std::vector<int>{0, 0}));
  }

  void flushDrawsEveryPartAtOnce() {
    StaggeredRedraw redraw(10000);  // the timer never fires in this test
    Parts parts(3);
    parts.install(redraw);
    parts.pending = {1, 1, 1};
    redraw.schedule();
    redraw.flush();
    QVERIFY(!redraw.pending());
    QCOMPARE(parts.order, (std::vector<int>{0, 1, 2}));
    QCOMPARE(parts.pending, (std::vector<int>{0, 0, 0}));
    QCOMPARE(redraw.count(), 1);
    redraw.flush();  // nothing changed: not counted
    QCOMPARE(redraw.count(), 1);
  }

  void cancelStartsTheNextRoundFromTheFirstPart() {
    // Slow ticks, so that the poll below sees the round after its first part only.
    StaggeredRedraw redraw(200);
    Parts parts(3);
    parts.install(redraw);
    parts.pending = {1, 1, 1};
    redraw.schedule();
    QTRY_COMPARE(parts.order.size(), std::size_t{1});  // part 0 drawn, the round under way
    redraw.cancel();
    QVERIFY(!redraw.pending());
    parts.order.clear();
    redraw.schedule();
    QTRY_VERIFY(!redraw.pending());
    QCOMPARE(parts.order.front(), 0);
    QCOMPARE(parts.pending, (std::vector<int>{0, 0, 0}));
  }
};

QTEST_MAIN(TestUiStaggeredRedraw)
#include "test_ui_staggered_redraw.moc"
