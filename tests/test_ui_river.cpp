// The expert river: each expert's share of the routed top-k slots, stacked. That the bands fill
// the height at every epoch, that a child's band opens inside the river right above its parent's
// at the split epoch and widens after it, that a band is grey and hatched exactly on the epochs
// its expert was dormant, that a prune ends a band and the experts above it keep theirs under
// their new index, the empty state, that the dashboard shows it first and follows its x axis and
// zoom, and a real run in a 1024 x 768 window. Runs offscreen (QT_QPA_PLATFORM=offscreen).

#include <QApplication>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <vector>

#include "charts/chart_grid.h"
#include "charts/chart_panel.h"
#include "charts/expert_palette.h"
#include "charts/expert_river.h"
#include "charts/time_series_chart.h"
#include "control_panel.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_controls.h"

using moelab::EpochMetrics;
using moelab::Phase;
using moelab::RunConfig;
using moelab::SplitEvent;
using moelab::SwitchEvent;
using moelab::ui::ChartPanel;
using moelab::ui::ExpertPalette;
using moelab::ui::ExpertRiver;
using moelab::ui::MainWindow;
using moelab::ui::TimeSeriesChart;

namespace {

constexpr int kStepsPerEpoch = 20;

EpochMetrics make_epoch(int epoch, std::vector<float> utilization, std::vector<int> dormant = {}) {
  EpochMetrics m;
  m.epoch = epoch;
  m.phase = epoch <= 2 ? Phase::Seed : Phase::Growth;
  m.step = static_cast<std::int64_t>(epoch) * kStepsPerEpoch;
  m.wall_seconds = 0.1 * static_cast<double>(m.step);
  m.experts = static_cast<int>(utilization.size());
  m.router_task_grad.assign(utilization.size(), 0.01f);
  m.utilization = std::move(utilization);
  m.dormant = std::move(dormant);
  m.val_accuracy = 0.5;
  return m;
}

SplitEvent split_after(int epoch, int parent, int child) {
  return SplitEvent{epoch, static_cast<std::int64_t>(epoch) * kStepsPerEpoch, parent, child};
}

SwitchEvent prune_after(int epoch, int expert) {
  return SwitchEvent{epoch, static_cast<std::int64_t>(epoch) * kStepsPerEpoch, moelab::kPruneEvent,
                     std::to_string(expert), "removed"};
}

// At k = 2 (utilisation sums to 2): e1 fades and sleeps on epoch 3 only; e0 splits after epoch 3
// and its child e2 takes slots from epoch 4 on.
template <typename Sink>
void feed_story(Sink& sink) {
  sink.add_epoch(make_epoch(1, {1.2f, 0.8f}));
  sink.add_epoch(make_epoch(2, {1.5f, 0.5f}));
  sink.add_epoch(make_epoch(3, {1.99f, 0.01f}, {1}));
  sink.add_split(split_after(3, 0, 2));
  sink.add_epoch(make_epoch(4, {1.0f, 0.4f, 0.6f}));
  sink.add_epoch(make_epoch(5, {0.9f, 0.5f, 0.6f}));
}

int position(const ExpertRiver& river, int band) {
  const auto& order = river.stack_order();
  return static_cast<int>(std::find(order.begin(), order.end(), band) - order.begin());
}

bool near_color(const QColor& a, const QColor& b, int tolerance = 3) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}

bool greyish(const QColor& c) {
  return std::max({c.red(), c.green(), c.blue()}) - std::min({c.red(), c.green(), c.blue()}) <= 16;
}

// Of the pixels well inside band `band` along the stretch that ends at `point`, the shares that
// are its colour and that are grey.
struct Tally {
  double own = 0;
  double grey = 0;
};
Tally tally_stretch(const ExpertRiver& river, const QImage& image, int band, int point) {
  const double x0 = river.stretch_start_x(point);
  const double x1 = river.point_x(point);
  const QColor own = ExpertPalette::color(river.band_expert(band));
  int n = 0, mine = 0, grey = 0;
  for (double x = x0 + 0.2 * (x1 - x0); x <= x0 + 0.8 * (x1 - x0); x += 1.0) {
    const ExpertRiver::Edges e = river.edges_at(band, point, x);
    for (double y = e.top + 0.25 * (e.bottom - e.top); y <= e.bottom - 0.25 * (e.bottom - e.top);
         y += 1.0) {
      const QColor c = image.pixelColor(QPointF(x, y).toPoint());
      ++n;
      if (near_color(c, own, 6)) ++mine;
      if (greyish(c)) ++grey;
    }
  }
  if (n == 0) return {};
  return {static_cast<double>(mine) / n, static_cast<double>(grey) / n};
}

RunConfig short_run() {
  RunConfig c;  // embedded digits
  c.training.seed_epochs = 2;
  c.training.growth_epochs = 3;
  c.training.threads = 1;
  return c;
}

}  // namespace

class TestUiRiver : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MoE Growth Lab Tests"));
    QCoreApplication::setApplicationName(QStringLiteral("test_ui_river"));
    QSettings().clear();
    QVERIFY(temp_.isValid());
    QSettings().setValue(QStringLiteral("runs/folder"), temp_.filePath(QStringLiteral("runs")));
  }

  void bandsFillTheHeightAtEveryEpoch() {
    ExpertRiver river;
    feed_story(river);
    QVERIFY(river.refresh());
    QVERIFY(!river.refresh());  // nothing new
    QCOMPARE(river.point_count(), 5);
    QCOMPARE(river.band_count(), 3);
    // The share of the slots, not the utilisation: the same at any k.
    QVERIFY(std::abs(river.share(0, 0) - 0.6) < 1e-6);
    QVERIFY(std::abs(river.share(2, 3) - 0.3) < 1e-6);
    river.resize(640, 320);
    const QRectF plot = river.plot_rect();
    QVERIFY(plot.height() > 100);
    for (int point = 0; point < river.point_count(); ++point) {
      double total = 0;
      double edge = plot.bottom();
      for (int band : river.stack_order()) {
        total += river.share(band, point);
        const ExpertRiver::Edges e = river.edges(band, point);
        QVERIFY(std::abs(e.bottom - edge) < 1e-6);  // each band starts where the one below ends
        QVERIFY(e.top <= e.bottom);
        edge = e.top;
      }
      QVERIFY2(std::abs(total - 1.0) < 1e-6, qPrintable(QString::number(total)));
      QVERIFY(std::abs(edge - plot.top()) < 1e-6);
    }
    // And on screen: no gap of background anywhere inside the river.
    const QImage image = river.grab().toImage();
    for (int point = 0; point < river.point_count(); ++point) {
      const int x = static_cast<int>((river.stretch_start_x(point) + river.point_x(point)) / 2);
      for (int y = static_cast<int>(plot.top()) + 2; y < static_cast<int>(plot.bottom()) - 1; ++y) {
        QVERIFY2(image.pixelColor(x, y) != QColor(Qt::white),
                 qPrintable(QStringLiteral("white at (%1, %2)").arg(x).arg(y)));
      }
    }
  }

  void aChildGrowsOutOfItsParent() {
    ExpertRiver river;
    feed_story(river);
    river.resize(640, 320);
    const int parent = 0;
    const int child = 2;
    QCOMPARE(river.band_expert(child), 2);
    QCOMPARE(river.band_parent(child), parent);
    QCOMPARE(river.band_parent(parent), -1);
    QCOMPARE(river.band_birth_epoch(child), 3);
    // Right above its parent in the stack, although it came last.
    QCOMPARE(position(river, child), position(river, parent) + 1);
    QCOMPARE(river.stack_order().back(), 1);
    // Before the split it is not there; at the split epoch it has no width, at its parent's edge.
    QVERIFY(!river.exists(child, 0) && !river.exists(child, 2));
    const int split_point = 2;  // epoch 3
    QCOMPARE(river.point_epoch(split_point), 3);
    const ExpertRiver::Edges born = river.edges(child, split_point);
    QCOMPARE(born.top, born.bottom);
    QCOMPARE(born.bottom, river.edges(parent, split_point).top);
    // Then it widens, still next to its parent.
    const ExpertRiver::Edges grown = river.edges(child, split_point + 1);
    QVERIFY(grown.bottom - grown.top > 50);
    QCOMPARE(grown.bottom, river.edges(parent, split_point + 1).top);
    const double mid_x = (river.stretch_start_x(3) + river.point_x(3)) / 2;
    const ExpertRiver::Edges half = river.edges_at(child, 3, mid_x);
    QVERIFY(half.bottom - half.top > 0 && half.bottom - half.top < grown.bottom - grown.top);
    // Painted in its own colour as it widens.
    const QImage image = river.grab().toImage();
    const Tally t = tally_stretch(river, image, child, 4);
    QVERIFY2(t.own > 0.95, qPrintable(QString::number(t.own)));
    QVERIFY(river.tooltip_text(child, 3).contains(QStringLiteral("split off e0 after epoch 3")));
  }

  void dormantOnlyOnTheEpochsItWasDormant() {
    // The river trusts the run's list of dormant experts: here e1 is listed on epoch 3 only,
    // with a share wide enough to see.
    ExpertRiver river;
    for (int e = 1; e <= 5; ++e) {
      river.add_epoch(
          make_epoch(e, {1.0f, 1.0f}, e == 3 ? std::vector<int>{1} : std::vector<int>{}));
    }
    river.resize(640, 320);
    const QImage image = river.grab().toImage();
    for (int point = 0; point < river.point_count(); ++point) {
      const bool asleep = river.point_epoch(point) == 3;
      QCOMPARE(river.dormant(1, point), asleep);
      QCOMPARE(river.drawn_dormant(1, point), asleep);
      QVERIFY(!river.drawn_dormant(0, point));
      const Tally sleeper = tally_stretch(river, image, 1, point);
      const Tally other = tally_stretch(river, image, 0, point);
      const QString why = QStringLiteral("epoch %1: e1 %2 own, %3 grey")
                              .arg(river.point_epoch(point))
                              .arg(sleeper.own)
                              .arg(sleeper.grey);
      if (asleep) {
        QVERIFY2(sleeper.grey > 0.6 && sleeper.own < 0.4, qPrintable(why));
        QVERIFY(river.tooltip_text(1, point).contains(QStringLiteral("dormant (under")));
      } else {
        QVERIFY2(sleeper.own > 0.95 && sleeper.grey < 0.05, qPrintable(why));
        QVERIFY(river.tooltip_text(1, point).contains(QStringLiteral("not dormant")));
      }
      QVERIFY(other.own > 0.95);
    }
    // A dormant expert too thin to see leaves a grey thread along its place, on its dormant
    // epochs only (here 2 and 3; the thin epochs 1 and 4 are listed awake).
    ExpertRiver thin;
    for (int e = 1; e <= 4; ++e) {
      thin.add_epoch(make_epoch(e, {1.0f, 0.01f, 0.99f},
                                e == 2 || e == 3 ? std::vector<int>{1} : std::vector<int>{}));
    }
    thin.resize(640, 320);
    const QImage threads = thin.grab().toImage();
    for (int point = 0; point < thin.point_count(); ++point) {
      const bool asleep = thin.dormant(1, point);
      QCOMPARE(asleep, point == 1 || point == 2);
      const double x0 = thin.stretch_start_x(point);
      const double x1 = thin.point_x(point);
      int thread = 0;
      for (double x = x0 + 0.2 * (x1 - x0); x <= x0 + 0.8 * (x1 - x0); x += 1.0) {
        const ExpertRiver::Edges e = thin.edges_at(1, point, x);
        QVERIFY(e.bottom - e.top < 2.0);
        const QColor c = threads.pixelColor(QPointF(x, (e.top + e.bottom) / 2).toPoint());
        if (near_color(c, ExpertPalette::dormant(), 30)) ++thread;
      }
      const QString why =
          QStringLiteral("epoch %1: %2 thread pixels").arg(thin.point_epoch(point)).arg(thread);
      QVERIFY2(asleep ? thread > 5 : thread == 0, qPrintable(why));
    }
  }

  void aPruneEndsABandAndRenumbersTheRest() {
    ExpertRiver river;
    feed_story(river);
    // e1 removed after epoch 5: e2 is e1 now, and its band keeps its history.
    river.add_prune(5, 1);
    river.add_epoch(make_epoch(6, {1.2f, 0.8f}));
    QCOMPARE(river.band_count(), 3);
    QCOMPARE(river.band_expert(1), -1);
    QCOMPARE(river.band_label(1), QStringLiteral("e1"));  // the name it had
    QCOMPARE(river.band_expert(2), 1);
    QCOMPARE(river.band_label(2), QStringLiteral("e1"));
    QVERIFY(std::abs(river.share(2, 5) - 0.4) < 1e-6);  // the new e1's slots reach the old e2
    QVERIFY(std::abs(river.share(2, 4) - 0.3) < 1e-6);  // and its past stays its own
    QVERIFY(river.exists(1, 4));
    QVERIFY(!river.exists(1, 5));
    QCOMPARE(river.share(1, 5), 0.0);
    QVERIFY(river.tooltip_text(1, 4).contains(QStringLiteral("pruned after epoch 5")));
    river.resize(640, 320);
    const ExpertRiver::Edges gone = river.edges(1, 5);
    QCOMPARE(gone.top, gone.bottom);
    // A split after the prune gives the child of the new e1 (band 2) a band right above it.
    river.add_split(split_after(6, 1, 2));
    QCOMPARE(river.band_count(), 4);
    QCOMPARE(river.band_expert(3), 2);
    QCOMPARE(river.band_parent(3), 2);
    QCOMPARE(position(river, 3), position(river, 2) + 1);
    river.add_epoch(make_epoch(7, {1.0f, 0.5f, 0.5f}));
    QVERIFY(std::abs(river.share(3, 6) - 0.25) < 1e-6);
    QVERIFY(std::abs(river.share(0, 6) - 0.5) < 1e-6);
    // The same through the dashboard's prune event.
    ChartPanel panel;
    feed_story(panel);
    panel.add_switch(prune_after(5, 1));
    QCOMPARE(panel.expert_river()->band_expert(1), -1);
    QCOMPARE(panel.expert_river()->band_expert(2), 1);
  }

  void emptyUntilTheFirstEpoch() {
    ExpertRiver river;
    QCOMPARE(river.point_count(), 0);
    QCOMPARE(river.band_count(), 0);
    QVERIFY(!river.empty_text().isEmpty());
    QVERIFY(river.band_at(QPointF(100, 100)) == std::make_pair(-1, -1));
    // An epoch that routed nothing has nothing to stack.
    river.add_epoch(make_epoch(1, {}));
    river.add_epoch(make_epoch(2, {0.0f, 0.0f}));
    QCOMPARE(river.point_count(), 0);
    river.resize(400, 220);
    const QImage image = river.grab().toImage();
    for (int y = 0; y < image.height(); y += 2) {
      for (int x = 0; x < image.width(); x += 2) {
        for (int e = 0; e < 3; ++e) {
          QVERIFY(!near_color(image.pixelColor(x, y), ExpertPalette::color(e), 10));
        }
      }
    }
    feed_story(river);
    QVERIFY(river.empty_text().isEmpty());
    river.clear();
    QCOMPARE(river.point_count(), 0);
    QCOMPARE(river.band_count(), 0);
    QVERIFY(!river.empty_text().isEmpty());
  }

  void theDashboardShowsItFirstOnTheChartsAxis() {
    ChartPanel panel;
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    ExpertRiver* river = panel.expert_river();
    QVERIFY(river);
    QCOMPARE(panel.expert_view(), ChartPanel::ExpertView::River);
    QVERIFY(river->isVisible());
    feed_story(panel);
    panel.flush();
    QCOMPARE(river->point_count(), 5);
    QCOMPARE(river->band_count(), 3);
    // First in reading order: the top-left cell, above and left of the accuracy chart.
    const QPoint river_at = river->mapTo(&panel, QPoint(0, 0));
    const QPoint accuracy_at = panel.accuracy_chart()->mapTo(&panel, QPoint(0, 0));
    QVERIFY(river_at.x() < accuracy_at.x());
    QVERIFY(river_at.y() < accuracy_at.y() + panel.accuracy_chart()->height() / 2);
    // The epoch axis: epoch e's measurement at e / 5 of the plot, the run filling it.
    panel.set_x_axis(moelab::ui::XAxis::Epoch);
    panel.flush();
    const QRectF plot = river->plot_rect();
    for (int point = 0; point < river->point_count(); ++point) {
      const double expected = plot.left() + (point + 1) / 5.0 * plot.width();
      QVERIFY(std::abs(river->point_x(point) - expected) < 0.5);
    }
    // Zoomed on a time chart: the river shows the same range.
    TimeSeriesChart* chart = panel.accuracy_chart();
    const QPointF at =
        chart->mapFromScene(chart->chart()->mapToScene(chart->chart()->plotArea().center()));
    QWheelEvent wheel(at, chart->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 240),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(chart->viewport(), &wheel);
    QVERIFY(!panel.follows());
    panel.flush();
    QCOMPARE(river->x_range().first, chart->x_min());
    QCOMPARE(river->x_range().second, chart->x_max());
    QVERIFY(chart->x_max() - chart->x_min() < 5.0);
    panel.reset_zoom();
    QCOMPARE(river->x_range().second, 5.0);
    // Presentation enlarges it with the accuracy chart and hides the rest.
    const QSize before = river->size();
    panel.set_presentation(true);
    QTest::qWait(20);
    QVERIFY(river->isVisible());
    QVERIFY(panel.accuracy_chart()->isVisible());
    QVERIFY(!panel.loss_chart()->isVisible());
    QVERIFY(river->width() * river->height() > before.width() * before.height());
    panel.set_presentation(false);
    // A new run starts empty.
    panel.reset({});
    QCOMPARE(river->point_count(), 0);
  }

  void aRealRunDrawsTheRiver() {
    MainWindow w;
    w.control_panel()->set_config(short_run());
    w.resize(1024, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto* c = w.controller();
    QSignalSpy finished(c, &moelab::ui::RunController::finished);
    QSignalSpy splits(c, &moelab::ui::RunController::splitReported);
    QSignalSpy epochs(c, &moelab::ui::RunController::epochReported);
    w.run_controls()->start_action()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    w.chart_panel()->flush();
    ExpertRiver* river = w.chart_panel()->expert_river();
    const RunConfig config = short_run();
    QCOMPARE(river->point_count(), config.training.seed_epochs + config.training.growth_epochs);
    QCOMPARE(river->point_count(), epochs.count());
    QCOMPARE(river->band_count(), config.model.initial_experts + static_cast<int>(splits.count()));
    QVERIFY(river->isVisible());
    QVERIFY(river->width() >= ExpertRiver::kMinimumWidth);
    for (int point = 0; point < river->point_count(); ++point) {
      double total = 0;
      for (int band = 0; band < river->band_count(); ++band) total += river->share(band, point);
      QVERIFY(std::abs(total - 1.0) < 1e-5);
    }
    // Drawn: the first expert's colour fills part of the plot.
    const QImage image = river->grab().toImage();
    const QRect plot = river->plot_rect().toRect();
    int first = 0;
    for (int y = plot.top(); y < plot.bottom(); y += 2) {
      for (int x = plot.left(); x < plot.right(); x += 2) {
        if (near_color(image.pixelColor(x, y), ExpertPalette::color(0), 6)) ++first;
      }
    }
    QVERIFY2(first > 50, qPrintable(QString::number(first)));
    // The window still fits a projector.
    QVERIFY(w.minimumSizeHint().height() <= 768);
    QVERIFY2(w.minimumSizeHint().width() <= 1000,
             qPrintable(QString::number(w.minimumSizeHint().width())));
    QCOMPARE(w.size(), QSize(1024, 768));
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiRiver)
#include "test_ui_river.moc"
