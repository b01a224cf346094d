// The event lane: splits and switch changes as ticks on a strip above a time chart's plot, with
// labels that never overlap. The layout is checked on random events at many widths (every label
// inside the lane, none within the gap of another, every event in exactly one label, a cluster
// made of neighbours), then on a real chart with the collapse's crowd of splits: labels inside
// the lane, the lane above the plot, the cluster's tooltip listing its events. Runs offscreen
// (QT_QPA_PLATFORM=offscreen).

#include <QApplication>
#include <QtTest>
#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "charts/chart_style.h"
#include "charts/event_lane.h"
#include "charts/time_series_chart.h"

using moelab::ui::ChartStyle;
using moelab::ui::EventLane;
using moelab::ui::TimeSeriesChart;
using moelab::ui::XStamp;

namespace {

// Fails the test unless `labels` are a valid layout of `events` in `lane`.
void check_layout(const std::vector<EventLane::Event>& events,
                  const std::vector<EventLane::Label>& labels, const QRectF& lane) {
  std::multiset<int> seen;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const EventLane::Label& label = labels[i];
    QVERIFY2(label.box.left() >= lane.left() - 1e-9 && label.box.right() <= lane.right() + 1e-9,
             qPrintable(QStringLiteral("label %1 leaves the lane").arg(i)));
    QVERIFY(!label.members.empty());
    if (i > 0) {
      QVERIFY2(labels[i - 1].box.right() + EventLane::kGap <= label.box.left() + 1e-9,
               qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i - 1).arg(i)));
    }
    for (std::size_t m = 0; m < label.members.size(); ++m) {
      seen.insert(label.members[m]);
      if (m > 0) {
        QVERIFY(events[static_cast<std::size_t>(label.members[m - 1])].px <=
                events[static_cast<std::size_t>(label.members[m])].px);
      }
    }
  }
  QCOMPARE(seen.size(), events.size());
  QCOMPARE(std::set<int>(seen.begin(), seen.end()).size(), events.size());
  // Clusters are runs of neighbours: label i's events all lie left of label i + 1's.
  for (std::size_t i = 1; i < labels.size(); ++i) {
    QVERIFY(events[static_cast<std::size_t>(labels[i - 1].members.back())].px <=
            events[static_cast<std::size_t>(labels[i].members.front())].px);
  }
}

}  // namespace

class TestUiEventLane : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void randomEventsNeverOverlapAtAnyWidth();
  void nearbyEventsClusterWithTheirCount();
  void distantEventsKeepTheirOwnNames();
  void chartLaneOfACollapseIsReadable();
};

void TestUiEventLane::randomEventsNeverOverlapAtAnyWidth() {
  const QFontMetricsF metrics(ChartStyle::small_font());
  std::mt19937 generator(20261129);
  const QStringList names = {QStringLiteral("split e2 -> e7"), QStringLiteral("Cooldown off"),
                             QStringLiteral("Load balancing on"),
                             QStringLiteral("split e10 -> e11")};
  int clustered = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const double width = std::uniform_real_distribution<double>(40, 1400)(generator);
    const QRectF lane(30, 10, width, 14);
    const int count = std::uniform_int_distribution<int>(1, 24)(generator);
    std::vector<EventLane::Event> events;
    for (int i = 0; i < count; ++i) {
      EventLane::Event e;
      e.px = lane.left() + std::uniform_real_distribution<double>(0, width)(generator);
      e.kind = i % 3 == 0 ? EventLane::Kind::Switch : EventLane::Kind::Split;
      e.label = names[std::uniform_int_distribution<int>(0, 3)(generator)];
      events.push_back(e);
    }
    const std::vector<EventLane::Label> labels = EventLane::layout(events, lane, metrics);
    check_layout(events, labels, lane);
    if (QTest::currentTestFailed()) {
      qWarning("trial %d: %d events in a lane %.0f px wide", trial, count, width);
      return;
    }
    if (labels.size() < events.size()) ++clustered;
  }
  QVERIFY2(clustered > 50, "the random trials hardly ever clustered: the check tested little");
}

void TestUiEventLane::nearbyEventsClusterWithTheirCount() {
  const QFontMetricsF metrics(ChartStyle::small_font());
  std::vector<EventLane::Event> events;
  for (int i = 0; i < 10; ++i) {
    events.push_back({400.0 + 3 * i, QStringLiteral("split e%1 -> e%2").arg(i).arg(i + 2),
                      EventLane::Kind::Split});
  }
  const QRectF lane(0, 0, 800, 14);
  const auto labels = EventLane::layout(events, lane, metrics);
  QCOMPARE(labels.size(), std::size_t(1));
  QCOMPARE(labels[0].text, QStringLiteral("splits \u00d710"));
  QCOMPARE(labels[0].members.size(), std::size_t(10));
  QCOMPARE(labels[0].anchor_px, 413.5);
  QCOMPARE(labels[0].box.center().x(), 413.5);
  const QStringList lines = EventLane::tooltip(events, labels[0]).split(QLatin1Char('\n'));
  QCOMPARE(lines.size(), 10);
  QCOMPARE(lines.front(), QStringLiteral("split e0 -> e2"));
  QCOMPARE(lines.back(), QStringLiteral("split e9 -> e11"));

  events.push_back({425, QStringLiteral("Cooldown off"), EventLane::Kind::Switch});
  const auto mixed = EventLane::layout(events, lane, metrics);
  QCOMPARE(mixed.size(), std::size_t(1));
  QCOMPARE(mixed[0].text, QStringLiteral("events \u00d711"));
}

void TestUiEventLane::distantEventsKeepTheirOwnNames() {
  const QFontMetricsF metrics(ChartStyle::small_font());
  const std::vector<EventLane::Event> events = {
      {700, QStringLiteral("Cooldown off"), EventLane::Kind::Switch},
      {100, QStringLiteral("split e1 -> e4"), EventLane::Kind::Split},
      // At the lane's right edge: the label moves left to stay inside.
      {798, QStringLiteral("split e0 -> e5"), EventLane::Kind::Split}};
  const QRectF lane(0, 0, 800, 14);
  auto labels = EventLane::layout(events, lane, metrics);
  // The last two are 98 px apart, too close for two labels of ~80 px each.
  QCOMPARE(labels.size(), std::size_t(2));
  QCOMPARE(labels[0].text, QStringLiteral("split e1 -> e4"));
  QCOMPARE(labels[0].box.center().x(), 100.0);
  QCOMPARE(labels[1].text, QStringLiteral("events \u00d72"));
  check_layout(events, labels, lane);

  const QRectF wide(0, 0, 2000, 14);
  labels = EventLane::layout(events, wide, metrics);
  QCOMPARE(labels.size(), std::size_t(3));
  QCOMPARE(labels[2].text, QStringLiteral("split e0 -> e5"));
  QCOMPARE(labels[2].members, std::vector<int>{2});
}

void TestUiEventLane::chartLaneOfACollapseIsReadable() {
  // The collapse as the window shows it with every fix off: 10 splits, one an epoch, late in a
  // 30-epoch run (8 steps an epoch), and a switch change before them.
  TimeSeriesChart chart(QStringLiteral("Router entropy"), QStringLiteral("nats"));
  const int line = chart.add_line(QStringLiteral("entropy"), QStringLiteral("entropy"), {});
  for (int step = 0; step <= 240; ++step) {
    chart.append(line, XStamp{double(step), 0.0, step / 8 + 1}, 0.5);
  }
  chart.add_marker(XStamp{120, 0, 15}, QStringLiteral("Cooldown off"),
                   TimeSeriesChart::MarkerKind::Switch);
  for (int i = 0; i < 10; ++i) {
    chart.add_marker(XStamp{160.0 + 8 * i, 0, 21 + i},
                     QStringLiteral("split e%1 -> e%2").arg(i % 2).arg(i + 2),
                     TimeSeriesChart::MarkerKind::Split);
  }
  for (const QSize size : {QSize(260, 170), QSize(520, 260), QSize(1600, 400)}) {
    chart.resize(size);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QCoreApplication::processEvents();
    chart.refresh();
    QCoreApplication::processEvents();
    const QRectF plot = chart.plot_rect();
    const QRectF lane = chart.event_lane_rect();
    QVERIFY(lane.bottom() <= plot.top() + 0.5);
    QVERIFY(lane.top() >= 0);
    const auto labels = chart.event_lane_labels();
    std::size_t members = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      QVERIFY(lane.contains(labels[i].box.adjusted(0.5, 0.5, -0.5, -0.5)));
      if (i > 0) QVERIFY(labels[i - 1].box.right() + EventLane::kGap <= labels[i].box.left());
      members += labels[i].members.size();
    }
    QCOMPARE(members, std::size_t(11));  // no marker dropped
    // The crowd of splits is one label at the narrow size; its tooltip names all its splits.
    const EventLane::Label& last = labels.back();
    const QString tip = chart.event_lane_tooltip(last.box.center());
    QCOMPARE(tip.count(QLatin1Char('\n')) + 1, static_cast<qsizetype>(last.members.size()));
    if (size.width() == 260) {
      QVERIFY(last.members.size() >= 10);
      QVERIFY(tip.contains(QStringLiteral("split e1 -> e11")));
    }
    QVERIFY(chart.event_lane_tooltip(QPointF(lane.left() - 20, lane.center().y())).isEmpty());
    const QImage image = chart.grab().toImage();
    QVERIFY(!image.isNull());
  }
  QCOMPARE(chart.title(), QStringLiteral("Router entropy"));
}

QTEST_MAIN(TestUiEventLane)
#include "test_ui_event_lane.moc"
