// Presentation mode and the type's scale, on the real MainWindow, offscreen, on two screens the
// lab is presented on: a 1024 x 768 projector and a 1920 x 1080 screen at 150% (1280 x 720
// logical pixels), side by side (the platform is configured so in main() below).
//  - moelab's --presentation, parsed by the window's command line and shown as moelab shows the
//    window, opens it full screen in presentation mode;
//  - F5 enters presentation mode on either screen: full screen, larger type, the control panel
//    down to the three switches, the dashboard down to two enlarged charts, and the switches,
//    Start, Pause, Stop and the report whole on screen; F5 again, or Esc, gives back the window's
//    geometry, its panels, its charts and its type;
//  - Ctrl+plus makes the application's font larger (the charts' fonts too), Ctrl+minus smaller,
//    Ctrl+0 gives back the platform's size, and the scale chosen is kept in the settings for the
//    next start.

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtCharts/QChart>
#include <QtTest>

#include "charts/chart_grid.h"
#include "charts/chart_panel.h"
#include "charts/chart_style.h"
#include "charts/time_series_chart.h"
#include "control_panel.h"
#include "main_window.h"
#include "presentation_mode.h"
#include "report_view.h"
#include "run_controls.h"
#include "switch_button.h"
#include "text_scale.h"
#include "window_command_line.h"
#include "support/window_fit.h"
#include "support/ui_test_setup.h"

using moelab::ui::ChartGrid;
using moelab::ui::MainWindow;
using moelab::ui::TextScale;

namespace {

const QSize kProjector(1024, 768);
const QSize kScaledFullHd(1280, 720);

QScreen* screen_of_size(QSize size) {
  for (QScreen* screen : QGuiApplication::screens()) {
    if (screen->geometry().size() == size) return screen;
  }
  return nullptr;
}

// The settings groups the control panel hides while presenting.
int shown_settings_boxes(MainWindow& w) {
  int shown = 0;
  for (auto* box : w.control_panel()->findChildren<QGroupBox*>()) {
    if (box->objectName() != QStringLiteral("fixesBox") && box->isVisibleTo(&w)) ++shown;
  }
  return shown;
}

double application_points() { return QApplication::font().pointSizeF(); }

}  // namespace

class TestUiPresentation : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_presentation");
    QVERIFY2(screen_of_size(kProjector) && screen_of_size(kScaledFullHd),
             "the offscreen platform did not take the two screens of main()");
    platform_points_ = application_points();
    QVERIFY(platform_points_ > 0);
  }

  void init() { TextScale::instance()->reset(); }

  void commandLineOptionEntersPresentationMode() {
    moelab::ui::WindowCommandLine line(QStringLiteral("test"), QStringLiteral("0"));
    QVERIFY(!line.parse({QStringLiteral("moelab"), QStringLiteral("--presentation")}));
    MainWindow w;
    QString error;
    line.show_window(w, &error);
    QVERIFY(error.isEmpty());
    QVERIFY(w.presentation()->active());
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.isFullScreen());
    QVERIFY(w.chart_panel()->presenting());
    QCOMPARE(shown_settings_boxes(w), 0);
    QVERIFY(application_points() > platform_points_);

    // Without the option: a normal window.
    moelab::ui::WindowCommandLine plain(QStringLiteral("test"), QStringLiteral("0"));
    QVERIFY(!plain.parse({QStringLiteral("moelab")}));
    MainWindow normal;
    plain.show_window(normal, &error);
    QVERIFY(!normal.presentation()->active());
    QVERIFY(!normal.isFullScreen());
    w.presentation()->set_active(false);
  }

  void f5TogglesPresentationMode_data() {
    QTest::addColumn<QSize>("screen_size");
    QTest::newRow("projector 1024 x 768") << kProjector;
    QTest::newRow("1920 x 1080 at 150%") << kScaledFullHd;
  }

  void f5TogglesPresentationMode() {
    QFETCH(QSize, screen_size);
    QScreen* screen = screen_of_size(screen_size);
    QVERIFY(screen);
    MainWindow w;
    w.setScreen(screen);
    w.setGeometry(QRect(screen->geometry().topLeft() + QPoint(20, 20), QSize(1000, 650)));
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    const QRect before = w.geometry();
    const QSize accuracy_before = w.chart_panel()->accuracy_chart()->size();
    const double switch_points = w.control_panel()->entropy_switch()->font().pointSizeF();
    QVERIFY(shown_settings_boxes(w) > 0);

    QTest::keyClick(&w, Qt::Key_F5);
    QVERIFY(w.presentation()->active());
    QVERIFY(w.presentation()->toggle_action()->isChecked());
    QTRY_VERIFY(w.isFullScreen());

    QTRY_COMPARE(w.geometry(), screen->geometry());
    QTest::qWait(50);
    QCOMPARE(shown_settings_boxes(w), 0);
    QVERIFY(w.chart_panel()->presenting());
    QVERIFY(w.chart_panel()->grid()->arrangement() == ChartGrid::Arrangement::FocusSideBySide ||
            w.chart_panel()->grid()->arrangement() == ChartGrid::Arrangement::FocusStacked);
    QVERIFY(!w.chart_panel()->loss_chart()->isVisibleTo(&w));
    const QSize accuracy_now = w.chart_panel()->accuracy_chart()->size();
    QVERIFY2(accuracy_now.width() * accuracy_now.height() >
                 accuracy_before.width() * accuracy_before.height(),
             "the accuracy chart is not enlarged");
    QCOMPARE(application_points(), platform_points_ * TextScale::kPresentationFactor);
    QVERIFY(w.control_panel()->entropy_switch()->font().pointSizeF() > switch_points);
    for (QWidget* control : key_controls(w)) {
      const QString why = cut_off(control, &w);
      QVERIFY2(why.isEmpty(), qPrintable(why));
    }

    QTest::keyClick(&w, Qt::Key_F5);
    QVERIFY(!w.presentation()->active());
    QTRY_VERIFY(!w.isFullScreen());
    QTRY_COMPARE(w.geometry(), before);
    QVERIFY(shown_settings_boxes(w) > 0);
    QVERIFY(!w.chart_panel()->presenting());
    QVERIFY(w.chart_panel()->loss_chart()->isVisibleTo(&w));
    QVERIFY(w.controls_dock()->isVisible() && w.report_dock()->isVisible());
    QCOMPARE(application_points(), platform_points_);

    // Esc leaves too, and only while presenting.
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(!w.presentation()->active());
    QTest::keyClick(&w, Qt::Key_F11);
    QVERIFY(w.presentation()->active());
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(!w.presentation()->active());
    QTRY_COMPARE(w.geometry(), before);
  }

  void ctrlPlusMinusAndZeroScaleTheType() {
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    const QChart* accuracy = w.chart_panel()->accuracy_chart()->chart();
    const double title_before = accuracy->titleFont().pointSizeF();
    const double label_before = moelab::ui::ChartStyle::label_font().pointSizeF();
    // Inside the fixes' bordered box (a style sheet) and the report's banner (another).
    const QWidget* boxed = w.control_panel()->entropy_switch();
    const double boxed_before = boxed->font().pointSizeF();

    QTest::keyClick(&w, Qt::Key_Plus, Qt::ControlModifier);
    QVERIFY2(application_points() > platform_points_, qPrintable(QString::number(application_points())));
    QCOMPARE(QSettings().value(QString::fromLatin1(TextScale::kSettingsKey)).toDouble(), 1.1);
    // The charts set their fonts themselves: they follow.
    QVERIFY(accuracy->titleFont().pointSizeF() > title_before);
    QVERIFY(moelab::ui::ChartStyle::label_font().pointSizeF() > label_before);
    QVERIFY2(boxed->font().pointSizeF() > boxed_before, qPrintable(QString::number(boxed->font().pointSizeF())));

    QTest::keyClick(&w, Qt::Key_Plus, Qt::ControlModifier);
    const double twice = application_points();
    QTest::keyClick(&w, Qt::Key_Minus, Qt::ControlModifier);
    QVERIFY(application_points() < twice);
    QVERIFY(application_points() > platform_points_);

    QTest::keyClick(&w, Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(application_points(), platform_points_);
    QCOMPARE(accuracy->titleFont().pointSizeF(), title_before);
    QCOMPARE(boxed->font().pointSizeF(), boxed_before);
    QCOMPARE(QSettings().value(QString::fromLatin1(TextScale::kSettingsKey)).toDouble(), 1.0);

    // The scale is kept for the next start: a lab made now reads it back.
    QTest::keyClick(&w, Qt::Key_Plus, Qt::ControlModifier);
    const double chosen = application_points();
    {
      TextScale next_start;
      QCOMPARE(next_start.scale(), 1.1);
      QCOMPARE(application_points(), chosen);
    }
    // Smaller than the platform's size goes too, down to the last step and no further.
    QTest::keyClick(&w, Qt::Key_0, Qt::ControlModifier);
    for (int i = 0; i < 10; ++i) QTest::keyClick(&w, Qt::Key_Minus, Qt::ControlModifier);
    QCOMPARE(TextScale::instance()->scale(), TextScale::steps().first());
    QCOMPARE(application_points(), platform_points_ * TextScale::steps().first());
  }

  void cleanupTestCase() {
    TextScale::instance()->reset();
    QSettings().clear();
  }

 private:
  double platform_points_ = 0.0;
};

// Two screens side by side for the offscreen platform: the projector and the scaled full-HD
// screen. The platform reads them from a file named in its arguments; the environment's
// QT_QPA_PLATFORM=offscreen (CTest's) becomes offscreen with that file.
int main(int argc, char** argv) {
  QTemporaryDir dir;
  if (!dir.isValid()) return 1;
  const auto screen = [](const char* name, int x, QSize size) {
    return QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                       {QStringLiteral("x"), x},
                       {QStringLiteral("y"), 0},
                       {QStringLiteral("width"), size.width()},
                       {QStringLiteral("height"), size.height()},
                       {QStringLiteral("logicalDpi"), 96},
                       {QStringLiteral("logicalBaseDpi"), 96},
                       {QStringLiteral("dpr"), 1}};
  };
  const QJsonObject config{
      {QStringLiteral("screens"),
       QJsonArray{screen("Projector", 0, kProjector),
                  screen("Scaled full HD", kProjector.width(), kScaledFullHd)}}};
  const QString path = dir.filePath(QStringLiteral("screens.json"));
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(config).toJson()) < 0) return 1;
  file.close();
  qputenv("QT_QPA_PLATFORM", QByteArray("offscreen:configfile=") + QFile::encodeName(path));
  QApplication app(argc, argv);
  app.setAttribute(Qt::AA_Use96Dpi, true);
  TestUiPresentation test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_ui_presentation.moc"
