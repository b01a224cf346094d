// moelab: the lab's window. Parses a few flags, shows MainWindow, and for scripted use (CI,
// documentation screenshots) can start a run, grab the window when it ends, and quit.

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>
#include <cstdio>
#include <optional>

#include "main_window.h"
#include "meta_types.h"
#include "util/blas_check.h"
#include "util/openblas_kernels.h"

namespace {

// Exit codes: 0 ok, 1 the run or the screenshot failed, 2 bad command line or config file.
constexpr int kRunFailed = 1;
constexpr int kBadInput = 2;
constexpr int kChartSettleMs = 400;  // lets the throttled charts draw the last points

void complain(const QString& message) { std::fprintf(stderr, "moelab: %s\n", qPrintable(message)); }

// The window's command line. Its own class so that --help, --version and a bad option are
// answered before a QApplication needs a display (help2man and a packager run them headless).
class WindowCommandLine {
 public:
  WindowCommandLine() {
    parser_.setApplicationDescription(QStringLiteral(MOELAB_SUMMARY "."));
    parser_.addHelpOption();
    parser_.addVersionOption();
    parser_.addOptions({config, autostart, screenshot, quit});
  }

  // Returns the exit code when the process should end here (help, version, bad option).
  std::optional<int> parse(const QStringList& arguments) {
    if (!parser_.parse(arguments)) {
      complain(parser_.errorText() + QStringLiteral(" (see --help)"));
      return kBadInput;
    }
    if (parser_.isSet(QStringLiteral("help")) || parser_.isSet(QStringLiteral("help-all"))) {
      std::fputs(qPrintable(parser_.helpText()), stdout);
      return 0;
    }
    if (parser_.isSet(QStringLiteral("version"))) {
      std::printf("moelab %s\n", MOELAB_VERSION);
      return 0;
    }
    if (!parser_.positionalArguments().isEmpty()) {
      complain(QStringLiteral("unexpected argument '%1' (see --help)")
                   .arg(parser_.positionalArguments().constFirst()));
      return kBadInput;
    }
    return std::nullopt;
  }

  bool isSet(const QCommandLineOption& option) const { return parser_.isSet(option); }
  QString value(const QCommandLineOption& option) const { return parser_.value(option); }

  const QCommandLineOption config{{QStringLiteral("c"), QStringLiteral("config")},
                                  QStringLiteral("Experiment file (JSON, as moelab-cli reads)."),
                                  QStringLiteral("FILE")};
  const QCommandLineOption autostart{QStringLiteral("autostart"),
                                     QStringLiteral("Start the run at once.")};
  const QCommandLineOption screenshot{
      QStringLiteral("screenshot"), QStringLiteral("Write the window as a PNG when the run ends."),
      QStringLiteral("PATH")};
  const QCommandLineOption quit{QStringLiteral("quit"),
                                QStringLiteral("Quit when the run ends (after the screenshot).")};

 private:
  QCommandLineParser parser_;
};

void name_application() {
  QCoreApplication::setOrganizationName(QStringLiteral("MoE Growth Lab"));
  QCoreApplication::setApplicationName(QStringLiteral("moelab"));
  QCoreApplication::setApplicationVersion(QStringLiteral(MOELAB_VERSION));
}

}  // namespace

int main(int argc, char** argv) {
  // First, before any product: the kernels every matrix product of this process runs on.
  const auto kernels = moelab::choose_openblas_kernels();
  WindowCommandLine parser;
  {
    // A QCoreApplication needs no display; it gives the help text the program's name.
    QCoreApplication headless(argc, argv);
    name_application();
    if (const auto exit_code = parser.parse(QCoreApplication::arguments())) return *exit_code;
  }
  QApplication app(argc, argv);
  name_application();
  // The installed desktop entry and icon (cmake/MoelabInstall.cmake) carry the application's id.
  QGuiApplication::setDesktopFileName(QStringLiteral(MOELAB_APP_ID));
  QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral(MOELAB_APP_ID)));
  moelab::ui::register_meta_types();
  moelab::warn_if_reference_blas();
  if (!moelab::report_kernel_choice(kernels)) return kRunFailed;

  const bool quit_at_end = parser.isSet(parser.quit);
  moelab::ui::MainWindow window;
  QString config_error;
  if (parser.isSet(parser.config) && !window.load_experiment(parser.value(parser.config), &config_error)) {
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
    if (parser.isSet(parser.screenshot)) {
      QString error;
      if (!window.save_screenshot(parser.value(parser.screenshot), &error)) {
        complain(error);
        exit_code = kRunFailed;
      }
    }
    if (quit_at_end) window.close();
  };
  if (parser.isSet(parser.autostart)) {
    // Without a display nobody reads the window's report: the reason goes to stderr as well.
    QObject::connect(window.controller(), &moelab::ui::RunController::failed, &window,
                     [](const QString& message) {
                       complain(QStringLiteral("the run failed: ") + message);
                     });
    QObject::connect(&window, &moelab::ui::MainWindow::runEnded, &window, [&](bool completed) {
      QTimer::singleShot(kChartSettleMs, &window, [&, completed] { finish(completed); });
    });
    QTimer::singleShot(0, &window, &moelab::ui::MainWindow::start_run);
  } else if (parser.isSet(parser.screenshot) || quit_at_end) {
    QTimer::singleShot(kChartSettleMs, &window, [&] { finish(true); });
  }
  const int code = app.exec();
  return exit_code != 0 ? exit_code : code;
}
