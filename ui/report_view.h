#pragma once
// The GO/NO-GO report of the growth phase (the seed's phase1-moe-growth-results.md), shown as the
// core writes it, under a big green GO or red NO-GO banner. Before a report exists it shows a
// short guide to the lab. The report can be saved as Markdown and as JSON.

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
  QString markdown() const;

  bool save_markdown(const QString& path, QString* error) const;
  bool save_json(const QString& path, QString* error) const;

 private:
  void choose_and_save(bool json);

  QLabel* banner_ = nullptr;
  QTextBrowser* browser_ = nullptr;
  QPushButton* save_md_ = nullptr;
  QPushButton* save_json_ = nullptr;
  std::optional<PhaseReport> report_;
};

}  // namespace moelab::ui
