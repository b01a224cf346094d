#include "comparison/summary_table_model.h"

#include <QBrush>

namespace moelab::ui {

namespace {

const Spread* spread_of(const ArmSummary& s, int column) {
  switch (column) {
    case SummaryTableModel::FinalAccuracy: return &s.final_accuracy;
    case SummaryTableModel::SeedAccuracy: return &s.seed_accuracy;
    case SummaryTableModel::Experts: return &s.experts;
    case SummaryTableModel::Dormant: return &s.dormant;
    case SummaryTableModel::Splits: return &s.splits;
    case SummaryTableModel::Entropy: return &s.entropy;
    default: return nullptr;
  }
}

bool is_accuracy(int column) {
  return column == SummaryTableModel::FinalAccuracy || column == SummaryTableModel::SeedAccuracy;
}

}  // namespace

SummaryTableModel::SummaryTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SummaryTableModel::set_table(std::vector<ArmSummary> table, std::vector<QColor> colors) {
  if (table.size() == table_.size()) {
    // Same arms, new figures: keep the view's selection and sort.
    table_ = std::move(table);
    colors_ = std::move(colors);
    if (!table_.empty()) {
      Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
    return;
  }
  beginResetModel();
  table_ = std::move(table);
  colors_ = std::move(colors);
  endResetModel();
}

void SummaryTableModel::set_planned_runs(int runs) {
  planned_runs_ = runs;
  if (!table_.empty()) Q_EMIT dataChanged(index(0, Runs), index(rowCount() - 1, Runs));
}

int SummaryTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(table_.size());
}

int SummaryTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant SummaryTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const ArmSummary& s = table_[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  const Spread* spread = spread_of(s, column);
  const bool empty = s.runs == 0;
  switch (role) {
    case Qt::DisplayRole:
      if (column == Name) return QString::fromStdString(s.name);
      if (column == Code) return QString::fromStdString(s.code);
      if (column == Runs) {
        return planned_runs_ > 0 ? QStringLiteral("%1 / %2").arg(s.runs).arg(planned_runs_)
                                 : QString::number(s.runs);
      }
      if (empty) return QStringLiteral("–");
      if (column == GoShare) return QStringLiteral("%1 %").arg(s.go_share * 100.0, 0, 'f', 0);
      if (spread) {
        if (is_accuracy(column)) {
          return QStringLiteral("%1 ± %2 %")
              .arg(spread->mean * 100.0, 0, 'f', 1)
              .arg(spread->sd * 100.0, 0, 'f', 1);
        }
        const int decimals = column == Entropy ? 3 : 1;
        return QStringLiteral("%1 ± %2")
            .arg(spread->mean, 0, 'f', decimals)
            .arg(spread->sd, 0, 'f', decimals);
      }
      return {};
    case kSortRole:
      if (column == Name) return QString::fromStdString(s.name);
      if (column == Code) return QString::fromStdString(s.code);
      if (column == Runs) return s.runs;
      if (empty) return QVariant(-1.0);
      if (column == GoShare) return s.go_share;
      if (spread) return spread->mean;
      return {};
    case Qt::ToolTipRole:
      if (spread && !empty) {
        const double k = is_accuracy(column) ? 100.0 : 1.0;
        return tr("mean %1, sd %2, min %3, max %4 over %5 seeds")
            .arg(spread->mean * k, 0, 'f', 3)
            .arg(spread->sd * k, 0, 'f', 3)
            .arg(spread->min * k, 0, 'f', 3)
            .arg(spread->max * k, 0, 'f', 3)
            .arg(s.runs);
      }
      return {};
    case Qt::DecorationRole:
      if (column == Name && index.row() < static_cast<int>(colors_.size())) {
        return colors_[static_cast<std::size_t>(index.row())];
      }
      return {};
    case Qt::TextAlignmentRole:
      if (column >= Runs) return int(Qt::AlignRight | Qt::AlignVCenter);
      return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (column == GoShare && !empty) {
        return QBrush(s.go_share >= 0.5 ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
      }
      return {};
    default:
      return {};
  }
}

QVariant SummaryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    switch (section) {
      case Name: return tr("Arm");
      case Code: return tr("Code");
      case Runs: return tr("Runs");
      case FinalAccuracy: return tr("Final accuracy");
      case SeedAccuracy: return tr("Seed accuracy");
      case Experts: return tr("Experts");
      case Dormant: return tr("Dormant");
      case Splits: return tr("Splits");
      case Entropy: return tr("Router entropy");
      case GoShare: return tr("GO");
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case FinalAccuracy: return tr("Validation accuracy at the end of the growth phase, mean ± sd over seeds");
      case SeedAccuracy: return tr("Validation accuracy of the seed model (before growth)");
      case Dormant: return tr("Experts under the dormant threshold at the end");
      case Entropy: return tr("Normalised entropy of the mean routing at the last epoch (1 = even)");
      case GoShare: return tr("Share of seeds whose report reads GO");
      default: return {};
    }
  }
  return {};
}

}  // namespace moelab::ui
