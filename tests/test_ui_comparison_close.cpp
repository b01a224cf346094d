// Nothing a comparison finished is thrown away without a question: closing a comparison whose
// finished runs are in no file asks (Cancel keeps the window and its runs, "Close without saving"
// closes it), as does closing one whose runs still train; a saved or opened comparison closes at
// once; closing the main window asks for its comparison, and Cancel there keeps both open.
// Runs offscreen.

#include <QMessageBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "comparison/comparison_controller.h"
#include "comparison/comparison_window.h"
#include "main_window.h"
#include "support/message_box_answerer.h"
#include "support/ui_test_setup.h"

using moelab::RunConfig;
using moelab::ui::ComparisonWindow;
using moelab::ui::MainWindow;

namespace {

constexpr int kRunTimeoutMs = 120000;

// A/B (all fixes off, all on) over two seeds, set up in `w`, run to its end.
bool run_to_the_end(ComparisonWindow& w, const RunConfig& config) {
  w.set_base_config(config);
  w.choose_ab();
  w.seeds_spin()->setValue(2);
  QSignalSpy ended(&w, &ComparisonWindow::comparisonEnded);
  return w.start() && ended.wait(kRunTimeoutMs);
}

}  // namespace

class TestUiComparisonClose : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { use_test_settings("test_ui_comparison_close"); }

  void finishedRunsNobodySavedAskFirst() {
    ComparisonWindow w;
    w.show();
    QVERIFY(run_to_the_end(w, tiny_config()));
    QVERIFY(w.unsaved());
    {
      MessageBoxAnswerer cancel(QMessageBox::RejectRole);
      QVERIFY(!w.close());
      QCOMPARE(cancel.asked(), 1);
      QVERIFY2(cancel.text().contains(QStringLiteral("4 finished runs")),
               qPrintable(cancel.text()));
      QVERIFY(w.isVisible());
      QVERIFY(w.unsaved());
    }
    MessageBoxAnswerer discard(QMessageBox::DestructiveRole);
    QVERIFY(w.close());
    QCOMPARE(discard.asked(), 1);
    QVERIFY(!w.isVisible());
  }

  void aSavedOrOpenedComparisonClosesAtOnce() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("comparison.json"));
    {
      ComparisonWindow w;
      w.show();
      QVERIFY(run_to_the_end(w, tiny_config()));
      QString error;
      QVERIFY2(w.save_comparison(path, &error), qPrintable(error));
      QVERIFY(!w.unsaved());
      MessageBoxAnswerer watch(QMessageBox::RejectRole);
      QVERIFY(w.close());
      QCOMPARE(watch.asked(), 0);
    }
    ComparisonWindow opened;
    opened.show();
    QString error;
    QVERIFY2(opened.open_comparison(path, &error), qPrintable(error));
    QVERIFY(!opened.unsaved());
    MessageBoxAnswerer watch(QMessageBox::RejectRole);
    QVERIFY(opened.close());
    QCOMPARE(watch.asked(), 0);
  }

  void runsStillTrainingAskFirst() {
    RunConfig config = tiny_config();
    config.training.growth_epochs = 500;
    ComparisonWindow w;
    w.show();
    w.set_base_config(config);
    w.choose_ab();
    QSignalSpy epochs(w.controller(), &moelab::ui::ComparisonController::epochReported);
    QVERIFY(w.start());
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    {
      MessageBoxAnswerer cancel(QMessageBox::RejectRole);
      QVERIFY(!w.close());
      QCOMPARE(cancel.asked(), 1);
      QVERIFY2(cancel.text().contains(QStringLiteral("still training")), qPrintable(cancel.text()));
      QVERIFY(w.controller()->running());  // Cancel: the runs go on
    }
    MessageBoxAnswerer discard(QMessageBox::DestructiveRole);
    QVERIFY(w.close());
    QVERIFY(!w.controller()->running());
  }

  void closingTheMainWindowAsksForItsComparison() {
    MainWindow main;
    main.show();
    main.open_comparison();
    ComparisonWindow* comparison = main.comparison_window();
    QVERIFY(comparison);
    QVERIFY(run_to_the_end(*comparison, tiny_config()));
    {
      MessageBoxAnswerer cancel(QMessageBox::RejectRole);
      QVERIFY(!main.close());
      QCOMPARE(cancel.asked(), 1);
      QVERIFY(main.isVisible());
      QVERIFY(comparison->isVisible());
    }
    MessageBoxAnswerer discard(QMessageBox::DestructiveRole);
    QVERIFY(main.close());
    QVERIFY(!main.isVisible());
  }
};

QTEST_MAIN(TestUiComparisonClose)
#include "test_ui_comparison_close.moc"
