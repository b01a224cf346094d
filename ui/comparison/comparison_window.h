#pragma once
// Side-by-side ablations: a window that starts several runs differing in the three fixes (a quick
// A/B, or any subset of the 2x2x2 grid) and optionally in one swept setting, each over N paired
// seeds, trains them at once
// on worker threads (ComparisonController), overlays them on charts (ComparisonCharts) and keeps a
// live, sortable summary table (SummaryTableModel). A comparison is saved and reopened as one
// file (the core's ablation/comparison_file.h, which `moelab-cli ablate` writes too), so a lesson
// can be prepared in advance, headless or here, and replayed.

#include <QMainWindow>
#include <QString>
#include <array>

#include "ablation/comparison_file.h"
#include "meta_types.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace moelab::ui {

class ComparisonCharts;
class ComparisonController;
class SummaryTableModel;
class SweepChooser;

class ComparisonWindow : public QMainWindow {
  Q_OBJECT

 public:
  static constexpr int kGridArms = 8;

  explicit ComparisonWindow(QWidget* parent = nullptr);
  ~ComparisonWindow() override;  // cancels and joins every run

  // The experiment every arm starts from (the main window's control panel). Ignored while running.
  void set_base_config(const RunConfig& config);
  const RunConfig& base_config() const { return base_; }

  // The grid arm `i`: bit 2 projection, bit 1 cooldown, bit 0 entropy ("pce" = 0 ... "PCE" = 7).
  QCheckBox* arm_box(int i) const { return arm_boxes_[static_cast<std::size_t>(i)]; }
  static QString arm_code_of(int grid_index);
  SweepChooser* sweep_chooser() const { return sweep_; }
  QSpinBox* seeds_spin() const { return seeds_; }
  QPushButton* start_button() const { return start_; }
  QPushButton* cancel_button() const { return cancel_; }

  // Checks only "no fixes" and "all fixes".
  void choose_ab();
  // Starts the checked arms (crossed with the swept setting's values) over the chosen seeds. False
  // (with `error`) when it cannot start.
  bool start(QString* error = nullptr);
  void cancel();

  void set_layout_mode(bool small_multiples);

  ComparisonController* controller() const { return controller_; }
  ComparisonCharts* charts() const { return charts_; }
  SummaryTableModel* table_model() const { return model_; }
  QSortFilterProxyModel* table_proxy() const { return proxy_; }
  QTableView* table_view() const { return table_; }
  // The comparison shown: its plan and finished runs.
  const Comparison& comparison() const { return comparison_; }

  // Files; each returns false with one sentence in `error` and changes nothing on failure.
  bool save_comparison(const QString& path, QString* error);
  // Finished runs that are in no file yet (saved or opened): closing the window asks first.
  bool unsaved() const;
  bool open_comparison(const QString& path, QString* error);
  bool export_csv(const QString& path, QString* error) const;
  bool export_markdown(const QString& path, QString* error) const;
  bool save_screenshot(const QString& path, QString* error);

 Q_SIGNALS:
  // Every run is done or the comparison was cancelled (and every worker has stopped).
  void comparisonEnded(bool cancelled);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  QWidget* build_setup();
  void build_menus();
  void show_comparison(const Comparison& comparison);
  void refresh_table();
  void update_status();
  void set_running(bool running);
  std::vector<QColor> arm_colors() const;
  // False when nothing was saved (the dialog cancelled, or the write failed and said so).
  bool choose_save();
  // Asks before closing throws finished runs away or stops running ones; true: close.
  bool may_close();
  void choose_open();
  void choose_export(bool markdown);

  RunConfig base_;
  Comparison comparison_;
  // Per arm of comparison_, its colour's index: its place in the grid of switches, or in the
  // comparison when arms also differ in a swept setting.
  std::vector<int> color_index_;
  QString last_dir_;
  std::size_t saved_runs_ = 0;  // finished runs in the file last saved or opened

  ComparisonController* controller_ = nullptr;
  ComparisonCharts* charts_ = nullptr;
  SummaryTableModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  std::array<QCheckBox*, kGridArms> arm_boxes_{};
  SweepChooser* sweep_ = nullptr;
  QSpinBox* seeds_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QRadioButton* overlay_ = nullptr;
  QRadioButton* multiples_ = nullptr;
  QComboBox* metric_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* base_label_ = nullptr;
};

}  // namespace moelab::ui
