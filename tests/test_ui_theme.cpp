// The theme: View > Theme > Dark makes the application's palette and every chart dark (a time
// chart's background and axis labels, the river's and the routing map's background in pixels),
// Light gives the light ones back, the choice is kept for the next start, and the default follows
// the desktop's palette. Runs offscreen.

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>
#include <QtTest>

#include "charts/chart_panel.h"
#include "charts/chart_style.h"
#include "charts/expert_river.h"
#include "charts/routing_heatmap.h"
#include "charts/time_series_chart.h"
#include "main_window.h"
#include "support/ui_test_setup.h"
#include "theme.h"

using moelab::ui::ChartStyle;
using moelab::ui::MainWindow;
using moelab::ui::Theme;

namespace {

bool is_dark(const QColor& c) { return c.lightness() < 80; }

QColor corner_of(QWidget* widget) {
  return widget->grab().toImage().pixelColor(3, widget->height() - 3);
}

}  // namespace

class TestUiTheme : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { use_test_settings("test_ui_theme"); }

  void defaultFollowsTheDesktop() {
    QCOMPARE(Theme::instance()->choice(), Theme::Choice::Desktop);
    // The offscreen platform's palette is light.
    QVERIFY(!Theme::instance()->dark());
    QVERIFY(!is_dark(ChartStyle::background()));
  }

  void darkReachesEveryChartAndLightComesBack() {
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QAction* dark = nullptr;
    for (QMenu* menu : w.menuBar()->findChildren<QMenu*>()) {
      if (menu->title() != QStringLiteral("&Theme")) continue;
      for (QAction* a : menu->actions()) {
        if (a->text() == QStringLiteral("D&ark")) dark = a;
      }
    }
    QVERIFY(dark);
    dark->trigger();
    QCoreApplication::processEvents();
    QVERIFY(Theme::instance()->dark());
    QVERIFY(is_dark(QApplication::palette().color(QPalette::Window)));
    auto* accuracy = w.chart_panel()->accuracy_chart();
    QCOMPARE(accuracy->chart()->backgroundBrush().color(), ChartStyle::background());
    QVERIFY(is_dark(accuracy->chart()->backgroundBrush().color()));
    for (QAbstractAxis* axis : accuracy->chart()->axes()) {
      QVERIFY(!is_dark(axis->labelsColor()));  // light text on the dark plot
    }
    QVERIFY(is_dark(corner_of(w.chart_panel()->expert_river())));
    QVERIFY(is_dark(corner_of(w.chart_panel()->routing_heatmap())));
    // The neutral curves (the total loss) turn light: a dark ink would vanish on the dark plot.
    auto* loss = w.chart_panel()->loss_chart();
    const int total = loss->find_line(QStringLiteral("total"));
    QVERIFY(!is_dark(loss->line_color(total)));
    QCOMPARE(QSettings().value(QLatin1String(Theme::kSettingsKey)).toString(),
             QStringLiteral("dark"));

    Theme::instance()->set_choice(Theme::Choice::Light);
    QCoreApplication::processEvents();
    QVERIFY(!is_dark(accuracy->chart()->backgroundBrush().color()));
    QVERIFY(is_dark(loss->line_color(total)));
    QVERIFY(!is_dark(corner_of(w.chart_panel()->expert_river())));
    QVERIFY(!is_dark(QApplication::palette().color(QPalette::Window)));
    QVERIFY(!dark->isChecked());
  }

  void bannersTakeTheTheme() {
    // The preset's banner, a fork's origin and a breakpoint's caption name their colours in a
    // style sheet, which the palette does not reach: each must turn dark with the theme and back.
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QList<QWidget*> banners = {w.findChild<QWidget*>(QStringLiteral("presetLabel")),
                                     w.findChild<QWidget*>(QStringLiteral("forkLabel")),
                                     w.findChild<QWidget*>(QStringLiteral("breakpointBanner"))};
    for (QWidget* banner : banners) {
      QVERIFY(banner);
      banner->show();
    }
    QCoreApplication::processEvents();
    // Inside the border, left of the text: the banner's own background.
    auto background = [](QWidget* banner) {
      return banner->grab().toImage().pixelColor(5, banner->height() / 2);
    };
    for (QWidget* banner : banners) {
      QVERIFY2(!is_dark(background(banner)), qPrintable(banner->objectName()));
    }
    Theme::instance()->set_choice(Theme::Choice::Dark);
    QCoreApplication::processEvents();
    for (QWidget* banner : banners) {
      QVERIFY2(is_dark(background(banner)), qPrintable(banner->objectName()));
      QVERIFY2(banner->styleSheet().contains(QStringLiteral("#e5e7eb")),
               qPrintable(banner->styleSheet()));  // light text on it
    }
    Theme::instance()->set_choice(Theme::Choice::Light);
    QCoreApplication::processEvents();
    for (QWidget* banner : banners) {
      QVERIFY2(!is_dark(background(banner)), qPrintable(banner->objectName()));
    }
    Theme::instance()->set_choice(Theme::Choice::Desktop);
  }

  void aChoiceIsKeptForTheNextStart() {
    Theme::instance()->set_choice(Theme::Choice::Dark);
    Theme next;  // what the next start reads
    QCOMPARE(next.choice(), Theme::Choice::Dark);
    Theme::instance()->set_choice(Theme::Choice::Desktop);
    Theme again;
    QCOMPARE(again.choice(), Theme::Choice::Desktop);
    QVERIFY(!again.dark());
  }
};

QTEST_MAIN(TestUiTheme)
#include "test_ui_theme.moc"
