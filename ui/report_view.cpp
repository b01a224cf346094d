#include "report_view.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "save_file.h"

namespace moelab::ui {

namespace {

QString guide() {
  return QObject::tr(
      "### How to use the lab\n\n"
      "1. **Start** (Ctrl+R). The *seed* model trains first, with a few experts and no growth.\n"
      "2. In the *growth* phase an expert may **split** in two after an epoch (a marker on the "
      "charts). Experts that receive almost no samples are **dormant**: the collapse.\n"
      "3. Flip a **fix** on the left at any time and watch what it changes. Off, each one "
      "reproduces a failure of the seed run: experts pushed apart on the wrong inputs, a storm of "
      "splits, experts falling asleep.\n"
      "4. At the end of the growth phase the **GO / NO-GO report** appears here: accuracy not "
      "below the seed's, no dormant expert, at most one split per cooldown window.\n\n"
      "Space pauses and resumes, N trains one more epoch, Ctrl+. stops. The Speed slider slows "
      "the run down to watch it.");
}

void style_banner(QLabel* banner, const QString& text, const QString& background, int points) {
  banner->setText(text);
  banner->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; font-size: %2pt;"
                                       " font-weight: bold; border-radius: 6px; padding: 8px; }")
                            .arg(background)
                            .arg(points));
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
  // The report's headings are sized relative to this; the column is narrow.
  QFont text_font = browser_->font();
  text_font.setPointSizeF(text_font.pointSizeF() * 0.9);
  browser_->setFont(text_font);
  layout->addWidget(browser_, 1);
  auto* buttons = new QHBoxLayout;
  save_md_ = new QPushButton(tr("Save report (.md)..."));
  save_json_ = new QPushButton(tr("Save report (.json)..."));
  save_md_->setToolTip(tr("The report as Markdown, as moelab-cli writes report.md."));
  save_json_->setToolTip(tr("The report as JSON, as moelab-cli writes report.json."));
  buttons->addWidget(save_md_);
  buttons->addWidget(save_json_);
  layout->addLayout(buttons);
  connect(save_md_, &QPushButton::clicked, this, [this] { choose_and_save(false); });
  connect(save_json_, &QPushButton::clicked, this, [this] { choose_and_save(true); });
  clear();
}

void ReportView::clear(const QString& note) {
  report_.reset();
  style_banner(banner_, tr("GO / NO-GO report"), QStringLiteral("#78909c"), 14);
  browser_->setMarkdown((note.isEmpty() ? QString() : QStringLiteral("**%1**\n\n").arg(note)) +
                        guide());
  save_md_->setEnabled(false);
  save_json_->setEnabled(false);
}

void ReportView::set_report(const PhaseReport& report) {
  report_ = report;
  if (report.go) {
    style_banner(banner_, tr("GO"), QStringLiteral("#2e7d32"), 26);
  } else {
    style_banner(banner_, tr("NO-GO"), QStringLiteral("#c62828"), 26);
  }
  banner_->setToolTip(report.go ? tr("Every criterion of the growth phase is met.")
                                : tr("At least one criterion of the growth phase failed."));
  browser_->setMarkdown(QString::fromStdString(to_markdown(report)));
  save_md_->setEnabled(true);
  save_json_->setEnabled(true);
}

void ReportView::show_failure(const QString& message) {
  report_.reset();
  style_banner(banner_, tr("Run failed"), QStringLiteral("#6d4c41"), 16);
  browser_->setMarkdown(tr("**The run failed.**\n\n%1\n\nChange the settings on the left and "
                           "press Start again.")
                            .arg(message));
  save_md_->setEnabled(false);
  save_json_->setEnabled(false);
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
