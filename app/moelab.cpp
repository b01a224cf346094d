// moelab: the lab's window. Parses its command line (ui/window_command_line.h), shows MainWindow,
// and for scripted use (CI, documentation screenshots) can start a run, grab the window when it
// ends, and quit.

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>

#include "main_window.h"
#include "meta_types.h"
#include "util/blas_check.h"
#include "util/openblas_kernels.h"
#include "window_command_line.h"

namespace {

// Exit codes: 0 ok, 1 the run or the screenshot failed, 2 bad command line or config file.
constexpr int kRunFailed = 1;
constexpr int kBadInput = moelab::ui::WindowCommandLine::kBadInput;
constexpr int kChartSettleMs = 400;  // lets the throttled charts draw the last points

void complain(const QString& message) { moelab::ui::WindowCommandLine::complain(message); }

void name_application() {
  QCoreApplication::setOrganizationName(QStringLiteral("MoE Growth Lab"));
  QCoreApplication::setApplicationName(QStringLiteral("moelab"));
  QCoreApplication::setApplicationVersion(QStringLiteral(MOELAB_VERSION));
}

}  // namespace

int main(int argc, char** argv) {
  // First, before any product: the kernels every matrix product of this process runs on.
  const auto kernels = moelab::choose_openblas_kernels();
  moelab::ui::WindowCommandLine parser(QStringLiteral(MOELAB_SUMMARY "."),
                                       QStringLiteral(MOELAB_VERSION));
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
  // A figure made in one command leaves the next interactive start as it was: not its
  // experiment, not its window size.
  if (quit_at_end) window.set_remembers_settings(false);
  QString config_error;
  QStringList run_errors;
  parser.show_window(window, &config_error, &run_errors);
  if (!config_error.isEmpty()) {
    complain(config_error);
    if (quit_at_end) return kBadInput;
    QMessageBox::warning(
        &window, QStringLiteral("Open experiment"),
        QStringLiteral("%1\n\nThe last settings are used instead.").arg(config_error));
  }
  if (!run_errors.isEmpty()) {
    for (const QString& error : run_errors) complain(error);
    if (quit_at_end) return kBadInput;
    QMessageBox::warning(&window, QStringLiteral("Open run"), run_errors.join(QLatin1Char('\n')));
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
    QObject::connect(
        window.controller(), &moelab::ui::RunController::failed, &window,
        [](const QString& message) { complain(QStringLiteral("the run failed: ") + message); });
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
