// Each chart on its own: a double-click on its title maximises its cell (the others hidden, the
// chart larger) and another gives the dashboard back; a double-click on the plot still resets
// the zoom; a chart exports alone to PNG, SVG and (a time chart) CSV, and a wrong suffix or an
// unwritable folder is refused with a sentence and no file. Runs offscreen.

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/chart_cell_controls.h"
#include "charts/chart_grid.h"
#include "charts/chart_panel.h"
#include "charts/expert_river.h"
#include "charts/routing_heatmap.h"
#include "charts/time_series_chart.h"

using moelab::EpochMetrics;
using moelab::ui::ChartCellControls;
using moelab::ui::ChartGrid;
using moelab::ui::ChartPanel;
using moelab::ui::TimeSeriesChart;

namespace {

void feed(ChartPanel& panel, int epochs) {
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    EpochMetrics m;
    m.epoch = epoch;
    m.step = epoch * 10;
    m.wall_seconds = 0.1 * epoch;
    m.val_accuracy = 0.5 + 0.01 * epoch;
    m.train_accuracy = 0.5;
    m.experts = 2;
    m.utilization = {1.2f, 0.8f};
    m.router_task_grad = {0.1f, 0.1f};
    m.routing_matrix.assign(10, std::vector<float>{0.6f, 0.4f});
    panel.add_epoch(m);
  }
  panel.flush();
}

void double_click_at(QWidget* chart, double y) {
  auto* view = qobject_cast<QAbstractScrollArea*>(chart);
  QWidget* target = view ? view->viewport() : chart;
  QTest::mouseDClick(target, Qt::LeftButton, {}, QPoint(target->width() / 2, static_cast<int>(y)));
  QCoreApplication::processEvents();
}

}  // namespace

class TestUiChartCells : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void doubleClickOnTheTitleMaximisesAndRestores() {
    ChartPanel panel;
    panel.resize(1300, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.reset({});
    feed(panel, 5);
    ChartGrid* grid = panel.grid();
    const ChartGrid::Arrangement before = grid->arrangement();
    TimeSeriesChart* accuracy = panel.accuracy_chart();
    const QSize small = accuracy->size();

    double_click_at(accuracy, 5);
    QCOMPARE(grid->maximised(), static_cast<QWidget*>(accuracy));
    QVERIFY(grid->arrangement() == ChartGrid::Arrangement::Single);
    QTRY_VERIFY(accuracy->width() > small.width() && accuracy->height() > small.height());
    QVERIFY(!panel.loss_chart()->isVisible());
    QVERIFY(!panel.routing_heatmap()->isVisible());

    double_click_at(accuracy, 5);
    QVERIFY(!grid->maximised());
    QVERIFY(grid->arrangement() == before);
    QVERIFY(panel.loss_chart()->isVisible());
    QVERIFY(panel.routing_heatmap()->isVisible());

    // The plot's double-click is still the zoom's reset, not a maximise.
    accuracy->set_x_range(1, 2);
    double_click_at(accuracy, accuracy->height() / 2.0);
    QVERIFY(!grid->maximised());
    QVERIFY(accuracy->follows());

    // The river maximises the cell it shares with the per-expert tabs.
    double_click_at(panel.expert_river(), 5);
    QVERIFY(grid->maximised() != nullptr);
    QVERIFY(grid->maximised()->isAncestorOf(panel.expert_river()));
    panel.cell_controls()->toggle_maximised(grid->maximised());
    QVERIFY(!grid->maximised());
  }

  void aChartExportsAlone() {
    ChartPanel panel;
    panel.resize(1300, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.reset({});
    feed(panel, 6);
    QTemporaryDir dir;
    TimeSeriesChart* accuracy = panel.accuracy_chart();
    QString error;

    const QString png = dir.filePath(QStringLiteral("accuracy.png"));
    QVERIFY2(ChartCellControls::export_chart(accuracy, accuracy, png, &error), qPrintable(error));
    const QImage image(png);
    QCOMPARE(image.size(), accuracy->size() * 2);

    const QString svg = dir.filePath(QStringLiteral("accuracy.svg"));
    QVERIFY2(ChartCellControls::export_chart(accuracy, accuracy, svg, &error), qPrintable(error));
    QFile svg_file(svg);
    QVERIFY(svg_file.open(QIODevice::ReadOnly));
    QVERIFY(svg_file.readAll().contains("<svg"));

    const QString csv = dir.filePath(QStringLiteral("accuracy.csv"));
    QVERIFY2(ChartCellControls::export_chart(accuracy, accuracy, csv, &error), qPrintable(error));
    QFile csv_file(csv);
    QVERIFY(csv_file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList rows = QString::fromUtf8(csv_file.readAll()).trimmed().split('\n');
    QVERIFY2(rows.front().startsWith(QStringLiteral("series,\"step\",value")),
             qPrintable(rows.front()));
    int points = 0;
    for (int line = 0; line < accuracy->line_count(); ++line) {
      points += static_cast<int>(accuracy->points(line).size());
    }
    QVERIFY(points >= 12);  // train and validation, six epochs each
    QCOMPARE(rows.size() - 1, points);

    // The heat map has no curves: PNG yes, CSV refused.
    const QString heat_png = dir.filePath(QStringLiteral("routing.png"));
    QVERIFY(ChartCellControls::export_chart(panel.routing_heatmap(), nullptr, heat_png, &error));
    QVERIFY(!ChartCellControls::export_chart(panel.routing_heatmap(), nullptr,
                                             dir.filePath(QStringLiteral("routing.csv")), &error));
    QVERIFY(error.contains(QStringLiteral(".png or .svg")));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("routing.csv"))));
    QVERIFY(!ChartCellControls::export_chart(accuracy, accuracy,
                                             dir.filePath(QStringLiteral("accuracy.jpg")), &error));
    QVERIFY(!ChartCellControls::export_chart(
        accuracy, accuracy, dir.filePath(QStringLiteral("missing/folder/accuracy.png")), &error));
    QVERIFY(error.contains(QStringLiteral("Could not write")));
  }
};

QTEST_MAIN(TestUiChartCells)
#include "test_ui_chart_cells.moc"
