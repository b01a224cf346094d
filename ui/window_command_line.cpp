#include "window_command_line.h"

#include <QFileInfo>
#include <cstdio>

#include "main_window.h"
#include "presentation_mode.h"

namespace moelab::ui {

WindowCommandLine::WindowCommandLine(const QString& summary, const QString& version)
    : version_(version) {
  parser_.setApplicationDescription(summary);
  parser_.addHelpOption();
  parser_.addVersionOption();
  parser_.addOptions({config, autostart, screenshot, quit, presentation});
  parser_.addPositionalArgument(
      QStringLiteral("RUN_DIR"),
      QStringLiteral("Run folders (written by moelab-cli or the window) to add to the run list "
                     "and overlay on the charts."),
      QStringLiteral("[RUN_DIR...]"));
}

void WindowCommandLine::complain(const QString& message) {
  std::fprintf(stderr, "moelab: %s\n", qPrintable(message));
}

std::optional<int> WindowCommandLine::parse(const QStringList& arguments) {
  if (!parser_.parse(arguments)) {
    complain(parser_.errorText() + QStringLiteral(" (see --help)"));
    return kBadInput;
  }
  if (parser_.isSet(QStringLiteral("help")) || parser_.isSet(QStringLiteral("help-all"))) {
    std::fputs(qPrintable(parser_.helpText()), stdout);
    return 0;
  }
  if (parser_.isSet(QStringLiteral("version"))) {
    std::printf("moelab %s\n", qPrintable(version_));
    return 0;
  }
  // A word that is no folder at all is a mistake on the command line, answered before any window
  // opens; a folder that holds no run is the window's to explain.
  for (const QString& folder : run_folders()) {
    if (!QFileInfo(folder).isDir()) {
      complain(QStringLiteral("'%1' is not a folder: RUN_DIR arguments are run folders written by "
                              "moelab-cli or the window (see --help)")
                   .arg(folder));
      return kBadInput;
    }
  }
  return std::nullopt;
}

void WindowCommandLine::show_window(MainWindow& window, QString* config_error,
                                    QStringList* run_errors) const {
  QString error;
  if (isSet(config)) window.load_experiment(value(config), &error);
  if (config_error) *config_error = error;
  for (const QString& folder : run_folders()) {
    if (!window.open_run(folder, &error) && run_errors) *run_errors << error;
  }
  if (isSet(presentation)) {
    window.presentation()->set_active(true);
  } else {
    window.show();
  }
}

}  // namespace moelab::ui
