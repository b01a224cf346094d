// The comparison window's charts, offscreen, on synthetic runs (16 arms x 3 seeds x 12 epochs, no
// training): the wheel zooms the x axis of every chart around the cursor in whole epochs, new data
// and a change of layout keep the zoom, a double-click (or the menu's Reset zoom) gives the whole
// run back; a drag pans, inside the data; hovering an epoch draws the guide there and a read-out
// whose rows are band()'s mean, min-max and seeds for every arm; a chart exports as a PNG of twice
// its size, a valid SVG and a CSV whose rows are band(); an unwritable path or an unknown suffix
// fails with a message and writes nothing.

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QGraphicsLineItem>
#include <QGraphicsScene>
#include <QImage>
#include <QMenu>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QXmlStreamReader>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>
#include <QtTest>
#include <cmath>
#include <memory>

#include "comparison/comparison_chart_export.h"
#include "comparison/comparison_chart_view.h"
#include "comparison/comparison_charts.h"
#include "comparison/comparison_readout.h"
#include "comparison/comparison_window.h"

using moelab::ui::ComparisonCharts;
using moelab::ui::ComparisonChartView;
using moelab::ui::ComparisonReadout;
using moelab::ui::ComparisonWindow;

namespace {

constexpr int kArms = 16;
constexpr int kSeeds = 3;
constexpr int kEpochs = 12;

// Arm names as a sweep writes them; one with a comma and quotes, for the CSV's quoting.
QString arm_name(int a) {
  return a == 1 ? QStringLiteral("PCE+note=\"a, b\"") : QStringLiteral("arm %1").arg(a);
}

moelab::EpochMetrics metrics(int arm, int seed, int epoch) {
  moelab::EpochMetrics m;
  m.epoch = epoch;
  m.val_accuracy = 0.5 + 0.02 * epoch + 0.01 * arm + 0.003 * seed;
  m.experts = 2 + epoch / 4 + seed % 2;
  m.usage_entropy = 0.9 - 0.01 * arm;
  m.effective_experts = 1.5 + 0.1 * epoch;
  m.load_violation = 0.2 * seed;
  m.expert_similarity = 0.1 * seed + 0.01 * epoch;
  return m;
}

// A shown comparison window whose charts hold the synthetic runs; the last arm's third seed stops
// two epochs early, so that the number of seeds varies.
std::unique_ptr<ComparisonWindow> window_with_runs() {
  auto w = std::make_unique<ComparisonWindow>();
  QStringList names;
  std::vector<QColor> colors;
  for (int a = 0; a < kArms; ++a) {
    names << arm_name(a);
    colors.push_back(QColor::fromHsv(a * 360 / kArms, 200, 200));
  }
  auto* charts = w->charts();
  charts->reset(names, colors, 4);
  for (int a = 0; a < kArms; ++a) {
    for (int s = 0; s < kSeeds; ++s) {
      const int last = a == kArms - 1 && s == 2 ? kEpochs - 2 : kEpochs;
      for (int e = 1; e <= last; ++e) charts->add_epoch(a, 100 + s, metrics(a, s, e));
    }
  }
  charts->add_split(0, 100, moelab::SplitEvent{5, 50, 0, 2, 0.6, 0.61, 0.02});
  charts->flush();
  w->resize(1500, 950);
  w->show();
  if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
  QTest::qWait(50);  // the charts lay their plots out
  return w;
}

// A point of the plot, in the viewport's coordinates: `epoch` across, half way down.
QPoint at_epoch(const ComparisonChartView* view, double epoch) {
  const QRectF plot = view->plot_rect();
  const double x =
      plot.left() + (epoch - view->x_min()) / (view->x_max() - view->x_min()) * plot.width();
  return view->mapFromScene(QPointF(x, plot.center().y()));
}

void wheel(ComparisonChartView* view, const QPoint& pos, int notches) {
  QWheelEvent event(pos, view->viewport()->mapToGlobal(pos), QPoint(), QPoint(0, 120 * notches),
                    Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(view->viewport(), &event);
}

void move(ComparisonChartView* view, const QPoint& pos, Qt::MouseButtons buttons = Qt::NoButton) {
  QMouseEvent event(QEvent::MouseMove, pos, view->viewport()->mapToGlobal(pos), Qt::NoButton,
                    buttons, Qt::NoModifier);
  QApplication::sendEvent(view->viewport(), &event);
}

// Every chart shows [min, max] on its x axis, with round whole-epoch ticks.
bool all_show(const ComparisonCharts* charts, double min, double max) {
  for (int i = 0; i < charts->chart_count(); ++i) {
    const ComparisonChartView* view = charts->view(i);
    const auto* x = qobject_cast<QValueAxis*>(view->chart()->axes(Qt::Horizontal).value(0));
    if (view->x_min() != min || view->x_max() != max || x->min() != min || x->max() != max) {
      return false;
    }
    const double step = x->tickInterval();
    if (step < 1 || step != std::round(step) || x->tickAnchor() != 0) return false;
  }
  return true;
}

// One CSV line's fields, quotes undone.
QStringList csv_fields(const QString& line) {
  QStringList fields{QString()};
  bool quoted = false;
  for (int i = 0; i < line.size(); ++i) {
    const QChar c = line[i];
    if (quoted && c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
      fields.last() += c;
      ++i;
    } else if (c == QLatin1Char('"')) {
      quoted = !quoted;
    } else if (c == QLatin1Char(',') && !quoted) {
      fields << QString();
    } else {
      fields.last() += c;
    }
  }
  return fields;
}

}  // namespace

class TestUiComparisonCharts : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY(temp_.isValid()); }

  void wheelZoomsEveryChartAndDoubleClickRestores() {
    auto w = window_with_runs();
    QVERIFY(w);
    auto* charts = w->charts();
    QCOMPARE(charts->chart_count(), static_cast<int>(ComparisonCharts::MetricCount));
    QVERIFY(all_show(charts, 1, kEpochs));
    auto* view = charts->view(ComparisonCharts::Experts);

    // Two notches in around epoch 9: the range shrinks, whole epochs, 9 stays under the cursor.
    const QPoint cursor = at_epoch(view, 9);
    wheel(view, cursor, 2);
    const double min = view->x_min();
    const double max = view->x_max();
    QVERIFY2(max - min < kEpochs - 1 && max - min >= 2,
             qPrintable(QString("%1..%2").arg(min).arg(max)));
    QCOMPARE(min, std::round(min));
    QVERIFY(min > 1 && max <= kEpochs);
    QVERIFY(std::abs(view->plot_rect().left() +
                     (9 - min) / (max - min) * view->plot_rect().width() -
                     view->mapToScene(cursor).x()) < view->plot_rect().width() / (max - min));
    QVERIFY(all_show(charts, min, max));
    // Out again, past the whole run: clamped to the data.
    wheel(view, cursor, -20);
    QVERIFY(all_show(charts, 1, kEpochs));
    wheel(view, cursor, 3);
    const double zoomed_min = view->x_min();
    const double zoomed_max = view->x_max();

    // New epochs and a change of layout keep the zoom.
    for (int s = 0; s < kSeeds; ++s) charts->add_epoch(0, 100 + s, metrics(0, s, kEpochs + 1));
    charts->flush();
    QVERIFY(all_show(charts, zoomed_min, zoomed_max));
    charts->set_layout(ComparisonCharts::Layout::SmallMultiples);
    QCOMPARE(charts->chart_count(), kArms);
    QVERIFY(all_show(charts, zoomed_min, zoomed_max));

    // A double-click on any chart: every chart shows the whole run again.
    QTest::qWait(50);
    auto* other = charts->view(3);
    QTest::mouseDClick(other->viewport(), Qt::LeftButton, Qt::NoModifier,
                       at_epoch(other, zoomed_min + 1));
    QVERIFY(all_show(charts, 1, kEpochs + 1));

    // The menu's Reset zoom does the same, and is offered only when zoomed.
    QMenu menu;
    other->add_menu_actions(&menu);
    QStringList texts;
    QAction* reset = nullptr;
    for (QAction* action : menu.actions()) {
      texts << action->text();
      if (action->text() == QStringLiteral("Reset zoom")) reset = action;
    }
    QVERIFY2(texts.contains(QStringLiteral("Export chart as PNG…")), qPrintable(texts.join('|')));
    QVERIFY(texts.contains(QStringLiteral("Export chart as SVG…")));
    QVERIFY(texts.contains(QStringLiteral("Export chart as CSV…")));
    QVERIFY(reset && !reset->isEnabled());
    wheel(other, at_epoch(other, 6), 2);
    QVERIFY(!all_show(charts, 1, kEpochs + 1));
    QMenu zoomed_menu;
    other->add_menu_actions(&zoomed_menu);
    for (QAction* action : zoomed_menu.actions()) {
      if (action->text() == QStringLiteral("Reset zoom")) reset = action;
    }
    QVERIFY(reset->isEnabled());
    reset->trigger();
    QVERIFY(all_show(charts, 1, kEpochs + 1));
  }

  void dragPans() {
    auto w = window_with_runs();
    QVERIFY(w);
    auto* charts = w->charts();
    auto* view = charts->view(ComparisonCharts::Accuracy);
    wheel(view, at_epoch(view, 6), 3);
    const double span = view->x_max() - view->x_min();
    QVERIFY(span < kEpochs - 1);
    // Grab an epoch and drag it two epochs to the left: the view moves two epochs right.
    const double min = view->x_min();
    QVERIFY(view->x_max() + 2 <= kEpochs);
    const QPoint grab = at_epoch(view, min + 3);
    const QPoint from = at_epoch(view, min + 1);
    QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::NoModifier, grab);
    move(view, from, Qt::LeftButton);
    QCOMPARE(view->x_min(), min + 2);
    QCOMPARE(view->x_max() - view->x_min(), span);
    QVERIFY(all_show(charts, view->x_min(), view->x_max()));
    // Far beyond the data: it stops at the last epoch.
    move(view, from - QPoint(5000, 0), Qt::LeftButton);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::NoModifier, from - QPoint(5000, 0));
    QCOMPARE(view->x_max(), double(kEpochs));
    QCOMPARE(view->x_max() - view->x_min(), span);
    QVERIFY(all_show(charts, kEpochs - span, kEpochs));
  }

  void hoverListsEveryArmAtTheNearestEpoch() {
    auto w = window_with_runs();
    QVERIFY(w);
    auto* charts = w->charts();
    for (const auto metric : {ComparisonCharts::Accuracy, ComparisonCharts::Experts}) {
      auto* view = charts->view(metric);
      // A little off epoch 11: the nearest epoch is taken.
      move(view, at_epoch(view, 11.3));
      QCOMPARE(view->hover_epoch(), 11);
      QStringList expected{QStringLiteral("epoch 11")};
      for (int a = 0; a < kArms; ++a) {
        const auto band = charts->band(a, metric);
        const auto& p = band.at(10);
        QCOMPARE(p.epoch, 11);
        QCOMPARE(p.seeds, a == kArms - 1 ? kSeeds - 1 : kSeeds);
        expected << QStringLiteral("%1: mean %2, min – max %3 – %4, %5 seeds")
                        .arg(arm_name(a), ComparisonReadout::format_value(p.mean),
                             ComparisonReadout::format_value(p.min),
                             ComparisonReadout::format_value(p.max))
                        .arg(p.seeds);
      }
      QCOMPARE(view->readout_text(), expected.join('\n'));
      // The guide stands at epoch 11, through the plot.
      // (The chart's own grid lines are items inside the chart, not at the top of the scene.)
      const QGraphicsLineItem* guide = nullptr;
      for (QGraphicsItem* item : view->scene()->items()) {
        auto* line = dynamic_cast<QGraphicsLineItem*>(item);
        if (line && !line->parentItem() && line->isVisible()) guide = line;
      }
      QVERIFY(guide);
      QCOMPARE(guide->line().y1(), view->plot_rect().top());
      QCOMPARE(guide->line().y2(), view->plot_rect().bottom());
      QVERIFY(std::abs(view->mapFromScene(guide->line().p1()).x() - at_epoch(view, 11).x()) <= 1);
      // The read-out is in the window, whole, and lists every arm.
      ComparisonReadout* readout = nullptr;
      for (auto* r : w->findChildren<ComparisonReadout*>()) {
        if (r->isVisible()) {
          QVERIFY(!readout);  // one read-out at a time
          readout = r;
        }
      }
      QVERIFY(readout);
      QVERIFY(w->rect().contains(readout->geometry()));
      QCOMPARE(static_cast<int>(readout->text().count(QLatin1Char('\n'))), kArms);
      // Leaving the chart takes both away.
      QEvent leave(QEvent::Leave);
      QApplication::sendEvent(view->viewport(), &leave);
      QCOMPARE(view->hover_epoch(), -1);
      QVERIFY(!guide->isVisible());
      QVERIFY(!readout->isVisible());
    }
    // An arm that has no run at an epoch says so.
    auto* view = charts->view(ComparisonCharts::Accuracy);
    for (int s = 0; s < kSeeds; ++s) charts->add_epoch(0, 100 + s, metrics(0, s, kEpochs + 1));
    charts->flush();
    move(view, at_epoch(view, kEpochs + 0.8));  // the plot's last pixel may round outside
    QCOMPARE(view->hover_epoch(), kEpochs + 1);
    QVERIFY2(view->readout_text().contains(arm_name(1) + QStringLiteral(": no run at this epoch")),
             qPrintable(view->readout_text()));
    // A redraw while hovering keeps the read-out up.
    charts->flush();
    QCOMPARE(view->hover_epoch(), kEpochs + 1);
  }

  void exportsPictureAndNumbers() {
    auto w = window_with_runs();
    QVERIFY(w);
    auto* charts = w->charts();
    auto* view = charts->view(ComparisonCharts::Accuracy);
    move(view, at_epoch(view, 5));  // the guide is not part of the picture
    QString error;

    const QString png = temp_.filePath(QStringLiteral("accuracy.png"));
    QVERIFY2(view->export_to(png, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), view->size() * 2);

    const QString svg = temp_.filePath(QStringLiteral("accuracy.svg"));
    QVERIFY2(view->export_to(svg, &error), qPrintable(error));
    QFile svg_file(svg);
    QVERIFY(svg_file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&svg_file);
    QVERIFY(xml.readNextStartElement());
    QCOMPARE(xml.name().toString(), QStringLiteral("svg"));
    while (!xml.atEnd()) xml.readNext();
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));

    const QString csv = temp_.filePath(QStringLiteral("accuracy.csv"));
    QVERIFY2(view->export_to(csv, &error), qPrintable(error));
    QFile csv_file(csv);
    QVERIFY(csv_file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csv_file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0), QStringLiteral("arm,epoch,mean,min,max,seeds"));
    int row = 1;
    for (int a = 0; a < kArms; ++a) {
      for (const auto& p : charts->band(a, ComparisonCharts::Accuracy)) {
        const QStringList f = csv_fields(lines.value(row++));
        QCOMPARE(static_cast<int>(f.size()), 6);
        QCOMPARE(f[0], arm_name(a));
        QCOMPARE(f[1].toInt(), p.epoch);
        QCOMPARE(f[2].toDouble(), p.mean);  // exactly: written in the shortest exact form
        QCOMPARE(f[3].toDouble(), p.min);
        QCOMPARE(f[4].toDouble(), p.max);
        QCOMPARE(f[5].toInt(), p.seeds);
      }
    }
    QCOMPARE(row, static_cast<int>(lines.size()));

    // A chart of the small multiples holds its own arm.
    charts->set_layout(ComparisonCharts::Layout::SmallMultiples);
    const auto arm = charts->view(2)->bands();
    QCOMPARE(arm.size(), std::size_t(1));
    QCOMPARE(moelab::ui::comparison_chart_export::csv(arm).count('\n'),
             static_cast<qsizetype>(charts->band(2, ComparisonCharts::Accuracy).size()) + 1);
  }

  void unwritableExportFailsAndWritesNothing() {
    auto w = window_with_runs();
    QVERIFY(w);
    auto* view = w->charts()->view(ComparisonCharts::Accuracy);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A folder that is a file: nothing can be written under it, even by root.
    QFile blocker(dir.filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    for (const QString& suffix :
         {QStringLiteral("png"), QStringLiteral("svg"), QStringLiteral("csv")}) {
      const QString path = dir.filePath(QStringLiteral("not-a-folder/chart.") + suffix);
      QString error;
      QVERIFY(!view->export_to(path, &error));
      QVERIFY2(error.contains(QStringLiteral("chart.") + suffix), qPrintable(error));
      QVERIFY(!QFile::exists(path));
    }
    QString error;
    const QString jpeg = dir.filePath(QStringLiteral("chart.jpg"));
    QVERIFY(!view->export_to(jpeg, &error));
    QVERIFY2(error.contains(QStringLiteral(".png")), qPrintable(error));
    QCOMPARE(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
             QStringList{QStringLiteral("not-a-folder")});
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiComparisonCharts)
#include "test_ui_comparison_charts.moc"
