// The live charts: throttled redraws, splits and switches as markers and series, x-axis
// re-mapping, follow, zoom and tooltips, and a realistic run rendered. Each chart's own lines and
// axes are in test_ui_chart_contents, smoothing and decimation in test_ui_curve_processing.
// Runs offscreen (QT_QPA_PLATFORM=offscreen).
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTabBar>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtCharts/QLineSeries>
#include <QtTest>
#include <cmath>
#include <vector>

#include "charts/chart_panel.h"
#include "charts/ema_smoother.h"
#include "charts/expert_palette.h"
#include "charts/expert_river.h"
#include "charts/min_max_decimator.h"
#include "charts/routing_heatmap.h"
#include "charts/time_series_chart.h"
#include "charts/utilization_bar_chart.h"
#include "charts/x_clock.h"
#include "training/loss_term_catalog.h"

#include "support/chart_test_feed.h"

using moelab::EpochMetrics;
using moelab::RunConfig;
using moelab::SplitEvent;
using moelab::StepMetrics;
using moelab::SwitchEvent;
using moelab::ui::ChartPanel;
using moelab::ui::TimeSeriesChart;
using moelab::ui::XAxis;

using namespace chart_test;

class TestUiCharts : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void data_reaches_every_chart_after_the_timer();
  void nothing_is_drawn_before_the_timer();
  void split_creates_child_series_and_markers();
  void switch_creates_a_marker_on_every_chart();
  void dormant_experts_are_marked();
  void x_axis_switch_remaps_data();
  void x_axis_switch_remaps();
  void epoch_x_is_fractional_within_an_epoch();
  void burst_of_steps_is_coalesced();
  void idle_panel_does_not_redraw();
  void follow_off_keeps_x_range();
  void wheel_zoom_links_charts_and_stops_following();
  void tooltip_lists_every_line();
  void render_realistic_run();
};

void TestUiCharts::data_reaches_every_chart_after_the_timer() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 3);
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QTRY_VERIFY(chart->line_count() > 0);
    for (int line = 0; line < chart->line_count(); ++line) {
      QTRY_VERIFY2(chart->series_point_count(line) > 0,
                   qPrintable(chart->title() + " / " + chart->line_name(line)));
    }
  }
  QCOMPARE(panel.entropy_chart()->point_count(0), 3 * kStepsPerEpoch / kLogInterval);
  QCOMPARE(panel.utilization_chart()->line_count(), 4);
  QCOMPARE(panel.utilization_chart()->point_count(0), 3);
  QTRY_COMPARE(panel.utilization_bars()->bar_count(), 4);
  QTRY_COMPARE(panel.routing_heatmap()->class_count(), 10);
  QVERIFY(panel.series_point_count() > 0);
}

void TestUiCharts::nothing_is_drawn_before_the_timer() {
  ChartPanel panel;
  panel.reset({});
  QTRY_VERIFY(!panel.redraw_pending());
  panel.add_step(make_step(5));
  // Buffered, not drawn: the series stay empty until the throttle timer fires.
  QCOMPARE(panel.entropy_chart()->point_count(0), 1);
  QCOMPARE(panel.entropy_chart()->series_point_count(0), 0);
  QVERIFY(panel.redraw_pending());
  QTRY_COMPARE(panel.entropy_chart()->series_point_count(0), 1);
}

void TestUiCharts::split_creates_child_series_and_markers() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 2);
  const SplitEvent split{2, 2 * kStepsPerEpoch, 1, 4};
  panel.add_split(split);
  feed_epochs(panel, 3, 4, 5);
  panel.flush();

  TimeSeriesChart* util = panel.utilization_chart();
  const int child = util->find_line("e4");
  QVERIFY(child >= 0);
  QCOMPARE(util->line_count(), 5);
  // Born at the split, branching off its parent's curve, then one point per epoch.
  const QVector<QPointF> points = util->points(child);
  QCOMPARE(points.size(), 3);
  QCOMPARE(points.first().x(), static_cast<double>(split.step));
  QCOMPARE(points.first().y(), util->points(util->find_line("e1"))[1].y());
  QVERIFY(util->series_point_count(child) > 0);
  QCOMPARE(util->line_color(child), moelab::ui::ExpertPalette::color(4));

  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 1);
    QCOMPARE(chart->marker_label(0), QString("split e1 -> e4"));
    QVERIFY(chart->marker_kind(0) == TimeSeriesChart::MarkerKind::Split);
    QCOMPARE(chart->marker_x(0), static_cast<double>(split.step));
  }

  // The same event on the other axes: exactly at the end of epoch 2.
  panel.set_x_axis(XAxis::Epoch);
  panel.flush();
  QCOMPARE(util->points(child).first().x(), 2.0);
  for (TimeSeriesChart* chart : panel.time_charts()) QCOMPARE(chart->marker_x(0), 2.0);
  panel.set_x_axis(XAxis::WallTime);
  panel.flush();
  QCOMPARE(util->points(child).first().x(), make_epoch(2).wall_seconds);
}

void TestUiCharts::switch_creates_a_marker_on_every_chart() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 1);
  panel.add_switch(SwitchEvent{2, 21, "entropy_loss", "off", "on"});
  panel.flush();
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 1);
    QCOMPARE(chart->marker_label(0), QString("Load balancing on"));
    QVERIFY(chart->marker_kind(0) == TimeSeriesChart::MarkerKind::Switch);
    QCOMPARE(chart->marker_x(0), 21.0);
  }
}

void TestUiCharts::dormant_experts_are_marked() {
  ChartPanel panel;
  panel.reset({});
  panel.add_epoch(make_epoch(1, 4, {3}));
  panel.flush();
  TimeSeriesChart* util = panel.utilization_chart();
  const int e3 = util->find_line("e3");
  QVERIFY(util->line_dormant(e3));
  QCOMPARE(util->line_name(e3), QString("e3 (dormant)"));
  QCOMPARE(util->series(e3)->name(), QString("e3 (dormant)"));
  QVERIFY(util->point_dormant(e3, 0));
  QVERIFY(!util->line_dormant(util->find_line("e0")));
  QVERIFY(!util->point_dormant(util->find_line("e0"), 0));
  QCOMPARE(util->reference_count(), 1);  // the 5% threshold
  QVERIFY(panel.utilization_bars()->is_dormant(3));
  QVERIFY(!panel.utilization_bars()->is_dormant(0));

  // Recovered at the next epoch: a plain name, and only the first epoch is marked dormant (an
  // expert is drawn dormant where it was, not over its whole history).
  panel.add_epoch(make_epoch(2, 4, {}));
  panel.flush();
  QVERIFY(!util->line_dormant(e3));
  QCOMPARE(util->line_name(e3), QString("e3"));
  QVERIFY(util->point_dormant(e3, 0));
  QVERIFY(!util->point_dormant(e3, 1));
  QCOMPARE(util->line_pen(e3).style(), Qt::SolidLine);
  panel.add_epoch(make_epoch(3, 4, {3}));
  panel.flush();
  QVERIFY(util->point_dormant(e3, 2));
  QVERIFY(!util->point_dormant(e3, 1));
  QVERIFY(!util->grab().toImage().isNull());
}

void TestUiCharts::x_axis_switch_remaps_data() {
  QTest::addColumn<int>("axis");
  QTest::newRow("epoch") << static_cast<int>(XAxis::Epoch);
  QTest::newRow("wall time") << static_cast<int>(XAxis::WallTime);
  QTest::newRow("step") << static_cast<int>(XAxis::Step);
}

void TestUiCharts::x_axis_switch_remaps() {
  QFETCH(int, axis);
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 3);
  panel.flush();
  const auto mode = static_cast<XAxis>(axis);
  panel.set_x_axis(XAxis::Epoch);  // through another mode first: nothing may get lost
  panel.set_x_axis(mode);
  panel.flush();
  QCOMPARE(panel.x_axis(), mode);

  TimeSeriesChart* entropy = panel.entropy_chart();
  const QVector<QPointF> steps = entropy->points(0);
  QCOMPARE(steps.size(), 3 * kStepsPerEpoch / kLogInterval);
  for (int i = 0; i < steps.size(); ++i) {
    const double step = kLogInterval * (i + 1);
    const double expected = mode == XAxis::Step    ? step
                            : mode == XAxis::Epoch ? step / kStepsPerEpoch
                                                   : 0.1 * step;
    QVERIFY2(qFuzzyCompare(steps[i].x(), expected),
             qPrintable(QString("point %1: %2 != %3").arg(i).arg(steps[i].x()).arg(expected)));
  }
  const QVector<QPointF> val = panel.accuracy_chart()->points(2);
  QCOMPARE(val.size(), 3);
  for (int e = 0; e < 3; ++e) {
    const double expected = mode == XAxis::Step    ? (e + 1) * kStepsPerEpoch
                            : mode == XAxis::Epoch ? e + 1
                                                   : make_epoch(e + 1).wall_seconds;
    QVERIFY(qFuzzyCompare(val[e].x(), expected));
  }
  // The drawn series are in the new unit too.
  QVERIFY(entropy->x_max() >= steps.last().x());
  QVERIFY(entropy->x_max() <= steps.last().x() * 1.15);
}

void TestUiCharts::epoch_x_is_fractional_within_an_epoch() {
  moelab::ui::XClock clock;
  // Before any epoch ended, the length of an epoch is unknown: the epoch's start.
  QCOMPARE(clock.epoch_x({10, 1.0, 1}), 0.0);
  clock.add_epoch_end(1, 20, 2.0);
  QCOMPARE(clock.epoch_x({10, 1.0, 1}), 0.5);
  QCOMPARE(clock.epoch_x({20, 2.0, 1}), 1.0);
  // The running epoch is assumed as long as the last one, and never spills into the next.
  QCOMPARE(clock.epoch_x({25, 2.5, 2}), 1.25);
  QCOMPARE(clock.epoch_x({100, 9.0, 2}), 2.0);
  // Events carry no time: interpolated from the reports around them.
  clock.add_step_time(30, 3.0);
  QCOMPARE(clock.event_stamp(2, 25).wall, 2.5);
}

void TestUiCharts::burst_of_steps_is_coalesced() {
  ChartPanel panel;
  panel.reset({});
  panel.flush();
  const int before = panel.redraw_count();
  for (int s = 1; s <= 10000; ++s) panel.add_step(make_step(s));
  QTRY_VERIFY(panel.redraw_count() > before);
  QTest::qWait(4 * ChartPanel::kRedrawIntervalMs);
  QVERIFY2(panel.redraw_count() - before <= 3,
           qPrintable(QString("%1 redraws").arg(panel.redraw_count() - before)));
  // 10k points, but the series only hold what the plot width can show.
  QCOMPARE(panel.loss_chart()->point_count(0), 10000);
  QVERIFY(panel.loss_chart()->series_point_count(0) <= 2 * 2000 + 2);
  QVERIFY(panel.loss_chart()->series_point_count(0) > 0);
}

void TestUiCharts::idle_panel_does_not_redraw() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 1);
  QTRY_VERIFY(!panel.redraw_pending());
  const int count = panel.redraw_count();
  QTest::qWait(5 * ChartPanel::kRedrawIntervalMs);
  QCOMPARE(panel.redraw_count(), count);
  panel.add_step(make_step(21));
  QTRY_COMPARE(panel.redraw_count(), count + 1);
}

void TestUiCharts::follow_off_keeps_x_range() {
  ChartPanel panel;
  panel.resize(1400, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset({});
  feed_epochs(panel, 1, 2);
  panel.flush();
  QSignalSpy follow_spy(&panel, &ChartPanel::follow_changed);
  panel.set_follow(false);
  QCOMPARE(follow_spy.count(), 1);
  std::vector<std::pair<double, double>> ranges;
  for (TimeSeriesChart* chart : panel.time_charts())
    ranges.emplace_back(chart->x_min(), chart->x_max());

  feed_epochs(panel, 3, 6);
  QTRY_VERIFY(!panel.redraw_pending());
  panel.flush();
  const QList<TimeSeriesChart*> charts = panel.time_charts();
  for (int i = 0; i < charts.size(); ++i) {
    QCOMPARE(charts[i]->x_min(), ranges[static_cast<std::size_t>(i)].first);
    QCOMPARE(charts[i]->x_max(), ranges[static_cast<std::size_t>(i)].second);
    QCOMPARE(charts[i]->point_count(0) > 0, true);
  }
  QCOMPARE(panel.entropy_chart()->point_count(0), 6 * kStepsPerEpoch / kLogInterval);

  // Following again shows everything, and all charts share the newest x.
  panel.set_follow(true);
  panel.flush();
  for (TimeSeriesChart* chart : charts) {
    QVERIFY(chart->x_max() >= 6 * kStepsPerEpoch);
    QCOMPARE(chart->x_max(), charts.first()->x_max());
  }
}

void TestUiCharts::wheel_zoom_links_charts_and_stops_following() {
  ChartPanel panel;
  panel.resize(1400, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset({});
  feed_epochs(panel, 1, 5);
  panel.flush();
  TimeSeriesChart* loss = panel.loss_chart();
  const double span = loss->x_max() - loss->x_min();
  const QRectF plot = loss->chart()->plotArea();
  const QPointF at = loss->mapFromScene(loss->chart()->mapToScene(plot.center()));
  QWheelEvent wheel(at, loss->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(loss->viewport(), &wheel);
  QVERIFY(!panel.follows());
  QVERIFY(loss->x_max() - loss->x_min() < span * 0.9);
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->x_min(), loss->x_min());
    QCOMPARE(chart->x_max(), loss->x_max());
  }
  // Double-click: whole run, following again.
  QTest::mouseDClick(loss->viewport(), Qt::LeftButton, Qt::NoModifier, at.toPoint());
  QVERIFY(panel.follows());
  QVERIFY(loss->x_max() - loss->x_min() >= span * 0.99);
}

void TestUiCharts::tooltip_lists_every_line() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 2);
  panel.flush();
  const QString text = panel.loss_chart()->tooltip_text(20.0);
  QVERIFY2(text.contains("total"), qPrintable(text));
  for (const auto& term : moelab::loss_term_catalog()) {
    QVERIFY2(text.contains(QString::fromStdString(term.label)), qPrintable(text));
  }
  QVERIFY(text.contains("step 20"));
  QVERIFY(text.contains("raw"));  // smoothing is on by default: both values shown
}

void TestUiCharts::render_realistic_run() {
  ChartPanel panel;
  panel.resize(1500, 820);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  panel.reset(digit_names());
  const int steps_per_epoch = 23;
  std::int64_t step = 0;
  double wall = 0;
  int experts = 2;
  std::uint32_t noise_state = 12345;
  auto noise = [&noise_state] {
    noise_state = noise_state * 1664525u + 1013904223u;
    return (static_cast<double>(noise_state >> 8) / 16777216.0) - 0.5;
  };
  for (int epoch = 1; epoch <= 34; ++epoch) {
    const double progress = epoch / 34.0;
    for (int s = 1; s <= steps_per_epoch; ++s) {
      ++step;
      wall += 0.021 + 0.004 * experts;
      if (s % 5 != 0 && s != steps_per_epoch) continue;
      StepMetrics m;
      m.step = step;
      m.epoch = epoch;
      m.wall_seconds = wall;
      const double t = static_cast<double>(step) / (34.0 * steps_per_epoch);
      // The catalog's first term is the task's; the others are regularisers, smaller.
      for (std::size_t i = 0; i < moelab::loss_term_catalog().size(); ++i) {
        const double v = i == 0   ? 0.15 + 2.1 * std::exp(-7.0 * t) + 0.12 * noise()
                         : i == 1 ? (epoch >= 25 ? 0.0 : -0.1) * (0.9 + 0.05 * noise())
                                  : 0.05 * (0.3 + 0.2 * std::exp(-3 * t)) + 0.01 * noise();
        m.loss_terms.push_back(v);
        m.loss_total += v;
      }
      m.usage_entropy =
          std::clamp(0.97 - (epoch >= 25 ? 0.02 * (epoch - 24) : 0.0) + 0.05 * noise(), 0.0, 1.0);
      m.sample_entropy = std::clamp(0.85 - 0.55 * t + 0.06 * noise(), 0.0, 1.0);
      m.train_accuracy = std::clamp(0.97 - 0.85 * std::exp(-7.0 * t) + 0.08 * noise(), 0.0, 1.0);
      panel.add_step(m);
    }
    EpochMetrics e;
    e.epoch = epoch;
    e.step = step;
    wall += 0.15;
    e.wall_seconds = wall;
    e.train_accuracy = std::clamp(0.97 - 0.8 * std::exp(-7.0 * progress), 0.0, 1.0);
    e.val_accuracy = std::clamp(0.94 - 0.8 * std::exp(-7.5 * progress) + 0.01 * noise(), 0.0, 1.0);
    e.experts = experts;
    double entropy = 0, total = 0, peak = 0, squares = 0;
    for (int x = 0; x < experts; ++x) {
      double u = 2.0 / experts * (1.0 + 0.25 * std::sin(x * 1.7 + epoch * 0.3));
      if (x == 2 && epoch >= 27) u = std::max(0.01, 0.3 - 0.06 * (epoch - 26));  // collapses
      u = std::min(1.0, u);
      e.utilization.push_back(static_cast<float>(u));
      if (u < 0.05) e.dormant.push_back(x);
      const double g = u < 0.05 ? 0.0 : 0.02 * u * (1.2 - progress) * (1.0 + 0.1 * noise());
      e.router_task_grad.push_back(static_cast<float>(g));
      squares += g * g;
      total += u;
      peak = std::max(peak, u);
    }
    for (float u : e.utilization) entropy -= u / total * std::log(u / total);
    e.effective_experts = std::exp(entropy);
    e.load_violation = peak / (total / experts) - 1.0;
    e.router_task_grad_norm = std::sqrt(squares);
    for (int c = 0; c < 10; ++c) {
      std::vector<float> row(static_cast<std::size_t>(experts), 0.02f);
      row[static_cast<std::size_t>(c % experts)] = 0.75f;
      row[static_cast<std::size_t>((c * 3 + 1) % experts)] += 0.2f;
      e.routing_matrix.push_back(row);
    }
    panel.add_epoch(e);
    if (epoch == 20) panel.set_seed_accuracy(e.val_accuracy);
    if (epoch == 21 || epoch == 26 || epoch == 31) {
      panel.add_split(SplitEvent{epoch, step, epoch == 26 ? 1 : 0, experts, e.val_accuracy,
                                 e.val_accuracy - 0.004, 0.02});
      ++experts;
    }
    if (epoch == 24) {
      panel.add_switch(SwitchEvent{epoch + 1, step + 1, "entropy_loss", "on", "off"});
    }
  }
  panel.flush();
  QTest::qWait(50);
  const QImage image = panel.grab().toImage();
  QVERIFY(!image.isNull());
  // Not just an image: each visible time chart's curves are in it, in their colours, inside its
  // plot (and the validation curve on the accuracy chart), and the river's bands in theirs.
  const auto pixels_near = [&image](const QRect& area, const QColor& color) {
    int count = 0;
    for (int y = std::max(0, area.top()); y <= std::min(image.height() - 1, area.bottom()); ++y) {
      for (int x = std::max(0, area.left()); x <= std::min(image.width() - 1, area.right()); ++x) {
        const QColor c = image.pixelColor(x, y);
        const int distance = std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                             std::abs(c.blue() - color.blue());
        if (distance < 40) ++count;
      }
    }
    return count;
  };
  for (TimeSeriesChart* chart : panel.time_charts()) {
    if (!chart->isVisible()) continue;
    const QRect plot =
        chart->plot_rect().toRect().translated(chart->viewport()->mapTo(&panel, QPoint(0, 0)));
    int best = 0;
    for (int line = 0; line < chart->line_count(); ++line) {
      best = std::max(best, pixels_near(plot, chart->line_color(line)));
    }
    QVERIFY2(best > 50, qPrintable(chart->title()));
    if (chart == panel.accuracy_chart()) {
      const int validation = chart->find_line(QStringLiteral("validation"));
      QVERIFY(validation >= 0);
      QVERIFY(pixels_near(plot, chart->line_color(validation)) > 50);
    }
  }
  const moelab::ui::ExpertRiver* river = panel.expert_river();
  QVERIFY(river->isVisible());
  const QRect river_plot =
      river->plot_rect().toRect().translated(river->mapTo(&panel, QPoint(0, 0)));
  QVERIFY(pixels_near(river_plot, moelab::ui::ExpertPalette::color(0)) > 500);
  const QString path = QString::fromLocal8Bit(qgetenv("MOELAB_CHARTS_SCREENSHOT"));
  if (!path.isEmpty()) {
    QVERIFY(image.save(path));
    QString error;
    QVERIFY2(panel.export_svg(path + ".svg", &error), qPrintable(error));
    QVERIFY2(panel.export_png(path + ".export.png", &error), qPrintable(error));
    // The SVG read back, to look at what a slide would show.
    QSvgRenderer svg(path + ".svg");
    QImage from_svg(svg.defaultSize(), QImage::Format_ARGB32);
    from_svg.fill(Qt::white);
    QPainter painter(&from_svg);
    svg.render(&painter);
    painter.end();
    QVERIFY(from_svg.save(path + ".svg.png"));
    // A laptop-sized export: what a teacher gets on a 1280 x 720 projector next to the controls.
    QVERIFY(panel.render_image(QSize(960, 600)).save(path + ".small.png"));
    QVERIFY(panel.render_image(QSize(800, 700)).save(path + ".narrow.png"));
    // Twelve experts, two dormant: the legend moves beside the plot, the palette holds.
    ChartPanel twelve;
    twelve.reset(digit_names());
    for (int epoch = 1; epoch <= 6; ++epoch) {
      for (int s = 1; s <= 4; ++s)
        twelve.add_step(make_step((epoch - 1) * kStepsPerEpoch + 5 * s, 12));
      EpochMetrics e = make_epoch(epoch, 12, {3, 7});
      for (int x = 0; x < 12; ++x) {
        if (x != 3 && x != 7) e.utilization[static_cast<std::size_t>(x)] = 0.1f + 0.02f * x;
      }
      twelve.add_epoch(e);
    }
    QVERIFY(twelve.render_image(QSize(1500, 820)).save(path + ".twelve.png"));
    // The same run by epoch, unsmoothed, zoomed into the growth phase.
    panel.set_x_axis(XAxis::Epoch);
    panel.set_smoothing(0.0);
    panel.flush();
    panel.loss_chart()->set_x_range(19.0, 34.5);
    Q_EMIT panel.loss_chart()->x_range_navigated(19.0, 34.5);
    panel.flush();
    QTest::qWait(50);
    QVERIFY(panel.grab().toImage().save(path + ".epoch-zoom.png"));
  }
}

QTEST_MAIN(TestUiCharts)
#include "test_ui_charts.moc"
