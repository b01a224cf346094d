#pragma once
// The comparison's summary table: per arm, mean ± spread over seeds of what the seed reports
// measured, from the core's summarize() so the figures match `moelab-cli --ablate`. Sortable
// through a QSortFilterProxyModel: Qt::UserRole holds each cell's number (the mean).

#include <QAbstractTableModel>
#include <QColor>
#include <vector>

#include "ablation/ablation_summary.h"

namespace moelab::ui {

class SummaryTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    Name,
    Code,
    Runs,
    TestAccuracy,
    SeedTestAccuracy,
    Experts,
    Dormant,
    Splits,
    EffectiveExperts,
    Entropy,
    GoShare,
    ColumnCount
  };
  static constexpr int kSortRole = Qt::UserRole;

  explicit SummaryTableModel(QObject* parent = nullptr);

  // `colors[i]` is arm i's colour (shown as a swatch in the first column).
  void set_table(std::vector<ArmSummary> table, std::vector<QColor> colors);
  const std::vector<ArmSummary>& table() const { return table_; }
  // Runs planned per arm, so that a live table can say "1 / 3".
  void set_planned_runs(int runs);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<ArmSummary> table_;
  std::vector<QColor> colors_;
  int planned_runs_ = 0;
};

}  // namespace moelab::ui
