#pragma once
// The GO/NO-GO report of the growth phase (the seed's phase1-moe-growth-results.md) under a big
// green GO or red NO-GO banner: each criterion with its figure, 95% interval and p value, the
// held-out test accuracy against the seed's, how evenly the experts are used, the splits against
// their budget, and why a diverged run was stopped. Before a report exists it shows a short guide
// to the lab. The report is saved as the core writes it (Markdown or JSON), as moelab-cli does.

#include <QWidget>
#include <optional>

#include "meta_types.h"

class QLabel;
class QPushButton;
class QTextBrowser;

namespace moelab::ui {

class ReportView : public QWidget {
  Q_OBJECT

 public:
  explicit ReportView(QWidget* parent = nullptr);

  // Back to the guide; `note` says when this run's report will come (or why it won't).
  void clear(const QString& note = {});
  void set_report(const PhaseReport& report);
  void show_failure(const QString& message);

  const std::optional<PhaseReport>& report() const { return report_; }
  QString banner_text() const;
  // The report as the core writes it (what Save writes); empty without a report.
  QString markdown() const;
  // What the view shows, as Markdown: the guide, the failure or the report.
  QString shown_markdown() const { return shown_; }
  // The report as this view lays it out (public for tests).
  static QString report_markdown(const PhaseReport& report);

  bool save_markdown(const QString& path, QString* error) const;
  bool save_json(const QString& path, QString* error) const;

 protected:
  // The type's scale changed (TextScale): the banner's and the text's sizes follow the view's.
  void changeEvent(QEvent* event) override;

 private:
  void choose_and_save(bool json);
  // The banner's text on `background`, its type `scale` times the view's.
  void show_banner(const QString& text, const QString& background, double scale);
  void size_text();

  QString banner_background_;
  double banner_scale_ = 1.0;
  QLabel* banner_ = nullptr;
  QTextBrowser* browser_ = nullptr;
  QPushButton* save_md_ = nullptr;
  QPushButton* save_json_ = nullptr;
  std::optional<PhaseReport> report_;
  QString shown_;
  void show_markdown(const QString& markdown);
};

}  // namespace moelab::ui
