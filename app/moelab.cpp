// moelab: the lab's window. Parses a few flags, shows MainWindow, and for scripted use (CI,
// documentation screenshots) can start a run, grab the window when it ends, and quit.

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>
#include <cstdio>

#include "main_window.h"
#include "meta_types.h"
#include "util/blas_check.h"

namespace {

// Exit codes: 0 ok, 1 the run or the screenshot failed, 2 bad command line or config file.
constexpr int kRunFailed = 1;
constexpr int kBadInput = 2;
constexpr int kChartSettleMs = 400;  // lets the throttled charts draw the last points

void complain(const QString& message) { std::fprintf(stderr, "moelab: %s\n", qPrintable(message)); }

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("MoE Growth Lab"));
  QApplication::setApplicationName(QStringLiteral("moelab"));
  QApplication::setApplicationVersion(QStringLiteral(MOELAB_VERSION));
  moelab::ui::register_meta_types();
  moelab::warn_if_reference_blas();

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Watch a mixture of experts grow and collapse while it trains."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption config({QStringLiteral("c"), QStringLiteral("config")},
                                  QStringLiteral("Experiment file (JSON, as moelab-cli reads)."),
                                  QStringLiteral("FILE"));
  const QCommandLineOption autostart(QStringLiteral("autostart"),
                                     QStringLiteral("Start the run at once."));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"), QStringLiteral("Write the window as a PNG when the run ends."),
      QStringLiteral("PATH"));
  const QCommandLineOption quit(QStringLiteral("quit"),
                                QStringLiteral("Quit when the run ends (after the screenshot)."));
  parser.addOptions({config, autostart, screenshot, quit});
  parser.process(app);  // --help, --version and unknown flags exit here

  const bool quit_at_end = parser.isSet(quit);
  moelab::ui::MainWindow window;
  QString config_error;
  if (parser.isSet(config) && !window.load_experiment(parser.value(config), &config_error)) {
    complain(config_error);
    if (quit_at_end) return kBadInput;
  }
  window.show();
  if (!config_error.isEmpty()) {
    QMessageBox::warning(
        &window, QStringLiteral("Open experiment"),
        QStringLiteral("%1\n\nThe last settings are used instead.").arg(config_error));
  }

  int exit_code = 0;
  auto finish = [&](bool run_ok) {
    if (!run_ok) exit_code = kRunFailed;
    if (parser.isSet(screenshot)) {
      QString error;
      if (!window.save_screenshot(parser.value(screenshot), &error)) {
        complain(error);
        exit_code = kRunFailed;
      }
    }
    if (quit_at_end) window.close();
  };
  if (parser.isSet(autostart)) {
    // Without a display nobody reads the window's report: the reason goes to stderr as well.
    QObject::connect(window.controller(), &moelab::ui::RunController::failed, &window,
                     [](const QString& message) {
                       complain(QStringLiteral("the run failed: ") + message);
                     });
    QObject::connect(&window, &moelab::ui::MainWindow::runEnded, &window, [&](bool completed) {
      QTimer::singleShot(kChartSettleMs, &window, [&, completed] { finish(completed); });
    });
    QTimer::singleShot(0, &window, &moelab::ui::MainWindow::start_run);
  } else if (parser.isSet(screenshot) || quit_at_end) {
    QTimer::singleShot(kChartSettleMs, &window, [&] { finish(true); });
  }
  const int code = app.exec();
  return exit_code != 0 ? exit_code : code;
}
