// The window's experiment files and the `moelab` program's own options, offscreen: a bad
// experiment file keeps the current settings and says why, a saved one opens as it was, the
// control panel round-trips the science settings, and the binary's scripted mode (--config,
// --autostart, --screenshot, --quit), --help and --version work and fail cleanly.

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QImage>
#include <QMessageBox>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <memory>

#include "charts/chart_panel.h"
#include "config/config_json.h"
#include "control_panel.h"
#include "discard_question.h"
#include "main_window.h"
#include "number_spin_box.h"
#include "report_view.h"
#include "run_controller.h"
#include "run_controls.h"
#include "run_status_bar.h"
#include "support/main_window_setup.h"
#include "support/message_box_answerer.h"
#include "support/ui_test_setup.h"
#include "switch_button.h"

using moelab::RunConfig;
using moelab::ui::MainWindow;

namespace {

QString config_json(const RunConfig& c) {
  return QString::fromStdString(moelab::config_to_json(c));
}

bool write_text(const QString& path, const QByteArray& text) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QStringList gui_environment(const QString& config_home) {
  QStringList env = QProcess::systemEnvironment();
  env << QStringLiteral("QT_QPA_PLATFORM=offscreen") << QStringLiteral("OMP_NUM_THREADS=1")
      << QStringLiteral("XDG_CONFIG_HOME=") + config_home;
  return env;
}

}  // namespace

class TestUiWindowFiles : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    use_test_settings("test_ui_window_files");
    QVERIFY(temp_.isValid());
    keep_runs_in(temp_);
    QSettings().setValue(QString::fromLatin1(moelab::ui::DiscardQuestion::kSettingsKey), false);
  }

  void badExperimentFileKeepsConfig_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("not json") << QByteArray("{ this is not json");
    QTest::newRow("unknown key") << QByteArray(R"({"training": {"seeds": 3}})");
    QTest::newRow("wrong type") << QByteArray(R"({"training": {"seed_epochs": "ten"}})");
    QTest::newRow("out of range") << QByteArray(R"({"model": {"top_k": 0}})");
    QTest::newRow("not an object") << QByteArray("[1, 2, 3]");
    QTest::newRow("missing file") << QByteArray();
  }

  void badExperimentFileKeepsConfig() {
    QFETCH(QByteArray, content);
    RunConfig mine = tiny_config();
    mine.training.seed = 777;
    mine.training.growth_epochs = 9;
    mine.fixes.entropy_loss = false;
    auto w = window_with(mine);
    const QString before = config_json(w->control_panel()->config());
    const QString path = temp_.filePath(QStringLiteral("bad-%1.json")
                                            .arg(QTest::currentDataTag())
                                            .replace(QLatin1Char(' '), QLatin1Char('-')));
    if (!content.isEmpty()) QVERIFY(write_text(path, content));
    MessageBoxAnswerer answerer(QMessageBox::AcceptRole);
    w->open_experiment(path);
    const QString shown = answerer.text();
    QVERIFY(shown.contains(QStringLiteral("current settings are kept")));
    QVERIFY(shown.contains(QFileInfo(path).fileName()));
    QCOMPARE(config_json(w->control_panel()->config()), before);
  }

  void experimentFileRoundTrip() {
    RunConfig mine = tiny_config();
    mine.training.seed = 123456789012345ULL;
    mine.training.learning_rate = 0.00037;
    mine.training.batch_size = 48;          // not shown in the panel: must survive
    mine.training.diversity_weight = 0.07;  // likewise
    mine.fixes.projection_fix = false;
    mine.fixes.cooldown_epochs = 7;
    mine.fixes.entropy_weight = 0.25;
    mine.data.kind = moelab::DatasetKind::Synthetic;
    mine.data.synthetic.clusters = 6;
    mine.data.synthetic.spread = 1.75;
    auto w = window_with(mine);
    const QString path = temp_.filePath(QStringLiteral("experiment.json"));
    QString error;
    QVERIFY2(w->save_experiment(path, &error), qPrintable(error));
    w->control_panel()->set_config(RunConfig{});
    QVERIFY2(w->load_experiment(path, &error), qPrintable(error));
    QCOMPARE(config_json(w->control_panel()->config()), config_json(mine));
    // The very format moelab-cli reads.
    QCOMPARE(config_json(moelab::load_config_file(path.toStdString())), config_json(mine));
  }

  void scienceSettingsRoundTrip_data() {
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("loss");
    for (const auto& [mode_name, mode] : moelab::split_mode_names()) {
      for (const auto& [loss_name, loss] : moelab::diversity_loss_names()) {
        QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(mode_name, loss_name)))
            << static_cast<int>(mode) << static_cast<int>(loss);
      }
    }
  }

  void scienceSettingsRoundTrip() {
    QFETCH(int, mode);
    QFETCH(int, loss);
    moelab::ui::ControlPanel panel;
    // The chooser lists the core's names, in the core's order.
    QCOMPARE(panel.split_mode_box()->count(), static_cast<int>(moelab::split_mode_names().size()));
    for (int i = 0; i < panel.diversity_loss_box()->count(); ++i) {
      QCOMPARE(
          panel.diversity_loss_box()->itemText(i),
          QString::fromLatin1(moelab::diversity_loss_names()[static_cast<std::size_t>(i)].first));
    }
    RunConfig c;
    c.training.split_mode = static_cast<moelab::SplitMode>(mode);
    c.training.diversity_loss = static_cast<moelab::DiversityLoss>(loss);
    c.training.plateau_patience = 3;
    c.training.split_release_steps = 55;
    c.data.test_fraction = 0.15;
    panel.set_config(c);
    const RunConfig back = panel.config();
    QCOMPARE(config_json(back), config_json(c));
    QVERIFY(back.training.split_mode == c.training.split_mode);
    QVERIFY(back.training.diversity_loss == c.training.diversity_loss);
    QCOMPARE(back.training.plateau_patience, 3);
    QCOMPARE(back.data.test_fraction, 0.15);
    // The release steps mean something only for the preserving split.
    QCOMPARE(panel.split_release_steps_box()->isEnabled(),
             c.training.split_mode == moelab::SplitMode::Preserving);
    // Edited in the panel, they come out in config().
    panel.plateau_patience_box()->setValue(5);
    panel.test_fraction_box()->setValue(0.3);
    panel.split_mode_box()->setCurrentIndex(panel.split_mode_box()->count() - 1);
    QCOMPARE(panel.config().training.plateau_patience, 5);
    QCOMPARE(panel.config().data.test_fraction, 0.3);
    QVERIFY(panel.config().training.split_mode == moelab::split_mode_names().back().second);
  }

  void screenshotOptionWritesPng() {
    const QString config = temp_.filePath(QStringLiteral("tiny.json"));
    QVERIFY(write_text(config, QByteArray::fromStdString(moelab::config_to_json(tiny_config()))));
    const QString png = temp_.filePath(QStringLiteral("out.png"));
    QProcess gui;
    gui.setEnvironment(gui_environment(temp_.filePath(QStringLiteral("xdg"))));
    gui.start(QStringLiteral(MOELAB_GUI_PATH),
              {QStringLiteral("--config"), config, QStringLiteral("--autostart"),
               QStringLiteral("--screenshot"), png, QStringLiteral("--quit")});
    QVERIFY(gui.waitForStarted());
    QVERIFY2(gui.waitForFinished(60000), "moelab did not quit after the run");
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QVERIFY2(gui.exitCode() == 0, gui.readAllStandardError().constData());
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 400 && image.height() >= 300);
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
      for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 30, "the screenshot looks blank");
    // The figure run left the next interactive start's settings alone: no experiment, no
    // window size was written.
    QDirIterator files(temp_.filePath(QStringLiteral("xdg")), QDir::Files,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
      QFile file(files.next());
      QVERIFY(file.open(QIODevice::ReadOnly));
      const QByteArray text = file.readAll();
      QVERIFY2(!text.contains("experiment") && !text.contains("geometry"),
               qPrintable(file.fileName()));
    }
  }

  void badConfigOptionExits_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing file") << QByteArray() << QStringLiteral("cannot open");
    QTest::newRow("not json") << QByteArray("{{") << QStringLiteral("not valid JSON");
    QTest::newRow("unknown key") << QByteArray(R"({"modle": {}})") << QStringLiteral("modle");
    QTest::newRow("bad value") << QByteArray(R"({"training": {"learning_rate": -1}})")
                               << QStringLiteral("learning_rate");
  }

  void badConfigOptionExits() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = temp_.filePath(QStringLiteral("cli-%1.json")
                                            .arg(QTest::currentDataTag())
                                            .replace(QLatin1Char(' '), QLatin1Char('-')));
    if (!content.isEmpty()) QVERIFY(write_text(path, content));
    QProcess gui;
    gui.setEnvironment(gui_environment(temp_.filePath(QStringLiteral("xdg"))));
    gui.start(QStringLiteral(MOELAB_GUI_PATH),
              {QStringLiteral("--config"), path, QStringLiteral("--autostart"),
               QStringLiteral("--quit")});
    QVERIFY(gui.waitForFinished(30000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gui.exitCode(), 2);
    const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("moelab: ")) && err.contains(expected), qPrintable(err));
  }

  // help2man and a packager run these on a machine without a display: no platform plugin may be
  // needed before the answer.
  void helpVersionAndBadOptionNeedNoDisplay_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exit_code");
    // A pattern for stdout when the exit code is 0, for stderr otherwise.
    QTest::addColumn<QString>("expected");
    QTest::newRow("help") << QStringList{QStringLiteral("--help")} << 0
                          << QStringLiteral("--screenshot <PATH>");
    QTest::newRow("version") << QStringList{QStringLiteral("--version")} << 0
                             << QStringLiteral("^moelab \\d+\\.\\d+\\.\\d+\n$");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--bogus")} << 2
                                    << QStringLiteral("moelab: Unknown option 'bogus'");
    QTest::newRow("missing value") << QStringList{QStringLiteral("--config")} << 2
                                   << QStringLiteral("moelab: Missing value after '--config'");
    QTest::newRow("stray argument") << QStringList{QStringLiteral("run.json")} << 2
                                    << QStringLiteral("'run\\.json' is not a folder: RUN_DIR");
  }

  void helpVersionAndBadOptionNeedNoDisplay() {
    QFETCH(QStringList, arguments);
    QFETCH(int, exit_code);
    QFETCH(QString, expected);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
      environment.remove(QString::fromLatin1(name));
    }
    QProcess gui;
    gui.setProcessEnvironment(environment);
    gui.start(QStringLiteral(MOELAB_GUI_PATH), arguments);
    QVERIFY(gui.waitForFinished(30000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    const QString out = QString::fromLocal8Bit(gui.readAllStandardOutput());
    const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
    QVERIFY2(gui.exitCode() == exit_code, qPrintable(err));
    QVERIFY2((exit_code == 0 ? out : err).contains(QRegularExpression(expected)),
             qPrintable(out + err));
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiWindowFiles)
#include "test_ui_window_files.moc"
