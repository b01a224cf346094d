#include "window_command_line.h"

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
  if (!parser_.positionalArguments().isEmpty()) {
    complain(QStringLiteral("unexpected argument '%1' (see --help)")
                 .arg(parser_.positionalArguments().constFirst()));
    return kBadInput;
  }
  return std::nullopt;
}

void WindowCommandLine::show_window(MainWindow& window, QString* config_error) const {
  QString error;
  if (isSet(config)) window.load_experiment(value(config), &error);
  if (config_error) *config_error = error;
  if (isSet(presentation)) {
    window.presentation()->set_active(true);
  } else {
    window.show();
  }
}

}  // namespace moelab::ui
