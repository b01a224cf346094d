// The comparison window end to end, offscreen: a 2-arm x 2-seed comparison runs to completion and
// its table matches the runs' own reports; cancel keeps finished runs and stops every worker;
// save then open restores the table; a bad file is refused without touching the current state;
// each teaching preset sets the switches the core says and shows its explanation; the file keeps
// the loss terms by their catalog names, the test accuracies, the router figures, the split effects
// and the criteria's intervals, and still reads files written before them; a swept setting crosses
// the checked arms, is refused with the reason when its values do not fit, and comes back from
// the file.
// MOELAB_COMPARE_SCREENSHOT=path additionally runs 8 arms x 2 seeds and saves the window there,
// with the accuracy chart hovered (its guide and read-out).

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "ablation/comparison_file.h"
#include "ablation/preset.h"
#include "comparison/arm_palette.h"
#include "comparison/comparison_chart_view.h"
#include "comparison/comparison_charts.h"
#include "comparison/comparison_controller.h"
#include "comparison/comparison_window.h"
#include "comparison/summary_table_model.h"
#include "comparison/sweep_chooser.h"
#include "control_panel.h"
#include "main_window.h"
#include "support/message_box_answerer.h"
#include "switch_button.h"
#include "training/loss_term_catalog.h"

using moelab::RunConfig;
using moelab::ui::ComparisonCharts;
using moelab::ui::ComparisonWindow;
using moelab::ui::MainWindow;
using moelab::ui::SummaryTableModel;

namespace {

constexpr int kRunTimeoutMs = 60000;

RunConfig tiny_config() {
  RunConfig c;  // embedded digits
  c.training.seed_epochs = 2;
  c.training.growth_epochs = 2;
  return c;
}

std::unique_ptr<ComparisonWindow> two_by_two(const RunConfig& config) {
  auto w = std::make_unique<ComparisonWindow>();
  w->set_base_config(config);
  w->choose_ab();  // pce and PCE
  w->seeds_spin()->setValue(2);
  return w;
}

// Every cell's text of the (sorted) table, row by row.
QStringList table_text(const ComparisonWindow& w) {
  QStringList cells;
  const auto* m = w.table_proxy();
  for (int r = 0; r < m->rowCount(); ++r) {
    for (int c = 0; c < m->columnCount(); ++c) cells << m->index(r, c).data().toString();
  }
  return cells;
}

// One finished run with every field the file keeps set to something recognisable.
moelab::Comparison science_comparison() {
  moelab::Comparison c;
  c.arms = moelab::parse_arms("PCE", c.base.fixes);
  c.seeds = {7};
  moelab::ArmSeedResult r;
  r.seed = 7;
  r.result.seed_val_accuracy = 0.81;
  r.result.seed_test_accuracy = 0.8;
  r.result.test_accuracy = 0.83;
  r.result.diverged = "loss was NaN at step 12";
  moelab::EpochMetrics m;
  m.epoch = 1;
  m.step = 20;
  m.loss_total = 0;
  for (std::size_t i = 0; i < moelab::loss_term_catalog().size(); ++i) {
    m.loss_terms.push_back(0.5 + static_cast<double>(i));
    m.loss_total += m.loss_terms.back();
  }
  m.val_accuracy = 0.82;
  m.effective_experts = 3.25;
  m.load_violation = 0.5;
  m.router_task_grad_norm = 0.125;
  m.router_task_grad = {0.1f, 0.0f, 0.05f};
  m.experts = 3;
  m.utilization = {1.0f, 0.0f, 1.0f};
  r.result.epochs.push_back(m);
  r.result.accuracy_history.push_back(m.val_accuracy);
  r.result.splits.push_back(moelab::SplitEvent{1, 20, 0, 2, 0.82, 0.8, 0.04});
  moelab::PhaseReport report;
  report.test_accuracy = 0.83;
  report.seed_test_accuracy = 0.8;
  report.test_size = 360;
  report.effective_experts = 3.25;
  report.load_violation = 0.5;
  report.split_budget = 4;
  report.diverged = r.result.diverged;
  moelab::Criterion accuracy;
  accuracy.name = "accuracy_not_below_seed";
  accuracy.passed = true;
  accuracy.value = 0.03;
  accuracy.detail = "+3.0 points";
  accuracy.ci95 = std::make_pair(-0.01, 0.07);
  accuracy.p_value = 0.2;
  moelab::Criterion dormant;
  dormant.name = "no_dormant_experts";
  dormant.value = 1;
  dormant.detail = "1 dormant";
  report.criteria = {accuracy, dormant};
  r.result.report = report;
  c.results.push_back(r);
  return c;
}

}  // namespace

class TestUiComparison : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(temp_.isValid());
  }

  void comparisonRunsToCompletion() {
    auto w = two_by_two(tiny_config());
    QSignalSpy ended(w.get(), &ComparisonWindow::comparisonEnded);
    QSignalSpy epochs(w->controller(), &moelab::ui::ComparisonController::epochReported);
    QTest::mouseClick(w->start_button(), Qt::LeftButton);
    QVERIFY(w->controller()->running());
    QVERIFY(!w->start_button()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kRunTimeoutMs);
    QCOMPARE(ended.at(0).at(0).toBool(), false);
    QCOMPARE(epochs.count(), 4 * 4);
    const auto& results = w->comparison().results;
    QCOMPARE(static_cast<int>(results.size()), 4);
    auto* model = w->table_model();
    QCOMPARE(model->rowCount(), 2);
    for (int row = 0; row < 2; ++row) {
      double sum = 0;
      int n = 0;
      for (const auto& r : results) {
        if (static_cast<int>(r.arm) != row) continue;
        QVERIFY(r.result.report.has_value());
        sum += r.result.report->test_accuracy;
        ++n;
      }
      QCOMPARE(n, 2);
      const double shown = model->index(row, SummaryTableModel::TestAccuracy)
                               .data(SummaryTableModel::kSortRole)
                               .toDouble();
      QCOMPARE(shown, sum / n);
      QCOMPARE(model->index(row, SummaryTableModel::Runs).data().toString(),
               QStringLiteral("2 / 2"));
    }
    // The charts hold a band of every epoch for each arm.
    QVERIFY(w->charts()->band(0, moelab::ui::ComparisonCharts::Accuracy).size() == 4);
    // Sortable by the numbers behind the cells.
    w->table_view()->sortByColumn(SummaryTableModel::TestAccuracy, Qt::DescendingOrder);
    const auto* proxy = w->table_proxy();
    QVERIFY(proxy->index(0, SummaryTableModel::TestAccuracy)
                .data(SummaryTableModel::kSortRole)
                .toDouble() >= proxy->index(1, SummaryTableModel::TestAccuracy)
                                   .data(SummaryTableModel::kSortRole)
                                   .toDouble());
    // Small multiples: one chart per arm.
    w->set_layout_mode(true);
    QCOMPARE(w->charts()->chart_count(), 2);
    w->set_layout_mode(false);
    QCOMPARE(w->charts()->chart_count(), static_cast<int>(ComparisonCharts::MetricCount));
    // Every per-epoch figure the runs report is charted: the new ones are the runs' own means.
    for (const auto metric : {ComparisonCharts::EffectiveExperts, ComparisonCharts::LoadViolation,
                              ComparisonCharts::Similarity}) {
      const auto band = w->charts()->band(0, metric);
      QCOMPARE(band.size(), std::size_t(4));
      double sum = 0;
      int n = 0;
      for (const auto& r : results) {
        if (r.arm != 0) continue;
        const auto& last = r.result.epochs.back();
        sum += metric == ComparisonCharts::EffectiveExperts ? last.effective_experts
               : metric == ComparisonCharts::LoadViolation  ? last.load_violation
                                                            : last.expert_similarity;
        ++n;
      }
      QVERIFY(qAbs(band.back().mean - sum / n) < 1e-9);
    }
    // Exports are the core's table.
    QString error;
    const QString csv = temp_.filePath(QStringLiteral("t.csv"));
    const QString md = temp_.filePath(QStringLiteral("t.md"));
    QVERIFY2(w->export_csv(csv, &error), qPrintable(error));
    QVERIFY2(w->export_markdown(md, &error), qPrintable(error));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().startsWith("arm,code,runs"));

    // Save, then open into a fresh window: the same table, cell for cell.
    const QString path = temp_.filePath(QStringLiteral("cmp.json"));
    QVERIFY2(w->save_comparison(path, &error), qPrintable(error));
    auto other = std::make_unique<ComparisonWindow>();
    QVERIFY2(other->open_comparison(path, &error), qPrintable(error));
    other->table_view()->sortByColumn(SummaryTableModel::TestAccuracy, Qt::DescendingOrder);
    QCOMPARE(table_text(*other), table_text(*w));
    QCOMPARE(other->comparison().seeds, w->comparison().seeds);
    QCOMPARE(other->seeds_spin()->value(), 2);
    QVERIFY(other->arm_box(0)->isChecked() && other->arm_box(7)->isChecked());
    for (int c = 0; c < SummaryTableModel::ColumnCount; ++c) {
      for (int r = 0; r < 2; ++r) {
        QCOMPARE(other->table_model()->index(r, c).data(SummaryTableModel::kSortRole),
                 w->table_model()->index(r, c).data(SummaryTableModel::kSortRole));
      }
    }
    // The charts were redrawn from the file.
    QCOMPARE(other->charts()->band(1, moelab::ui::ComparisonCharts::Experts).size(),
             w->charts()->band(1, moelab::ui::ComparisonCharts::Experts).size());
    // A bad file: an error, and the table stays as it was.
    const QStringList before = table_text(*other);
    for (const QByteArray& bad :
         {QByteArray("not json"), QByteArray("{\"format\": \"something else\"}"),
          QByteArray("{\"format\": \"moelab-comparison\", \"version\": 1, \"base\": {}, "
                     "\"arms\": [\"XYZ\"], \"seeds\": [1], \"runs\": []}"),
          QByteArray("{\"format\": \"moelab-comparison\", \"version\": 1, \"base\": {}, "
                     "\"arms\": [\"PCE\"], \"seeds\": [1], \"runs\": [{\"arm\": 5}]}")}) {
      const QString bad_path = temp_.filePath(QStringLiteral("bad.json"));
      QFile b(bad_path);
      QVERIFY(b.open(QIODevice::WriteOnly | QIODevice::Truncate));
      b.write(bad);
      b.close();
      error.clear();
      QVERIFY(!other->open_comparison(bad_path, &error));
      QVERIFY(!error.isEmpty());
      QCOMPARE(table_text(*other), before);
    }
    QVERIFY(!other->open_comparison(temp_.filePath(QStringLiteral("missing.json")), &error));
  }

  // A/B arms must stay apart for a colour-blind reader: simulated deuteranopia and protanopia
  // (Machado et al. 2009, full severity) keep the two arms' colours far apart, which the
  // palette before this one (tab10's blue and cyan for no fixes and all fixes) did not.
  void armColoursStayApartForColourBlindReaders() {
    using moelab::ui::ArmPalette;
    const auto linear = [](int c) {
      const double v = c / 255.0;
      return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    const auto encoded = [](double v) {
      v = std::clamp(v, 0.0, 1.0);
      return 255.0 * (v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1 / 2.4) - 0.055);
    };
    using Matrix = std::array<std::array<double, 3>, 3>;
    const Matrix deutan = {{{0.367322, 0.860646, -0.227968},
                            {0.280085, 0.672501, 0.047413},
                            {-0.011820, 0.042940, 0.968881}}};
    const Matrix protan = {{{0.152286, 1.052583, -0.204868},
                            {0.114503, 0.786281, 0.099216},
                            {-0.003882, -0.048116, 1.051998}}};
    const auto distance = [&](const QColor& a, const QColor& b, const Matrix& m) {
      double squares = 0;
      for (int row = 0; row < 3; ++row) {
        const auto seen = [&](const QColor& c) {
          return encoded(m[row][0] * linear(c.red()) + m[row][1] * linear(c.green()) +
                         m[row][2] * linear(c.blue()));
        };
        squares += std::pow(seen(a) - seen(b), 2);
      }
      return std::sqrt(squares);
    };
    const auto apart = [&](const QColor& a, const QColor& b) {
      return std::min(distance(a, b, deutan), distance(a, b, protan)) > 150;
    };
    QVERIFY(apart(ArmPalette::color(0), ArmPalette::color(7)));  // no fixes, all fixes
    QVERIFY(apart(ArmPalette::color(0), ArmPalette::color(1)));  // a sweep's first two
    QVERIFY(!apart(QColor(0x1f77b4), QColor(0x17becf)));         // what it was
    for (int a = 0; a < ArmPalette::kSize; ++a) {
      for (int b = a + 1; b < ArmPalette::kSize; ++b) {
        QVERIFY(ArmPalette::color(a) != ArmPalette::color(b));
      }
    }
  }

  void fileKeepsTheScienceFields() {
    const moelab::Comparison written = science_comparison();
    const QByteArray bytes = QByteArray::fromStdString(moelab::comparison_to_json(written));
    // Loss terms are keyed by the catalog's names, not by position.
    const QJsonObject epoch = QJsonDocument::fromJson(bytes)["runs"][0]["epochs"][0].toObject();
    const QJsonObject terms = epoch["loss_terms"].toObject();
    const auto& catalog = moelab::loss_term_catalog();
    QCOMPARE(terms.size(), static_cast<qsizetype>(catalog.size()));
    for (std::size_t i = 0; i < catalog.size(); ++i) {
      QCOMPARE(terms[QString::fromStdString(catalog[i].name)].toDouble(), 0.5 + i);
    }

    moelab::Comparison read;
    std::string error;
    QVERIFY2(moelab::comparison_from_json(bytes.toStdString(), &read, &error), error.c_str());
    const moelab::RunResult& r = read.results.at(0).result;
    const moelab::RunResult& w = written.results.at(0).result;
    QCOMPARE(r.seed_test_accuracy, w.seed_test_accuracy);
    QCOMPARE(r.test_accuracy, w.test_accuracy);
    QCOMPARE(r.diverged, w.diverged);
    const moelab::EpochMetrics& m = r.epochs.at(0);
    QCOMPARE(m.loss_terms, w.epochs[0].loss_terms);
    QCOMPARE(m.loss_total, w.epochs[0].loss_total);
    QCOMPARE(m.effective_experts, 3.25);
    QCOMPARE(m.load_violation, 0.5);
    QCOMPARE(m.router_task_grad_norm, 0.125);
    QCOMPARE(m.router_task_grad, w.epochs[0].router_task_grad);
    const moelab::SplitEvent& s = r.splits.at(0);
    QCOMPARE(s.val_accuracy_before, 0.82);
    QCOMPARE(s.val_accuracy_after, 0.8);
    QCOMPARE(s.changed_predictions, 0.04);
    QVERIFY(r.report.has_value());
    QCOMPARE(r.report->test_size, 360);
    QCOMPARE(r.report->split_budget, 4);
    QCOMPARE(r.report->diverged, w.diverged);
    QCOMPARE(r.report->effective_experts, 3.25);
    const moelab::Criterion& accuracy = r.report->criteria.at(0);
    QVERIFY(accuracy.ci95.has_value());
    QCOMPARE(accuracy.ci95->first, -0.01);
    QCOMPARE(accuracy.ci95->second, 0.07);
    QCOMPARE(accuracy.p_value.value_or(-1), 0.2);
    QVERIFY(!r.report->criteria.at(1).ci95.has_value());
    QVERIFY(!r.report->criteria.at(1).p_value.has_value());
  }

  void fileWithoutTheScienceFieldsStillReads() {
    // A file from before the test split: none of the new keys.
    QJsonObject root =
        QJsonDocument::fromJson(
            QByteArray::fromStdString(moelab::comparison_to_json(science_comparison())))
            .object();
    QJsonArray runs = root["runs"].toArray();
    QJsonObject run = runs[0].toObject();
    for (const char* key : {"seed_test_accuracy", "test_accuracy", "diverged"}) run.remove(key);
    QJsonArray epochs = run["epochs"].toArray();
    QJsonObject epoch = epochs[0].toObject();
    for (const char* key : {"loss_total", "loss_terms", "effective_experts", "load_violation",
                            "router_task_grad_norm", "router_task_grad"}) {
      epoch.remove(key);
    }
    epochs[0] = epoch;
    run["epochs"] = epochs;
    QJsonArray splits = run["splits"].toArray();
    QJsonObject split = splits[0].toObject();
    for (const char* key : {"val_accuracy_before", "val_accuracy_after", "changed_predictions"}) {
      split.remove(key);
    }
    splits[0] = split;
    run["splits"] = splits;
    run.remove("report");
    runs[0] = run;
    root["runs"] = runs;
    moelab::Comparison read;
    std::string error;
    QVERIFY2(
        moelab::comparison_from_json(QJsonDocument(root).toJson().toStdString(), &read, &error),
        error.c_str());
    const moelab::RunResult& r = read.results.at(0).result;
    QVERIFY(r.epochs.at(0).loss_terms.empty());
    QVERIFY(r.epochs.at(0).router_task_grad.empty());
    QCOMPARE(r.test_accuracy, 0.0);
    QCOMPARE(r.splits.at(0).changed_predictions, 0.0);
    QCOMPARE(r.epochs.at(0).val_accuracy, 0.82);
  }

  // "Vary a setting" crosses the checked arms with its values, as ablate --vary does.
  void sweptSettingCrossesTheArms() {
    auto w = two_by_two(tiny_config());
    w->seeds_spin()->setValue(1);
    auto* key = w->sweep_chooser()->key_box();
    auto* values = w->sweep_chooser()->values_edit();
    QVERIFY(!values->isEnabled());
    key->setCurrentIndex(key->findData(QStringLiteral("model.top_k")));
    QVERIFY(values->isEnabled());

    values->setText(QStringLiteral("1,0"));
    QString error;
    QVERIFY(!w->start(&error));
    QVERIFY2(error.contains(QStringLiteral("model.top_k")), qPrintable(error));
    QVERIFY(!w->controller()->running());

    values->setText(QStringLiteral("1,2"));
    QSignalSpy ended(w.get(), &ComparisonWindow::comparisonEnded);
    QVERIFY2(w->start(&error), qPrintable(error));
    const auto& arms = w->comparison().arms;
    QCOMPARE(arms.size(), std::size_t(4));
    QCOMPARE(QString::fromStdString(moelab::arm_id(arms.front())), QString("PCE+model.top_k=1"));
    QCOMPARE(QString::fromStdString(moelab::arm_id(arms.back())), QString("pce+model.top_k=2"));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kRunTimeoutMs);
    QCOMPARE(w->table_model()->rowCount(), 4);
    for (const auto& r : w->comparison().results) {
      QCOMPARE(r.result.config.model.top_k, r.arm % 2 == 0 ? 1 : 2);
    }

    // Saved and opened in a fresh window, the sweep is shown again, so Start replays it.
    const QString path = temp_.filePath(QStringLiteral("swept.json"));
    QVERIFY2(w->save_comparison(path, &error), qPrintable(error));
    ComparisonWindow reopened;
    QVERIFY2(reopened.open_comparison(path, &error), qPrintable(error));
    QCOMPARE(reopened.sweep_chooser()->key_box()->currentData().toString(), QString("model.top_k"));
    QCOMPARE(reopened.sweep_chooser()->values_edit()->text(), QString("1,2"));
    QCOMPARE(reopened.comparison().arms.size(), std::size_t(4));
  }

  void cancelKeepsFinishedRuns() {
    // One run at a time, cancelled the moment the first has finished: the others are running or
    // queued, never finished. The runs are long enough (30 epochs each) that the click lands
    // before the next one ends; polling for the first run's end instead let a tiny run or two
    // more finish between two polls.
    auto config = tiny_config();
    config.training.growth_epochs = 28;
    auto w = two_by_two(config);
    w->controller()->set_max_jobs(1);
    QSignalSpy finished_runs(w->controller(), &moelab::ui::ComparisonController::runFinished);
    QSignalSpy ended(w.get(), &ComparisonWindow::comparisonEnded);
    connect(w->controller(), &moelab::ui::ComparisonController::runFinished, w.get(),
            [button = w->cancel_button()] { QTest::mouseClick(button, Qt::LeftButton); });
    QVERIFY(w->start());
    QTRY_VERIFY_WITH_TIMEOUT(finished_runs.count() >= 1, kRunTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 20000);
    QVERIFY(!w->controller()->running());
    const int kept = static_cast<int>(w->comparison().results.size());
    QVERIFY(kept >= 1);
    QVERIFY(kept < 4);
    QCOMPARE(w->table_model()->rowCount(), 2);
    int runs = 0;
    for (int r = 0; r < 2; ++r) {
      runs += w->table_model()
                  ->index(r, SummaryTableModel::Runs)
                  .data(SummaryTableModel::kSortRole)
                  .toInt();
    }
    QCOMPARE(runs, kept);
    QVERIFY(w->start_button()->isEnabled());
  }

  void closingMidComparisonIsSafe() {
    RunConfig config = tiny_config();
    config.training.growth_epochs = 500;
    auto w = two_by_two(config);
    w->show();
    QSignalSpy epochs(w->controller(), &moelab::ui::ComparisonController::epochReported);
    QVERIFY(w->start());
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, kRunTimeoutMs);
    QElapsedTimer t;
    t.start();
    MessageBoxAnswerer discard(QMessageBox::DestructiveRole);  // "runs still training"
    QVERIFY(w->close());
    QCOMPARE(discard.asked(), 1);
    w.reset();  // joins every worker
    QVERIFY(t.elapsed() < 20000);
  }

  void presetsSetSwitchesAndExplain() {
    MainWindow w;
    const auto& all = moelab::presets();
    QCOMPARE(w.control_panel()->preset_box()->count(), static_cast<int>(all.size()) + 1);
    for (int i = 0; i < static_cast<int>(all.size()); ++i) {
      const auto& p = all[static_cast<std::size_t>(i)];
      // Through the chooser near the switches, like a user.
      w.control_panel()->preset_box()->setCurrentIndex(i + 1);
      Q_EMIT w.control_panel()->preset_box()->activated(i + 1);
      const auto fixes = w.control_panel()->fixes();
      QCOMPARE(fixes.projection_fix, p.projection_fix);
      QCOMPARE(fixes.cooldown, p.cooldown);
      QCOMPARE(fixes.entropy_loss, p.entropy_loss);
      QCOMPARE(w.control_panel()->projection_switch()->isChecked(), p.projection_fix);
      QVERIFY(!w.preset_label()->isHidden());
      const QString text = w.preset_label()->text();
      QVERIFY(text.contains(QString::fromStdString(p.title).toHtmlEscaped()));
      const QString first_line =
          QString::fromStdString(p.explanation).section(QLatin1Char('\n'), 0, 0);
      QVERIFY2(text.contains(first_line.toHtmlEscaped()), qPrintable(text));
      // Its other settings too, and the previous preset's are taken back.
      const RunConfig expected = p.apply(RunConfig());
      QVERIFY(w.control_panel()->config().training.growth == expected.training.growth);
      QCOMPARE(w.control_panel()->config().model.top_k, expected.model.top_k);
      QCOMPARE(w.control_panel()->config().model.initial_experts, expected.model.initial_experts);
    }
    Q_EMIT w.control_panel()->preset_box()->activated(1);
    QVERIFY(w.control_panel()->config().training.growth == moelab::Growth::Heuristic);
    QCOMPARE(w.control_panel()->config().model.top_k, RunConfig().model.top_k);
    // The Compare menu opens the comparison window with the panel's settings as its base.
    w.control_panel()->set_config(tiny_config());
    w.open_comparison();
    QVERIFY(w.comparison_window() != nullptr);
    QCOMPARE(w.comparison_window()->base_config().training.growth_epochs, 2);
  }

  void screenshotOfFullGrid() {
    const QByteArray path = qgetenv("MOELAB_COMPARE_SCREENSHOT");
    if (path.isEmpty()) QSKIP("set MOELAB_COMPARE_SCREENSHOT=file.png to take the screenshot");
    RunConfig config;
    config.training.seed_epochs = 6;
    config.training.growth_epochs = 10;
    config.fixes.cooldown_epochs = 3;
    ComparisonWindow w;
    w.set_base_config(config);
    for (int i = 0; i < ComparisonWindow::kGridArms; ++i) w.arm_box(i)->setChecked(true);
    w.seeds_spin()->setValue(2);
    w.resize(1600, 1000);
    w.show();
    QSignalSpy ended(&w, &ComparisonWindow::comparisonEnded);
    QVERIFY(w.start());
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 600000);
    w.table_view()->sortByColumn(SummaryTableModel::TestAccuracy, Qt::DescendingOrder);
    QTest::qWait(200);
    // Hovering the accuracy chart late in the run: its guide and read-out are in the picture.
    auto* accuracy = w.charts()->view(ComparisonCharts::Accuracy);
    const QRectF plot = accuracy->plot_rect();
    const QPoint at =
        accuracy->mapFromScene(QPointF(plot.left() + 0.7 * plot.width(), plot.center().y()));
    QMouseEvent hover(QEvent::MouseMove, at, accuracy->viewport()->mapToGlobal(at), Qt::NoButton,
                      Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(accuracy->viewport(), &hover);
    QVERIFY(accuracy->hover_epoch() > 0);
    QString error;
    QVERIFY2(w.save_screenshot(QString::fromLocal8Bit(path), &error), qPrintable(error));
    QVERIFY(w.save_comparison(QString::fromLocal8Bit(path) + QStringLiteral(".json"), &error));
    w.set_layout_mode(true);
    QTest::qWait(200);
    QVERIFY(w.save_screenshot(QString::fromLocal8Bit(path).replace(
                                  QStringLiteral(".png"), QStringLiteral("-multiples.png")),
                              &error));
  }

 private:
  QTemporaryDir temp_;
};

QTEST_MAIN(TestUiComparison)
#include "test_ui_comparison.moc"
