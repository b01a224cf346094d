#pragma once
// moelab's command line. Each option is described once, below (its names, help and value), and
// --help, the parser and what the window does with it all come from that description. Parsing
// needs no display, so --help, --version and a bad option are answered before a QApplication
// exists (help2man and a packager run them headless).

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <optional>

namespace moelab::ui {

class MainWindow;

class WindowCommandLine {
 public:
  // Exit code of a bad command line or config file.
  static constexpr int kBadInput = 2;

  // `summary` heads --help; `version` is what --version prints after the program's name.
  WindowCommandLine(const QString& summary, const QString& version);

  // Returns the exit code when the process should end here (help, version, bad option).
  std::optional<int> parse(const QStringList& arguments);

  bool isSet(const QCommandLineOption& option) const { return parser_.isSet(option); }
  QString value(const QCommandLineOption& option) const { return parser_.value(option); }

  // Loads --config into `window` and adds the RUN_DIR arguments to its run list (overlaid), then
  // shows it: in presentation mode with --presentation. A config that cannot be used keeps the
  // window's settings and leaves its reason in `config_error` (empty otherwise); each folder
  // that holds no run leaves one sentence in `run_errors`.
  void show_window(MainWindow& window, QString* config_error,
                   QStringList* run_errors = nullptr) const;
  // The RUN_DIR arguments: run folders to open.
  QStringList run_folders() const { return parser_.positionalArguments(); }

  // A message on stderr, as "moelab: MESSAGE".
  static void complain(const QString& message);

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
  const QCommandLineOption presentation{
      QStringLiteral("presentation"),
      QStringLiteral("Open in presentation mode: full screen, larger type, the three switches and "
                     "two large charts (F5 leaves it).")};

 private:
  QCommandLineParser parser_;
  QString version_;
};

}  // namespace moelab::ui
