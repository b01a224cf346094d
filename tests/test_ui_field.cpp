// Growth by pattern in the window: the field's strip under the per-expert chart. What it draws
// (a cell per expert and growth epoch in the colour of its u, the crossing outlined, the split
// marked, the seed phase and unborn experts left empty), how it follows experts that are born by
// a split and removed by a prune, the waiting message, when the dashboard shows it, that its
// columns sit under the same epochs of the chart above (also zoomed), and a real run grown by the
// field in the window. Runs offscreen (QT_QPA_PLATFORM=offscreen).

#include <QApplication>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>
#include <cmath>
#include <memory>
#include <vector>

#include "charts/chart_panel.h"
#include "charts/chart_style.h"
#include "charts/expert_river.h"
#include "charts/field_heatmap.h"
#include "charts/time_series_chart.h"
#include "charts/viridis_color_map.h"
#include "control_panel.h"
#include "discard_question.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_controls.h"
#include "support/ui_test_setup.h"

using moelab::EpochMetrics;
using moelab::Phase;
using moelab::RunConfig;
using moelab::SplitEvent;
using moelab::SwitchEvent;
using moelab::ui::ChartPanel;
using moelab::ui::ExpertRiver;
using moelab::ui::FieldHeatmap;
using moelab::ui::MainWindow;
using moelab::ui::TimeSeriesChart;

namespace {

constexpr int kStepsPerEpoch = 20;
constexpr int kSeedEpochs = 2;
constexpr double kThreshold = 1.5;

// An epoch as the trainer reports it; `u` empty in the seed phase (no field there).
EpochMetrics make_epoch(int epoch, std::vector<double> u) {
  EpochMetrics m;
  m.epoch = epoch;
  m.phase = epoch <= kSeedEpochs ? Phase::Seed : Phase::Growth;
  m.step = static_cast<std::int64_t>(epoch) * kStepsPerEpoch;
  m.wall_seconds = 0.1 * static_cast<double>(m.step);
  m.experts = static_cast<int>(std::max<std::size_t>(u.size(), 2));
  m.utilization.assign(static_cast<std::size_t>(m.experts), 0.5f);
  m.router_task_grad.assign(static_cast<std::size_t>(m.experts), 0.01f);
  m.val_accuracy = 0.5;
  m.field_v.assign(u.size(), 0.9);
  m.field_u = std::move(u);
  m.field_threshold = m.field_u.empty() ? 0.0 : kThreshold;
  return m;
}

SplitEvent split_after(int epoch, int parent, int child) {
  return SplitEvent{epoch, static_cast<std::int64_t>(epoch) * kStepsPerEpoch, parent, child};
}

SwitchEvent prune_after(int epoch, int expert) {
  return SwitchEvent{epoch, static_cast<std::int64_t>(epoch) * kStepsPerEpoch, moelab::kPruneEvent,
                     std::to_string(expert), "removed"};
}

// The story the tests feed: two seed epochs without a field, then three experts whose u rises
// on e1 until it crosses the threshold after epoch 4 and splits it (e3 is born), then one more
// epoch with four experts.
template <typename Sink>
void feed_story(Sink& sink) {
  sink.add_epoch(make_epoch(1, {}));
  sink.add_epoch(make_epoch(2, {}));
  sink.add_epoch(make_epoch(3, {0.9, 1.2, 0.4}));
  sink.add_epoch(make_epoch(4, {0.8, 1.7, 0.3}));
  sink.add_split(split_after(4, 1, 3));
  sink.add_epoch(make_epoch(5, {0.8, 1.1, 0.2, 1.1}));
}

QColor pixel(const QImage& image, QPointF at) { return image.pixelColor(at.toPoint()); }

bool near_color(const QColor& a, const QColor& b, int tolerance = 3) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}

// The x pixel, in global coordinates, at which `chart` draws x value `x`, held to its plot area.
double global_pixel(const TimeSeriesChart* chart, double x) {
  const QRectF plot = chart->plot_rect();
  const double px =
      plot.left() + (x - chart->x_min()) / (chart->x_max() - chart->x_min()) * plot.width();
  return chart->viewport()->mapToGlobal(QPointF(std::clamp(px, plot.left(), plot.right()), 0)).x();
}

RunConfig field_config() {
  RunConfig c;  // embedded digits
  c.training.seed_epochs = 2;
  c.training.growth_epochs = 4;
  c.training.threads = 1;
  c.training.growth = moelab::Growth::Schnakenberg;
  // Four experts at k = 1: loads differ from the fair share, so the field has a source.
  c.model.initial_experts = 4;
  c.model.top_k = 1;
  return c;
}

}  // namespace

class TestUiField : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_field");
    QVERIFY(temp_.isValid());
    keep_runs_in(temp_);
  }

  void cellsHoldUAndTheCrossingIsMarked() {
    FieldHeatmap map;
    feed_story(map);
    QVERIFY(map.refresh());
    QVERIFY(!map.refresh());  // nothing new
    // A column per growth epoch, a row per expert that ever lived.
    QCOMPARE(map.column_count(), 3);
    QCOMPARE(map.column_epoch(0), 3);
    QCOMPARE(map.row_count(), 4);
    QCOMPARE(map.value_at(1, 1), 1.7);
    QCOMPARE(map.value_at(3, 2), 1.1);
    QVERIFY(std::isnan(map.value_at(3, 1)));  // e3 not born yet
    QVERIFY(std::isnan(map.value_at(4, 0)));
    QCOMPARE(map.threshold(), kThreshold);
    QVERIFY(map.is_crossing(1, 1));
    QVERIFY(map.is_split(1, 1));
    QCOMPARE(map.crossing_count(), 1);
    QCOMPARE(map.split_count(), 1);
    QVERIFY(map.empty_text().isEmpty());
    // The colours span what is shown and the threshold.
    QCOMPARE(map.color_min(), 0.2);
    QCOMPARE(map.color_max(), 1.7);
    QVERIFY2(map.tooltip_text(1, 1).contains(QStringLiteral("it split")),
             qPrintable(map.tooltip_text(1, 1)));
    QVERIFY(map.tooltip_text(3, 0).isEmpty());

    map.resize(600, 200);
    const QImage image = map.grab().toImage();
    // Columns side by side, in epoch order, after the seed phase's empty span.
    for (int c = 1; c < map.column_count(); ++c) {
      QCOMPARE(map.cell_rect(0, c).left(), map.cell_rect(0, c - 1).right());
    }
    QVERIFY(map.cell_rect(0, 0).left() > map.cell_rect(0, 0).width());
    const QPointF seed_phase(map.cell_rect(0, 0).left() / 2 + 10, map.cell_rect(0, 0).top() + 2);
    QVERIFY(map.cell_at(seed_phase).x() < 0);
    QCOMPARE(map.cell_at(map.cell_rect(2, 1).center()), QPoint(1, 2));
    // A plain cell is painted in the viridis colour of its u on the strip's scale.
    const QRectF plain = map.cell_rect(0, 0);
    const double t = (0.9 - map.color_min()) / (map.color_max() - map.color_min());
    QVERIFY(near_color(pixel(image, plain.center()), moelab::ui::ViridisColorMap::at(t)));
    // The crossing's outline and its split diamond are in the split markers' colour.
    const QRectF crossed = map.cell_rect(1, 1);
    const QColor mark = moelab::ui::ChartStyle::split_marker();
    QVERIFY(near_color(pixel(image, QPointF(crossed.center().x(), crossed.top() + 1.0)), mark));
    QVERIFY(near_color(pixel(image, crossed.center()), mark));
    // An unborn expert's cell stays the background.
    const QRectF unborn(map.cell_rect(0, 1).left(), map.cell_rect(3, 2).top(),
                        map.cell_rect(0, 1).width(), map.cell_rect(3, 2).height());
    QVERIFY(near_color(pixel(image, unborn.center()), moelab::ui::ChartStyle::background()));
  }

  void waitsForTheGrowthPhase() {
    FieldHeatmap map;
    QVERIFY(!map.empty_text().isEmpty());
    map.add_epoch(make_epoch(1, {}));
    map.add_epoch(make_epoch(2, {}));
    QCOMPARE(map.column_count(), 0);
    QCOMPARE(map.row_count(), 0);
    QVERIFY(!map.empty_text().isEmpty());
    map.resize(400, 150);
    const QImage image = map.grab().toImage();
    // Nothing is painted in viridis: no cell, no colour bar.
    for (int y = 0; y < image.height(); y += 3) {
      for (int x = 0; x < image.width(); x += 3) {
        QVERIFY(!near_color(image.pixelColor(x, y), moelab::ui::ViridisColorMap::at(0.0), 8));
      }
    }
    map.add_epoch(make_epoch(3, {1.0, 1.0}));
    QCOMPARE(map.column_count(), 1);
    QVERIFY(map.empty_text().isEmpty());
    map.clear();
    QCOMPARE(map.column_count(), 0);
    QCOMPARE(map.row_count(), 0);
  }

  void aPruneEndsARowAndRenumbersTheRest() {
    FieldHeatmap map;
    feed_story(map);
    // e1 removed: the old e2 and e3 are e1 and e2 now, and their rows keep their history.
    map.add_prune(5, 1);
    map.add_epoch(make_epoch(6, {0.7, 0.25, 1.3}));
    QCOMPARE(map.row_count(), 4);
    QCOMPARE(map.row_expert(1), -1);
    QCOMPARE(map.row_label(1), QStringLiteral("e1"));  // the name it had
    QCOMPARE(map.row_expert(2), 1);
    QCOMPARE(map.row_expert(3), 2);
    QCOMPARE(map.row_label(3), QStringLiteral("e2"));
    QCOMPARE(map.value_at(2, 3), 0.25);
    QCOMPARE(map.value_at(3, 3), 1.3);
    QVERIFY(std::isnan(map.value_at(1, 3)));
    QCOMPARE(map.value_at(1, 1), 1.7);  // its past stays
    QVERIFY(map.tooltip_text(1, 1).contains(QStringLiteral("pruned")));
    // A split after the prune appends the child's row under its new index.
    map.add_split(split_after(6, 2, 3));
    QCOMPARE(map.row_count(), 5);
    QCOMPARE(map.row_expert(4), 3);
    QVERIFY(map.is_split(3, 3));
  }

  void dashboardShowsTheStripForFieldRunsOnly() {
    ChartPanel panel;
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    FieldHeatmap* field = panel.field_heatmap();
    QVERIFY(field);
    // A run that grows by the heuristic reports no field: no strip.
    for (int e = 1; e <= 4; ++e) panel.add_epoch(make_epoch(e, {}));
    panel.flush();
    QVERIFY(!panel.shows_field());
    QVERIFY(!field->isVisible());
    // Told the run grows by the field, the strip waits for the growth phase.
    panel.reset({});
    panel.set_growth_by_field(true);
    panel.flush();
    QVERIFY(field->isVisible());
    QVERIFY(!field->empty_text().isEmpty());
    panel.set_growth_by_field(false);
    QVERIFY(!field->isVisible());
    // An epoch that carries a field shows it whatever it was told.
    panel.reset({});
    feed_story(panel);
    panel.add_switch(prune_after(5, 0));
    panel.flush();
    QVERIFY(panel.shows_field());
    QCOMPARE(field->column_count(), 3);
    QCOMPARE(field->row_count(), 4);
    QCOMPARE(field->split_count(), 1);
    QCOMPARE(field->row_expert(0), -1);  // the prune reached it
    QCOMPARE(field->row_expert(1), 0);
    // Under the tabs of the per-expert cell, shown at once with its first tab, the river.
    QVERIFY(panel.expert_river()->isVisible());
    QVERIFY(field->geometry().top() >=
            panel.utilization_chart()->parentWidget()->geometry().bottom());
    panel.reset({});
    QCOMPARE(field->column_count(), 0);
  }

  void columnsSitUnderTheChartsEpochs() {
    ChartPanel panel;
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.reset({});
    panel.set_growth_by_field(true);
    feed_story(panel);
    panel.flush();
    QTest::qWait(20);
    panel.flush();
    FieldHeatmap* field = panel.field_heatmap();
    const auto check = [&](const char* when) {
      int shown = 0;
      // The river, the default tab: a column ends where the river's epoch ends.
      const ExpertRiver* river = panel.expert_river();
      if (river->isVisible()) {
        ++shown;
        const QRectF plot = river->plot_rect();
        for (int c = 0; c < field->column_count(); ++c) {
          const QRectF cell = field->cell_rect(0, c);
          if (cell.isEmpty()) continue;
          const double x = std::clamp(river->point_x(c + kSeedEpochs), plot.left(), plot.right());
          const double end = river->mapToGlobal(QPointF(x, 0)).x();
          const double right = field->mapToGlobal(cell.topRight()).x();
          QVERIFY2(std::abs(right - end) <= 1.0,
                   qPrintable(QStringLiteral("%1: column %2 ends at %3, the river's epoch at %4")
                                  .arg(QLatin1String(when))
                                  .arg(c)
                                  .arg(right)
                                  .arg(end)));
        }
      }
      for (TimeSeriesChart* chart : {panel.utilization_chart(), panel.task_gradient_chart()}) {
        if (!chart->isVisible()) continue;
        ++shown;
        for (int c = 0; c < field->column_count(); ++c) {
          const QRectF cell = field->cell_rect(0, c);
          if (cell.isEmpty()) continue;
          // The column ends where the chart draws its epoch's point (or at the plot's edge when
          // that point is out of view).
          const double end = global_pixel(chart, chart->points(0)[c + kSeedEpochs].x());
          const double right = field->mapToGlobal(cell.topRight()).x();
          QVERIFY2(std::abs(right - end) <= 1.0,
                   qPrintable(QStringLiteral("%1: column %2 ends at %3, the chart's epoch at %4")
                                  .arg(QLatin1String(when))
                                  .arg(c)
                                  .arg(right)
                                  .arg(end)));
        }
      }
      QCOMPARE(shown, 1);
    };
    check("following");
    panel.set_x_axis(moelab::ui::XAxis::Epoch);
    panel.flush();
    check("epoch axis");
    panel.set_expert_view(ChartPanel::ExpertView::Utilization);
    panel.flush();
    QTest::qWait(20);
    panel.flush();
    check("utilisation tab");
    panel.set_expert_view(ChartPanel::ExpertView::TaskGradient);
    panel.flush();
    QTest::qWait(20);
    panel.flush();
    check("task gradient tab");
    // Zoomed in on the chart: the strip shows the same range.
    TimeSeriesChart* chart = panel.task_gradient_chart();
    const QPointF at =
        chart->mapFromScene(chart->chart()->mapToScene(chart->chart()->plotArea().center()));
    QWheelEvent wheel(at, chart->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 240),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(chart->viewport(), &wheel);
    QVERIFY(!panel.follows());
    check("zoomed");
    // The last epoch is out of view: its column is cut at the plot's right edge.
    const QRectF shown = chart->plot_rect();
    const double epoch_end = chart->points(0).back().x();
    QVERIFY(epoch_end > chart->x_max());
    const QRectF last = field->cell_rect(0, field->column_count() - 1);
    QVERIFY(!last.isEmpty());
    QVERIFY(std::abs(field->mapToGlobal(last.topRight()).x() -
                     chart->viewport()->mapToGlobal(shown.topRight()).x()) <= 1.0);
  }

  void aRunGrownByTheFieldFillsTheStrip() {
    MainWindow w;
    w.control_panel()->set_config(field_config());
    w.resize(1024, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto* c = w.controller();
    QSignalSpy finished(c, &moelab::ui::RunController::finished);
    QSignalSpy splits(c, &moelab::ui::RunController::splitReported);
    w.run_controls()->start_action()->trigger();
    QTRY_VERIFY(w.chart_panel()->shows_field());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    w.chart_panel()->flush();
    FieldHeatmap* field = w.chart_panel()->field_heatmap();
    QCOMPARE(field->column_count(), field_config().training.growth_epochs);
    QCOMPARE(field->split_count(), splits.count());
    QCOMPARE(field->row_count(), 4 + splits.count());
    QVERIFY(field->isVisible());
    // The strip fits a projector with the rest of the window.
    QVERIFY(w.minimumSizeHint().height() <= 768);
    QVERIFY2(w.minimumSizeHint().width() <= 1000,
             qPrintable(QString::number(w.minimumSizeHint().width())));
    QCOMPARE(w.size(), QSize(1024, 768));  // it did not grow the window when it appeared
    // A heuristic run after it hides the strip (Start clears the finished run without asking).
    QSettings().setValue(QString::fromLatin1(moelab::ui::DiscardQuestion::kSettingsKey), false);
    RunConfig heuristic = field_config();
    heuristic.training.growth = moelab::Growth::Heuristic;
    w.control_panel()->set_config(heuristic);
    w.run_controls()->start_action()->trigger();
    QTRY_VERIFY(!w.chart_panel()->shows_field());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiField)
#include "test_ui_field.moc"
