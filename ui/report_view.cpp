#include "report_view.h"

#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "save_file.h"

namespace moelab::ui {

namespace {

// The banner's type against the view's: the verdict is read from the back of the room.
constexpr double kTitleScale = 14.0 / 9.0;
constexpr double kVerdictScale = 26.0 / 9.0;
constexpr double kFailureScale = 16.0 / 9.0;

QString guide() {
  return QObject::tr(
      "### How to use the lab\n\n"
      "1. **Start** (Ctrl+R). The *seed* model trains first, with a few experts and no growth.\n"
      "2. In the *growth* phase an expert may **split** in two after an epoch (a marker on the "
      "charts). Experts that receive almost no samples are **dormant**: the collapse.\n"
      "3. Flip a **fix** on the left at any time and watch what it changes. Off, each one "
      "reproduces a failure of the seed run: experts pushed apart on the wrong inputs, a storm of "
      "splits, experts falling asleep.\n"
      "4. At the end of the growth phase the **GO / NO-GO report** appears here: accuracy on the "
      "held-out test set not below the seed model's, the model learned and did not diverge, no "
      "dormant expert, at most one split per cooldown window.\n\n"
      "Space pauses and resumes, N trains one more epoch, Ctrl+. stops. The Speed slider slows "
      "the run down to watch it.");
}

QString percent(double share) {
  return std::isfinite(share) ? QStringLiteral("%1%").arg(share * 100.0, 0, 'f', 1)
                              : QStringLiteral("n/a");
}

QString number(double v) {
  if (!std::isfinite(v)) return v > 0 ? QStringLiteral("\u221e") : QStringLiteral("n/a");
  return QString::number(v, 'g', 3);
}

QString p_text(double p) {
  if (!std::isfinite(p)) return QStringLiteral("n/a");
  return p < 0.001 ? QStringLiteral("< 0.001") : QString::number(p, 'f', 3);
}

// Markdown table cells: a '|' in a detail would end the cell.
QString cell(const std::string& text) {
  return QString::fromStdString(text).replace(QLatin1Char('|'), QStringLiteral("\\|"));
}

// What each criterion asks, for a student; a criterion the view does not know shows its name.
QString criterion_title(const std::string& name) {
  if (name == "accuracy_not_below_seed") {
    return QObject::tr("Test accuracy not below the seed's (paired)");
  }
  if (name == "learned") return QObject::tr("Learned (above chance)");
  if (name == "not_diverged") return QObject::tr("Did not diverge");
  if (name == "no_dormant_experts") return QObject::tr("No dormant expert");
  if (name == "one_split_per_cooldown") return QObject::tr("At most one split per cooldown");
  return QString::fromStdString(name);
}

}  // namespace

ReportView::ReportView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  banner_ = new QLabel;
  banner_->setAlignment(Qt::AlignCenter);
  banner_->setWordWrap(true);
  banner_->setMinimumHeight(64);
  layout->addWidget(banner_);
  browser_ = new QTextBrowser;
  browser_->setOpenExternalLinks(true);
  size_text();
  layout->addWidget(browser_, 1);
  auto* buttons = new QHBoxLayout;
  // Short labels, the long story in the tooltips: the report pane is narrow at 1024 px.
  save_md_ = new QPushButton(tr("Save .md..."));
  save_json_ = new QPushButton(tr("Save .json..."));
  save_md_->setToolTip(tr("Save the report as Markdown, as moelab-cli writes report.md."));
  save_json_->setToolTip(tr("Save the report as JSON, as moelab-cli writes report.json."));
  buttons->addWidget(save_md_);
  buttons->addWidget(save_json_);
  layout->addLayout(buttons);
  connect(save_md_, &QPushButton::clicked, this, [this] { choose_and_save(false); });
  connect(save_json_, &QPushButton::clicked, this, [this] { choose_and_save(true); });
  clear();
}

void ReportView::clear(const QString& note) {
  report_.reset();
  show_banner(tr("GO / NO-GO report"), QStringLiteral("#78909c"), kTitleScale);
  show_markdown((note.isEmpty() ? QString() : QStringLiteral("**%1**\n\n").arg(note)) + guide());
  save_md_->setEnabled(false);
  save_json_->setEnabled(false);
}

void ReportView::set_report(const PhaseReport& report) {
  report_ = report;
  if (report.go) {
    show_banner(tr("GO"), QStringLiteral("#2e7d32"), kVerdictScale);
  } else {
    show_banner(tr("NO-GO"), QStringLiteral("#c62828"), kVerdictScale);
  }
  banner_->setToolTip(report.go ? tr("Every criterion of the growth phase is met.")
                                : tr("At least one criterion of the growth phase failed."));
  if (!report.diverged.empty()) {
    banner_->setToolTip(
        tr("Training was stopped as diverged: %1").arg(QString::fromStdString(report.diverged)));
  }
  show_markdown(report_markdown(report));
  save_md_->setEnabled(true);
  save_json_->setEnabled(true);
}

void ReportView::show_failure(const QString& message) {
  report_.reset();
  show_banner(tr("Run failed"), QStringLiteral("#6d4c41"), kFailureScale);
  show_markdown(tr("**The run failed.**\n\n%1\n\nChange the settings on the left and press "
                   "Start again.")
                    .arg(message));
  save_md_->setEnabled(false);
  save_json_->setEnabled(false);
}

void ReportView::show_banner(const QString& text, const QString& background, double scale) {
  banner_background_ = background;
  banner_scale_ = scale;
  banner_->setText(text);
  banner_->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; font-size: %2pt;"
                                        " font-weight: bold; border-radius: 6px; padding: 8px; }")
                             .arg(background)
                             .arg(font().pointSizeF() * scale, 0, 'f', 1));
}

void ReportView::size_text() {
  // The report's headings are sized relative to this; the column is narrow.
  QFont text_font = font();
  text_font.setPointSizeF(text_font.pointSizeF() * 0.9);
  browser_->setFont(text_font);
}

void ReportView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::FontChange && browser_) {
    size_text();
    show_banner(banner_->text(), banner_background_, banner_scale_);
  }
  QWidget::changeEvent(event);
}

void ReportView::show_markdown(const QString& markdown) {
  shown_ = markdown;
  browser_->setMarkdown(markdown);
}

QString ReportView::report_markdown(const PhaseReport& r) {
  QString md;
  if (!r.diverged.empty()) {
    md +=
        tr("**Training was stopped as diverged:** %1\n\n").arg(QString::fromStdString(r.diverged));
  }

  // Each criterion with its figure, and in the same cell the 95% interval and the test's p value
  // where the core computed them: three columns fit the narrow report pane, five did not.
  md += tr("| Criterion | Result | Measured |\n|---|---|---|\n");
  for (const auto& c : r.criteria) {
    QStringList measured{cell(c.detail)};
    if (c.ci95) {
      measured << tr("95% interval [%1, %2]").arg(number(c.ci95->first), number(c.ci95->second));
    }
    if (c.p_value) measured << tr("p %1").arg(p_text(*c.p_value));
    md += QStringLiteral("| %1 | %2 | %3 |\n")
              .arg(criterion_title(c.name), c.passed ? tr("pass") : tr("**FAIL**"),
                   measured.join(QStringLiteral("; ")));
  }

  md += tr("\n### Accuracy\n\n");
  md += tr("- **Held-out test set** (%1 samples, never trained on, never used to grow): "
           "%2 final vs %3 for the seed model\n")
            .arg(r.test_size)
            .arg(percent(r.test_accuracy), percent(r.seed_test_accuracy));
  md += tr("- Validation set (drives growth): %1 final vs %2 for the seed model, after %3 growth "
           "epochs\n")
            .arg(percent(r.final_val_accuracy), percent(r.seed_val_accuracy))
            .arg(r.growth_epochs);

  md += tr("\n### Experts\n\n");
  md += tr("- %1 experts, %2 dormant (share of samples under %3)\n")
            .arg(r.experts)
            .arg(r.dormant.size())
            .arg(percent(r.dormant_threshold));
  md += tr("- Effective experts: %1 of %2 (exp of the routing-share entropy; %2 is perfectly "
           "even)\n")
            .arg(r.effective_experts, 0, 'f', 2)
            .arg(r.experts);
  md += tr("- Load violation: %1 (largest load / mean load \u2212 1; 0 is even)\n")
            .arg(r.load_violation, 0, 'f', 2);
  md += tr("- %1 splits of a budget of %2 (what the cooldown of %3 epochs, the expert cap and the "
           "growth epochs allowed)\n")
            .arg(r.splits.size())
            .arg(r.split_budget)
            .arg(r.cooldown_window);

  md += tr("\n| Expert | Share of samples (top-k) | State |\n|---|---|---|\n");
  for (std::size_t e = 0; e < r.utilization.size(); ++e) {
    const bool dormant =
        std::find(r.dormant.begin(), r.dormant.end(), static_cast<int>(e)) != r.dormant.end();
    md += QStringLiteral("| e%1 | %2 | %3 |\n")
              .arg(e)
              .arg(percent(r.utilization[e]), dormant ? tr("dormant") : tr("active"));
  }

  md += tr("\n### Splits\n\n");
  if (r.splits.empty()) md += tr("No split.\n");
  for (const auto& s : r.splits) {
    md += tr("- epoch %1 (step %2): e%3 \u2192 e%4; validation accuracy %5 \u2192 %6, %7 of the "
             "predictions changed\n")
              .arg(s.epoch)
              .arg(static_cast<qint64>(s.step))
              .arg(s.parent)
              .arg(s.child)
              .arg(percent(s.val_accuracy_before), percent(s.val_accuracy_after),
                   percent(s.changed_predictions));
  }
  return md;
}

QString ReportView::banner_text() const { return banner_->text(); }

QString ReportView::markdown() const {
  return report_ ? QString::fromStdString(to_markdown(*report_)) : QString();
}

bool ReportView::save_markdown(const QString& path, QString* error) const {
  if (!report_) {
    if (error) *error = tr("There is no report to save yet.");
    return false;
  }
  return save_file(path, QByteArray::fromStdString(to_markdown(*report_)), error);
}

bool ReportView::save_json(const QString& path, QString* error) const {
  if (!report_) {
    if (error) *error = tr("There is no report to save yet.");
    return false;
  }
  return save_file(path, QByteArray::fromStdString(to_json(*report_)), error);
}

void ReportView::choose_and_save(bool json) {
  const QString path = QFileDialog::getSaveFileName(
      this, json ? tr("Save report as JSON") : tr("Save report as Markdown"),
      json ? QStringLiteral("report.json") : QStringLiteral("report.md"),
      json ? tr("JSON (*.json)") : tr("Markdown (*.md)"));
  if (path.isEmpty()) return;
  QString error;
  if (!(json ? save_json(path, &error) : save_markdown(path, &error))) {
    QMessageBox::warning(this, tr("Save report"), error);
  }
}

}  // namespace moelab::ui
