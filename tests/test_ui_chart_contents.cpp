// What each live chart shows: the loss chart's lines from the core's loss-term catalog, effective
// experts and load violation on a right axis, the per-expert task gradient, the split details in
// the read-out, export, the narrow layout, the routing heat map, the utilisation bars and reset.
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

class TestUiChartContents : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void loss_chart_has_a_line_per_catalog_term();
  void balance_chart_puts_expert_counts_on_a_right_axis();
  void right_axis_ranges_apart_from_the_left();
  void task_gradient_chart_has_a_line_per_expert_and_the_norm();
  void expert_view_switches_the_shared_cell();
  void split_marker_read_out_shows_its_effect();
  void bar_read_out_names_the_task_gradient();
  void export_png_and_svg();
  void narrow_panel_uses_two_columns();
  void heatmap_paints_and_looks_up_cells();
  void bars_follow_latest_epoch();
  void reset_clears_everything();
};

void TestUiChartContents::loss_chart_has_a_line_per_catalog_term() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 1);
  panel.flush();
  const auto& catalog = moelab::loss_term_catalog();
  TimeSeriesChart* loss = panel.loss_chart();
  // The total, then one line per term, keyed by the term's name and named by its label.
  QCOMPARE(loss->line_count(), static_cast<int>(catalog.size()) + 1);
  QCOMPARE(loss->line_key(0), QString("total"));
  const StepMetrics first = make_step(kLogInterval);
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const int line = loss->find_line(QString::fromStdString(catalog[i].name));
    QVERIFY2(line > 0, catalog[i].name.c_str());
    QCOMPARE(loss->line_name(line), QString::fromStdString(catalog[i].label));
    QCOMPARE(loss->point_count(line), kStepsPerEpoch / kLogInterval);
    // The value at the term's position in the report, not at another term's.
    QCOMPARE(loss->points(line).first().y(), first.loss_terms[i]);
  }
  // A report with fewer terms than the catalog (an older run) fills what it has.
  StepMetrics short_report = make_step(kStepsPerEpoch + kLogInterval);
  short_report.loss_terms.resize(1);
  panel.add_step(short_report);
  QCOMPARE(loss->point_count(1), kStepsPerEpoch / kLogInterval + 1);
}

void TestUiChartContents::balance_chart_puts_expert_counts_on_a_right_axis() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 3, 6);
  panel.flush();
  TimeSeriesChart* balance = panel.entropy_chart();
  QVERIFY(balance->has_right_axis());
  const int effective = balance->find_line("effective_experts");
  const int violation = balance->find_line("load_violation");
  QVERIFY(effective >= 0 && violation >= 0);
  QVERIFY(balance->line_on_right_axis(effective));
  QVERIFY(balance->line_on_right_axis(violation));
  QVERIFY(!balance->line_on_right_axis(balance->find_line("usage_entropy")));
  QCOMPARE(balance->line_name(effective), QString("effective experts"));
  QCOMPARE(balance->line_name(balance->find_line("usage_entropy")), QString("slot-share entropy"));
  QCOMPARE(balance->point_count(effective), 3);
  QCOMPARE(balance->last_value(effective), 6.0);
  QCOMPARE(balance->last_value(violation), 0.3);
  // The normalised entropies keep their fixed [0, 1] axis; six experts need a right axis to 6.
  QCOMPARE(balance->y_max(), 1.05);
  QCOMPARE(balance->right_y_min(), 0.0);
  QVERIFY(balance->right_y_max() >= 6.0);
  QVERIFY(balance->series_point_count(effective) > 0);
}

void TestUiChartContents::right_axis_ranges_apart_from_the_left() {
  TimeSeriesChart chart("t", "left");
  chart.resize(500, 320);
  chart.set_y_range(TimeSeriesChart::YRange::Auto);
  chart.set_right_axis("right", TimeSeriesChart::YRange::AutoFromZero);
  TimeSeriesChart::LineStyle right_style{Qt::red, false, false, Qt::SolidLine, 2.0};
  right_style.right_axis = true;
  const int left = chart.add_line("l", "l", {Qt::blue, false, false, Qt::SolidLine, 2.0});
  const int right = chart.add_line("r", "r", right_style);
  for (int i = 1; i <= 10; ++i) {
    moelab::ui::XStamp at;
    at.step = i;
    chart.append(left, at, 0.5 + 0.01 * i);
    chart.append(right, at, 100.0 * i);
  }
  chart.refresh();
  // Each axis spans its own lines: the small left values are not flattened by the right ones.
  QVERIFY(chart.y_max() < 1.0);
  QVERIFY(chart.y_min() > 0.4);
  QCOMPARE(chart.right_y_min(), 0.0);
  QVERIFY(chart.right_y_max() >= 1000.0);
  // Without a right axis the flag is ignored: the line shares the left axis.
  TimeSeriesChart plain("t", "left");
  const int moved = plain.add_line("r", "r", right_style);
  QVERIFY(!plain.line_on_right_axis(moved));
  QVERIFY(std::isnan(plain.right_y_max()));
}

void TestUiChartContents::task_gradient_chart_has_a_line_per_expert_and_the_norm() {
  ChartPanel panel;
  panel.reset({});
  panel.add_epoch(make_epoch(1, 4));
  panel.add_epoch(make_epoch(2, 4, {3}));
  panel.flush();
  TimeSeriesChart* task = panel.task_gradient_chart();
  QVERIFY(panel.time_charts().contains(task));
  QCOMPARE(task->line_count(), 5);  // e0..e3 and all rows
  const int all = task->find_line("all_rows");
  QVERIFY(all >= 0);
  QCOMPARE(task->line_name(all), QString("all rows"));
  QCOMPARE(task->last_value(all), make_epoch(2, 4, {3}).router_task_grad_norm);
  for (int e = 0; e < 4; ++e) {
    const int line = task->find_line(QString("e%1").arg(e));
    QVERIFY(line >= 0);
    QCOMPARE(task->line_color(line), moelab::ui::ExpertPalette::color(e));
    QCOMPARE(task->point_count(line), 2);
  }
  // The dormant expert: no gradient reaches it, and its line says so the same way as utilisation.
  const int e3 = task->find_line("e3");
  QCOMPARE(task->last_value(e3), 0.0);
  QVERIFY(task->line_dormant(e3));
  QCOMPARE(task->line_name(e3), QString("e3 (dormant)"));
  // A new run starts with the norm line alone.
  panel.reset({});
  QCOMPARE(task->line_count(), 1);
  QCOMPARE(task->point_count(0), 0);
}

void TestUiChartContents::expert_view_switches_the_shared_cell() {
  ChartPanel panel;
  panel.resize(900, 700);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  QSignalSpy changed(&panel, &ChartPanel::expert_view_changed);
  // The river first: the chart a room reads first.
  QCOMPARE(panel.expert_view(), ChartPanel::ExpertView::River);
  QVERIFY(panel.expert_river()->isVisible());
  QVERIFY(!panel.utilization_chart()->isVisible());
  QVERIFY(!panel.task_gradient_chart()->isVisible());
  panel.set_expert_view(ChartPanel::ExpertView::TaskGradient);
  QVERIFY(!panel.expert_river()->isVisible());
  QVERIFY(panel.task_gradient_chart()->isVisible());
  QVERIFY(!panel.utilization_chart()->isVisible());
  QCOMPARE(changed.count(), 1);
  panel.set_expert_view(ChartPanel::ExpertView::TaskGradient);
  QCOMPARE(changed.count(), 1);
  // The tabs over the cell are the user's way to switch.
  auto* tabs = panel.findChild<QTabBar*>();
  QVERIFY(tabs);
  QCOMPARE(tabs->count(), 3);
  QCOMPARE(tabs->currentIndex(), 2);
  tabs->setCurrentIndex(1);
  QCOMPARE(panel.expert_view(), ChartPanel::ExpertView::Utilization);
  QVERIFY(panel.utilization_chart()->isVisible());
  QCOMPARE(changed.count(), 2);
  // Both keep receiving data whichever is shown, and zoom together with the others.
  feed_epochs(panel, 1, 2);
  panel.flush();
  QCOMPARE(panel.utilization_chart()->point_count(0), 2);
  QCOMPARE(panel.task_gradient_chart()->point_count(0), 2);
  QCOMPARE(panel.expert_river()->point_count(), 2);
}

void TestUiChartContents::split_marker_read_out_shows_its_effect() {
  ChartPanel panel;
  panel.reset({});
  feed_epochs(panel, 1, 2);
  panel.add_split(SplitEvent{2, 2 * kStepsPerEpoch, 1, 4, 0.912, 0.905, 0.031});
  feed_epochs(panel, 3, 3, 5);
  panel.flush();
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 1);
    const QString detail = chart->marker_detail(0);
    QVERIFY2(detail.contains("91.2%") && detail.contains("90.5%") && detail.contains("3.1%"),
             qPrintable(detail));
  }
  const QString near = panel.accuracy_chart()->tooltip_text(2.0 * kStepsPerEpoch);
  QVERIFY2(near.contains("90.5%"), qPrintable(near));
  const QString far = panel.accuracy_chart()->tooltip_text(5.0);
  QVERIFY2(!far.contains("90.5%"), qPrintable(far));
}

void TestUiChartContents::bar_read_out_names_the_task_gradient() {
  moelab::ui::UtilizationBarChart bars;
  bars.set_utilization({0.6f, 0.01f}, {1}, 3);
  QVERIFY(bars.tooltip_text(0).contains("top-k"));
  QVERIFY(!bars.tooltip_text(0).contains("gradient"));  // not measured yet
  bars.set_task_gradient({0.02f, 0.0f});
  QVERIFY2(bars.tooltip_text(0).contains("0.02"), qPrintable(bars.tooltip_text(0)));
  QVERIFY2(bars.tooltip_text(1).contains("No task gradient"), qPrintable(bars.tooltip_text(1)));
  QVERIFY(bars.tooltip_text(1).contains("dormant"));
  bars.clear();
  QVERIFY(bars.tooltip_text(0).isEmpty());
}

void TestUiChartContents::export_png_and_svg() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 4);
  panel.add_split(SplitEvent{4, 4 * kStepsPerEpoch, 0, 4});
  panel.set_seed_accuracy(0.5);

  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  QString error;
  const QString png = dir.filePath("dashboard.png");
  QVERIFY2(panel.export_png(png, &error), qPrintable(error));
  QImage image(png);
  QVERIFY(!image.isNull());
  QVERIFY(image.width() >= 1600);
  QVERIFY(QFileInfo(png).size() > 10000);
  // A panel that was never shown still exports a laid-out dashboard; keep it for a look.
  const QString shot = QString::fromLocal8Bit(qgetenv("MOELAB_CHARTS_SCREENSHOT"));
  if (!shot.isEmpty()) {
    QFile::remove(shot + ".hidden-export.png");
    QFile::copy(png, shot + ".hidden-export.png");
  }

  const QString svg = dir.filePath("dashboard.svg");
  QVERIFY2(panel.export_svg(svg, &error), qPrintable(error));
  QFile file(svg);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QByteArray bytes = file.readAll();
  QVERIFY(bytes.size() > 10000);
  QVERIFY(bytes.contains("<svg"));
  QSvgRenderer renderer(bytes);
  QVERIFY(renderer.isValid());
  QVERIFY(renderer.defaultSize().width() >= 1600);

  // A path that cannot be written gives a sentence, not a crash.
  QVERIFY(!panel.export_png(dir.filePath("missing/dir/x.png"), &error));
  QVERIFY(!error.isEmpty());

  const QImage small = panel.render_image(QSize(900, 600));
  QCOMPARE(small.size(), QSize(900, 600));
}

void TestUiChartContents::narrow_panel_uses_two_columns() {
  ChartPanel panel;
  panel.resize(1500, 800);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  QVERIFY(panel.wide_layout());
  // The "now" charts sit right of the time charts...
  const QWidget* util = panel.utilization_chart();
  QVERIFY(panel.utilization_bars()->mapTo(&panel, QPoint(0, 0)).x() >
          util->mapTo(&panel, QPoint(util->width(), 0)).x());
  panel.resize(850, 700);
  QTRY_VERIFY(!panel.wide_layout());
  // ...or under them.
  QTRY_VERIFY(panel.utilization_bars()->geometry().top() > panel.loss_chart()->geometry().bottom());
  QVERIFY(panel.loss_chart()->width() > 350);
  // An export as large as a slide gets the wide layout whatever the window does.
  QVERIFY(!panel.render_image(QSize(1600, 900)).isNull());
  QVERIFY(!panel.wide_layout());
}

void TestUiChartContents::heatmap_paints_and_looks_up_cells() {
  moelab::ui::RoutingHeatmap map;
  QStringList names;
  for (int c = 0; c < 10; ++c) names << QString("class %1").arg(c);
  map.set_class_names(names);
  std::vector<std::vector<float>> matrix(10, std::vector<float>(5, 0.0f));
  for (int c = 0; c < 10; ++c) {
    for (int e = 0; e < 5; ++e) matrix[c][e] = static_cast<float>((c * 5 + e) / 49.0);
  }
  map.set_matrix(matrix, 7);
  map.set_dormant({2});
  map.resize(500, 400);
  const QPixmap pixels = map.grab();
  QVERIFY(!pixels.isNull());
  QCOMPARE(map.class_count(), 10);
  QCOMPARE(map.expert_count(), 5);
  QCOMPARE(map.value_at(3, 4), static_cast<double>(matrix[3][4]));
  QCOMPARE(map.value_at(9, 0), static_cast<double>(matrix[9][0]));
  QVERIFY(std::isnan(map.value_at(10, 0)));
  QVERIFY(std::isnan(map.value_at(0, 5)));
  QVERIFY(std::isnan(map.value_at(-1, 0)));
  QCOMPARE(map.cell_at(map.cell_rect(3, 4).center()), QPoint(4, 3));
  QCOMPARE(map.cell_at(QPointF(1, 1)), QPoint(-1, -1));
  QVERIFY(map.shows_values());
  // The brightest cell is the highest value (viridis ends in yellow).
  const QImage image = pixels.toImage();
  const QColor low = image.pixelColor(map.cell_rect(0, 0).topLeft().toPoint() + QPoint(2, 2));
  const QColor high = image.pixelColor(map.cell_rect(9, 4).topLeft().toPoint() + QPoint(2, 2));
  QVERIFY(high.lightness() > low.lightness());
  QVERIFY(map.minimumSizeHint().width() > 0 && map.minimumSizeHint().height() > 0);

  // At k = 2 no cell can exceed 50%: the scale tops out there, and a 50% cell takes the top
  // colour that a 100% cell took at k = 1.
  QCOMPARE(map.scale_max(), 1.0);
  std::vector<std::vector<float>> halves(10, std::vector<float>(5, 0.1f));
  halves[0][0] = 0.5f;
  map.set_matrix(halves, 8);
  map.set_top_k(2);
  QCOMPARE(map.scale_max(), 0.5);
  QVERIFY(map.caption().contains(QStringLiteral("top-2")));
  const QColor top_at_k2 =
      map.grab().toImage().pixelColor(map.cell_rect(0, 0).topLeft().toPoint() + QPoint(2, 2));
  QCOMPARE(top_at_k2, high);
  ChartPanel panel;
  RunConfig config;
  config.model.top_k = 1;
  panel.configure(config);
  QCOMPARE(panel.routing_heatmap()->scale_max(), 1.0);
  config.model.top_k = 4;
  panel.configure(config);
  QCOMPARE(panel.routing_heatmap()->scale_max(), 0.25);
}

void TestUiChartContents::bars_follow_latest_epoch() {
  ChartPanel panel;
  panel.reset({});
  panel.add_epoch(make_epoch(1, 3));
  panel.add_epoch(make_epoch(2, 5, {4}));
  panel.flush();
  auto* bars = panel.utilization_bars();
  QCOMPARE(bars->bar_count(), 5);
  QCOMPARE(bars->epoch(), 2);
  QCOMPARE(bars->value(0), static_cast<double>(0.4f));
  QVERIFY(bars->is_dormant(4));
  QCOMPARE(bars->dormant_threshold(), 0.05);
  bars->resize(400, 300);
  QVERIFY(!bars->grab().isNull());
  QVERIFY(bars->bar_rect(0).height() > bars->bar_rect(4).height());
}

void TestUiChartContents::reset_clears_everything() {
  ChartPanel panel;
  panel.reset(digit_names());
  feed_epochs(panel, 1, 3);
  panel.add_split(SplitEvent{3, 60, 0, 4});
  panel.set_seed_accuracy(0.4);
  panel.set_smoothing(0.8);
  panel.set_x_axis(XAxis::Epoch);
  panel.flush();
  panel.reset({"a", "b"});
  panel.flush();
  for (TimeSeriesChart* chart : panel.time_charts()) {
    QCOMPARE(chart->marker_count(), 0);
    for (int line = 0; line < chart->line_count(); ++line) QCOMPARE(chart->point_count(line), 0);
  }
  QCOMPARE(panel.utilization_chart()->line_count(), 0);
  QCOMPARE(panel.accuracy_chart()->reference_count(), 0);
  QCOMPARE(panel.series_point_count(), 0);
  QCOMPARE(panel.utilization_bars()->bar_count(), 0);
  QCOMPARE(panel.routing_heatmap()->class_count(), 0);
  // View settings are the user's and survive a new run.
  QCOMPARE(panel.smoothing(), 0.8);
  QCOMPARE(panel.x_axis(), XAxis::Epoch);
}

// A run shaped like a real one (seed phase, three splits, a collapse, a switch change), rendered
// to the file named by MOELAB_CHARTS_SCREENSHOT so a person can look at it.

QTEST_MAIN(TestUiChartContents)
#include "test_ui_chart_contents.moc"
