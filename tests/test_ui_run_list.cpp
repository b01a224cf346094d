// The run list: run folders written by moelab-cli open into it (File > Open run, `moelab
// RUN_DIR...`) and are overlaid on the time charts in their own colours, under the current run;
// names and notes persist in the folders and the list across windows; delete asks first and only
// deletes folders inside the lab folder; folders that hold no run are refused with one sentence.

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QListView>
#include <QMainWindow>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <functional>
#include <memory>

#include "charts/chart_panel.h"
#include "charts/time_series_chart.h"
#include "control_panel.h"
#include "discard_question.h"
#include "io/run_folder.h"
#include "main_window.h"
#include "run_controller.h"
#include "runs/run_list.h"
#include "runs/run_list_view.h"
#include "window_command_line.h"

using moelab::ui::ChartPanel;
using moelab::ui::MainWindow;
using moelab::ui::RunList;
using moelab::ui::TimeSeriesChart;

namespace {

// The title of the dock in front of the report's tab group (the window's tab bar for its docks).
QString front_dock_tab(const QMainWindow& window) {
  for (const QTabBar* bar : window.findChildren<QTabBar*>()) {
    for (int i = 0; i < bar->count(); ++i) {
      if (bar->tabText(i) == QStringLiteral("Report")) return bar->tabText(bar->currentIndex());
    }
  }
  return {};
}

constexpr int kRunTimeoutMs = 120000;

// A short run of moelab-cli into `folder`; true when it wrote a finished run.
bool cli_run(const QString& folder, const QStringList& settings) {
  QProcess cli;
  cli.start(QStringLiteral(MOELAB_CLI_PATH),
            QStringList{"--seed-epochs", "2", "--growth-epochs", "2", "--threads", "1", "--quiet",
                        "--out", folder} +
                settings);
  return cli.waitForFinished(kRunTimeoutMs) && cli.exitStatus() == QProcess::NormalExit &&
         cli.exitCode() == 0 && moelab::run_folder_finished(folder.toStdString());
}

bool write_text(const QString& path, const QByteArray& text) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QByteArray read_text(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Copies a run folder's files (not its checkpoints).
bool copy_run(const QString& from, const QString& to) {
  if (!QDir().mkpath(to)) return false;
  for (const QString& name : QDir(from).entryList(QDir::Files)) {
    if (!QFile::copy(QDir(from).filePath(name), QDir(to).filePath(name))) return false;
  }
  return true;
}

// Answers the next question box by clicking the button `pick` chooses; hands back its text.
void answer_next_box(std::function<bool(QMessageBox*, QAbstractButton*)> pick, QString* text) {
  auto* timer = new QTimer;
  timer->setInterval(10);
  QObject::connect(timer, &QTimer::timeout, timer, [timer, pick, text] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box) return;
    if (text) *text = box->text() + QLatin1Char('\n') + box->informativeText();
    for (QAbstractButton* button : box->buttons()) {
      if (pick(box, button)) {
        button->click();
        break;
      }
    }
    timer->deleteLater();
  });
  timer->start();
}

bool destructive(QMessageBox* box, QAbstractButton* button) {
  return box->buttonRole(button) == QMessageBox::DestructiveRole;
}

bool cancel(QMessageBox* box, QAbstractButton* button) {
  return box->buttonRole(button) == QMessageBox::RejectRole;
}

QString overlay_key(const QString& folder, const char* curve) {
  return QStringLiteral("overlay:%1:%2").arg(folder, QString::fromLatin1(curve));
}

QString clean(const QString& folder) {
  return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

}  // namespace

class TestUiRunList : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir temp_;
  QString lab() const { return temp_.filePath(QStringLiteral("lab")); }
  QString before() const { return temp_.filePath(QStringLiteral("cli/before")); }
  QString after() const { return temp_.filePath(QStringLiteral("cli/after")); }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MoE Growth Lab Tests"));
    QCoreApplication::setApplicationName(QStringLiteral("test_ui_run_list"));
    QSettings().clear();
    QVERIFY(temp_.isValid());
    QSettings().setValue(QStringLiteral("runs/folder"), lab());
    QSettings().setValue(QString::fromLatin1(moelab::ui::DiscardQuestion::kSettingsKey), false);
    // The seed's before and after, as moelab-cli writes them.
    QVERIFY(cli_run(before(), {"--seed", "2", "--cooldown", "0", "--entropy-weight", "0"}));
    QVERIFY(cli_run(after(), {"--seed", "2"}));
  }

  void openingACliRunFolderAddsAndOverlaysIt() {
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    RunList* list = w.run_list();
    QCOMPARE(w.runs_folder(), lab());
    const int listed = list->count();
    QString error;
    QCOMPARE(front_dock_tab(w), QStringLiteral("Report"));  // in front at the start
    QVERIFY2(w.open_run(before(), &error), qPrintable(error));
    // The list that shows the run overlaid comes to the front of its tabs.
    QTRY_COMPARE(front_dock_tab(w), QStringLiteral("Runs"));
    QCOMPARE(list->count(), listed + 1);
    const int row = list->row_of(before());
    QVERIFY(row >= 0);
    QCOMPARE(list->folder(row), clean(before()));
    QVERIFY(list->overlaid(row));
    QVERIFY(!list->in_lab_folder(row));
    QVERIFY(list->state(row).startsWith(QStringLiteral("finished")));
    // Named by its settings: those that differ from the defaults.
    QVERIFY2(list->name(row).contains(QStringLiteral("Seed 2")), qPrintable(list->name(row)));
    QVERIFY2(list->name(row).contains(QStringLiteral("off")), qPrintable(list->name(row)));
    // Selected in the pane, which shows its state and folder.
    QCOMPARE(w.run_list_view()->selected_row(), row);
    QVERIFY(w.run_list_view()
                ->detail_label()
                ->text()
                .remove(QChar(0x200B))
                .contains(QDir::toNativeSeparators(clean(before()))));
    // Its epochs on the charts: 4 epochs, each chart's curve.
    const int epochs =
        static_cast<int>(moelab::RunFolder::rows(before().toStdString(), "metrics.csv").size());
    QCOMPARE(epochs, 4);
    ChartPanel* charts = w.chart_panel();
    for (TimeSeriesChart* chart :
         {charts->accuracy_chart(), charts->loss_chart(), charts->entropy_chart()}) {
      const int line = chart->find_line(
          overlay_key(clean(before()), chart == charts->accuracy_chart() ? "validation"
                                       : chart == charts->loss_chart()   ? "total"
                                                                         : "effective_experts"));
      QVERIFY(line >= 0);
      QCOMPARE(chart->point_count(line), epochs);
      QCOMPARE(chart->line_color(line), list->color(row));
      QVERIFY(chart->line_behind(line));
      QVERIFY(chart->line_name(line).startsWith(list->name(row) + QStringLiteral(": ")));
    }
    // The same folder again: no second entry.
    QVERIFY(w.open_run(before() + QStringLiteral("/"), &error));
    QCOMPARE(list->count(), listed + 1);
    // Remembered: opened from outside the lab folder.
    QVERIFY(QSettings()
                .value(QString::fromLatin1(RunList::kOpenedKey))
                .toStringList()
                .contains(clean(before())));
  }

  void overlayAddsAndRemovesSeries() {
    MainWindow w;
    RunList* list = w.run_list();
    QString error;
    QVERIFY(w.open_run(before(), &error));
    QVERIFY(w.open_run(after(), &error));
    TimeSeriesChart* accuracy = w.chart_panel()->accuracy_chart();
    const int a = accuracy->find_line(overlay_key(clean(before()), "validation"));
    const int b = accuracy->find_line(overlay_key(clean(after()), "validation"));
    QVERIFY(a >= 0 && b >= 0);
    // Each run in its own colour, neither the current run's.
    const QColor own = accuracy->line_color(accuracy->find_line(QStringLiteral("validation")));
    QVERIFY(accuracy->line_color(a) != accuracy->line_color(b));
    QVERIFY(accuracy->line_color(a) != own && accuracy->line_color(b) != own);
    // Thinner than the current run's and drawn under it.
    QVERIFY(accuracy->line_pen(a).widthF() <
            accuracy->line_pen(accuracy->find_line(QStringLiteral("validation"))).widthF());
    QVERIFY(!accuracy->line_behind(accuracy->find_line(QStringLiteral("validation"))));
    // The read-out names the run.
    w.chart_panel()->flush();
    const QVector<QPointF> points = accuracy->points(a);
    QVERIFY(!points.isEmpty());
    const int row_a = list->row_of(before());
    QVERIFY2(accuracy->tooltip_text(points.last().x()).contains(list->name(row_a).toHtmlEscaped()),
             qPrintable(accuracy->tooltip_text(points.last().x())));
    // Kept when the charts start a new run.
    w.chart_panel()->reset({});
    QCOMPARE(accuracy->point_count(accuracy->find_line(overlay_key(clean(before()), "validation"))),
             points.size());
    // Unticking takes it away, the other stays; ticking brings it back.
    const int lines = accuracy->line_count();
    QVERIFY(list->setData(list->index(row_a), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(!list->overlaid(row_a));
    QCOMPARE(accuracy->line_count(), lines - 1);
    QCOMPARE(accuracy->find_line(overlay_key(clean(before()), "validation")), -1);
    QCOMPARE(w.chart_panel()->loss_chart()->find_line(overlay_key(clean(before()), "total")), -1);
    QVERIFY(accuracy->find_line(overlay_key(clean(after()), "validation")) >= 0);
    QCOMPARE(w.chart_panel()->overlay_runs(), QStringList{clean(after())});
    QVERIFY(list->setData(list->index(row_a), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(accuracy->line_count(), lines);
    // A new name reaches the legend.
    QVERIFY(list->set_name(row_a, QStringLiteral("Before the fixes")));
    const int renamed = accuracy->find_line(overlay_key(clean(before()), "validation"));
    QCOMPARE(accuracy->line_name(renamed), QStringLiteral("Before the fixes: validation"));
  }

  void windowRunsAreListedAndNamesAndNotesPersist() {
    QString run_folder;
    {
      MainWindow w;
      RunList* list = w.run_list();
      moelab::RunConfig config;
      config.training.seed_epochs = 1;
      config.training.growth_epochs = 1;
      config.training.threads = 1;
      config.model.top_k = 1;
      w.control_panel()->set_config(config);
      QSignalSpy finished(w.controller(), &moelab::ui::RunController::finished);
      w.start_run();
      run_folder = w.controller()->run_folder();
      QVERIFY(run_folder.startsWith(lab()));
      // Listed from the start, as the current run: on the charts, not overlaid, not deletable.
      int row = list->row_of(run_folder);
      QCOMPARE(row, 0);
      QVERIFY(list->is_current(row));
      QVERIFY(!(list->flags(list->index(row)) & Qt::ItemIsUserCheckable));
      QVERIFY(list->name(row).contains(QStringLiteral("Top-k 1")));
      QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
      row = list->row_of(run_folder);
      QVERIFY2(list->state(row).startsWith(QStringLiteral("finished")),
               qPrintable(list->state(row)));
      QString error;
      QVERIFY(!list->remove(row, &error));
      QVERIFY(!error.isEmpty());
      QVERIFY(QFileInfo::exists(run_folder));
      // A name typed in the list and notes typed in the pane.
      QVERIFY(list->setData(list->index(row), QStringLiteral("Top-1 routing"), Qt::EditRole));
      w.run_list_view()->select(row);
      w.run_list_view()->notes_edit()->setPlainText(QStringLiteral("One expert per sample."));
      QCOMPARE(list->notes(row), QStringLiteral("One expert per sample."));
      QVERIFY(w.open_run(before(), &error));
      QVERIFY(list->set_notes(list->row_of(before()), QStringLiteral("Cooldown and entropy off.")));
      QVERIFY(QFileInfo::exists(QDir(run_folder).filePath(QString::fromLatin1(RunList::kLabFile))));
    }
    // A new window (the next launch): the lab folder's run and the run opened from elsewhere.
    MainWindow again;
    RunList* list = again.run_list();
    const int row = list->row_of(run_folder);
    QVERIFY(row >= 0);
    QVERIFY(!list->is_current(row));
    QVERIFY(list->in_lab_folder(row));
    QCOMPARE(list->name(row), QStringLiteral("Top-1 routing"));
    QCOMPARE(list->notes(row), QStringLiteral("One expert per sample."));
    const int opened = list->row_of(before());
    QVERIFY(opened >= 0);
    QCOMPARE(list->notes(opened), QStringLiteral("Cooldown and entropy off."));
    again.run_list_view()->select(opened);
    QCOMPARE(again.run_list_view()->notes_edit()->toPlainText(),
             QStringLiteral("Cooldown and entropy off."));
    // An empty name goes back to the settings' name.
    QVERIFY(list->set_name(row, QString()));
    QVERIFY(list->name(row).contains(QStringLiteral("Top-k 1")));
  }

  void deleteAsksAndRemoves() {
    // A run in the lab folder and one from elsewhere, copies so that the others' tests keep theirs.
    const QString in_lab = QDir(lab()).filePath(QStringLiteral("copied-run"));
    const QString outside = temp_.filePath(QStringLiteral("elsewhere/run"));
    QVERIFY(copy_run(before(), in_lab));
    QVERIFY(copy_run(before(), outside));
    MainWindow w;
    RunList* list = w.run_list();
    moelab::ui::RunListView* view = w.run_list_view();
    QString error;
    QVERIFY(list->row_of(in_lab) >= 0);  // found in the lab folder
    QVERIFY(w.open_run(outside, &error));

    // Cancel: nothing happens.
    view->select(list->row_of(in_lab));
    QVERIFY(view->delete_button()->isEnabled());
    QString question;
    answer_next_box(cancel, &question);
    view->delete_selected();
    QVERIFY(question.contains(QStringLiteral("deleted from the disk")));
    QVERIFY(list->row_of(in_lab) >= 0);
    QVERIFY(QFileInfo::exists(in_lab));

    // Delete: the folder goes.
    const int count = list->count();
    answer_next_box(destructive, &question);
    view->delete_selected();
    QCOMPARE(list->count(), count - 1);
    QCOMPARE(list->row_of(in_lab), -1);
    QVERIFY(!QFileInfo::exists(in_lab));

    // From elsewhere: it leaves the list (and the remembered folders), the folder stays.
    const int row = list->row_of(outside);
    QVERIFY(list->overlaid(row));
    view->select(row);
    QCOMPARE(view->delete_button()->text(), QStringLiteral("Remove..."));
    answer_next_box(destructive, &question);
    view->delete_selected();
    QVERIFY(question.contains(QStringLiteral("stays where it is")));
    QCOMPARE(list->row_of(outside), -1);
    QVERIFY(QFileInfo::exists(QDir(outside).filePath(QStringLiteral("metrics.csv"))));
    QVERIFY(!w.chart_panel()->overlay_runs().contains(clean(outside)));
    QVERIFY(!QSettings()
                 .value(QString::fromLatin1(RunList::kOpenedKey))
                 .toStringList()
                 .contains(clean(outside)));
  }

  void badFoldersAreRefusedWithAMessage_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << "missing"
                             << "does not exist";
    QTest::newRow("a file") << "file.txt"
                            << "is a file";
    QTest::newRow("empty folder") << "empty"
                                  << "not a run folder";
    QTest::newRow("no settings yet") << "no-config"
                                     << "cannot be opened as a run";
    QTest::newRow("damaged status") << "bad-status"
                                    << "cannot be opened as a run";
  }

  void badFoldersAreRefusedWithAMessage() {
    QFETCH(QString, name);
    QFETCH(QString, expected);
    const QString bad = temp_.filePath(QStringLiteral("bad/") + name);
    QDir().mkpath(temp_.filePath(QStringLiteral("bad")));
    if (name == "file.txt") QVERIFY(write_text(bad, "not a run"));
    if (name == "empty") QVERIFY(QDir().mkpath(bad));
    if (name == "no-config") {
      // A run killed before it wrote its settings: a status, nothing else.
      QVERIFY(QDir().mkpath(bad));
      QVERIFY(
          QFile::copy(QDir(before()).filePath("status.json"), QDir(bad).filePath("status.json")));
    }
    if (name == "bad-status") {
      QVERIFY(copy_run(before(), bad));
      QVERIFY(write_text(QDir(bad).filePath("status.json"), "{\"state\": \"runn"));
    }
    MainWindow w;
    const int count = w.run_list()->count();
    QString error;
    QVERIFY(!w.open_run(bad, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.endsWith(QLatin1Char('.')) && !error.contains(QLatin1Char('\n')),
             qPrintable(error));
    QCOMPARE(w.run_list()->count(), count);
    QVERIFY(w.chart_panel()->overlay_runs().isEmpty());
    // The pane's Open run says the same in a message box.
    QString shown;
    answer_next_box([](QMessageBox*, QAbstractButton*) { return true; }, &shown);
    w.run_list_view()->open_folder(bad);
    QVERIFY2(shown.contains(expected), qPrintable(shown));
    QCOMPARE(w.run_list()->count(), count);
  }

  void interruptedRunOpensWithItsState() {
    // What a killed moelab-cli leaves: a status that says running, held by no process.
    const QString half = temp_.filePath(QStringLiteral("half"));
    QVERIFY(copy_run(before(), half));
    QByteArray status = read_text(QDir(half).filePath("status.json"));
    status.replace("\"finished\"", "\"running\"");
    QVERIFY(write_text(QDir(half).filePath("status.json"), status));
    MainWindow w;
    QString error;
    QVERIFY2(w.open_run(half, &error), qPrintable(error));
    const int row = w.run_list()->row_of(half);
    QVERIFY2(w.run_list()->state(row).startsWith(QStringLiteral("interrupted")),
             qPrintable(w.run_list()->state(row)));
    QVERIFY(w.chart_panel()->overlay_runs().contains(clean(half)));
  }

  void commandLineOpensRunFolders() {
    moelab::ui::WindowCommandLine line(QStringLiteral("test"), QStringLiteral("0"));
    const QString not_a_run = temp_.filePath(QStringLiteral("not-a-run"));
    QVERIFY(QDir().mkpath(not_a_run));
    QVERIFY(!line.parse({QStringLiteral("moelab"), before(), after(), not_a_run}));
    QCOMPARE(line.run_folders().size(), 3);
    MainWindow w;
    QString config_error;
    QStringList run_errors;
    line.show_window(w, &config_error, &run_errors);
    QVERIFY(config_error.isEmpty());
    QCOMPARE(run_errors.size(), 1);
    QVERIFY2(run_errors.first().contains(QStringLiteral("not a run folder")),
             qPrintable(run_errors.first()));
    const QStringList overlays = w.chart_panel()->overlay_runs();
    QVERIFY(overlays.contains(clean(before())) && overlays.contains(clean(after())));
    w.close();

    // No folder at all: refused before any window opens.
    moelab::ui::WindowCommandLine missing(QStringLiteral("test"), QStringLiteral("0"));
    const auto code =
        missing.parse({QStringLiteral("moelab"), temp_.filePath(QStringLiteral("nowhere"))});
    QVERIFY(code.has_value());
    QCOMPARE(*code, moelab::ui::WindowCommandLine::kBadInput);

    // The program: a folder that holds no run is one sentence on stderr, and --quit exits 2.
    QProcess gui;
    QStringList env = QProcess::systemEnvironment();
    env << QStringLiteral("QT_QPA_PLATFORM=offscreen")
        << QStringLiteral("XDG_CONFIG_HOME=") + temp_.filePath(QStringLiteral("xdg-config"))
        << QStringLiteral("XDG_DATA_HOME=") + temp_.filePath(QStringLiteral("xdg-data"));
    gui.setEnvironment(env);
    gui.start(QStringLiteral(MOELAB_GUI_PATH), {before(), not_a_run, QStringLiteral("--quit")});
    QVERIFY(gui.waitForFinished(60000));
    QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
    const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
    QCOMPARE(gui.exitCode(), 2);
    QVERIFY2(err.contains(QStringLiteral("moelab: ")) &&
                 err.contains(QStringLiteral("not a run folder")),
             qPrintable(err));
    QVERIFY2(!err.contains(QDir::toNativeSeparators(clean(before()))), qPrintable(err));
  }
};

QTEST_MAIN(TestUiRunList)
#include "test_ui_run_list.moc"
