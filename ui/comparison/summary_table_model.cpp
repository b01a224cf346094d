#include "comparison/summary_table_model.h"

#include <QBrush>

namespace moelab::ui {

namespace {

// The run report's key (report_scalars()) each figure column shows.
const char* metric_key(int column) {
  switch (column) {
    case SummaryTableModel::TestAccuracy:
      return "test_accuracy";
    case SummaryTableModel::SeedTestAccuracy:
      return "seed_test_accuracy";
    case SummaryTableModel::Experts:
      return "experts";
    case SummaryTableModel::Dormant:
      return "dormant";
    case SummaryTableModel::Splits:
      return "split_count";
    case SummaryTableModel::EffectiveExperts:
      return "effective_experts";
    case SummaryTableModel::Entropy:
      return "usage_entropy";
    case SummaryTableModel::GoShare:
      return "go";
    default:
      return nullptr;
  }
}

const Spread* spread_of(const ArmSummary& s, int column) {
  const char* key = metric_key(column);
  if (!key) return nullptr;
  for (const auto& [name, spread] : s.metrics) {
    if (name == key) return &spread;
  }
  return nullptr;
}

bool is_accuracy(int column) {
  return column == SummaryTableModel::TestAccuracy || column == SummaryTableModel::SeedTestAccuracy;
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
      if (column == GoShare && spread)
        return QStringLiteral("%1 %").arg(spread->mean * 100.0, 0, 'f', 0);
      if (spread) {
        if (is_accuracy(column)) {
          return QStringLiteral("%1 ± %2 %")
              .arg(spread->mean * 100.0, 0, 'f', 1)
              .arg(spread->sd * 100.0, 0, 'f', 1);
        }
        const int decimals = column == Entropy ? 3 : column == EffectiveExperts ? 2 : 1;
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
      if (spread) return spread->mean;
      return {};
    case Qt::ToolTipRole:
      if (spread && !empty) {
        const double k = is_accuracy(column) ? 100.0 : 1.0;
        const QString interval = spread->ci95.defined() ? tr("95% CI %1 to %2")
                                                              .arg(spread->ci95.low * k, 0, 'f', 3)
                                                              .arg(spread->ci95.high * k, 0, 'f', 3)
                                                        : tr("no interval with one seed");
        return tr("mean %1, sample sd %2 (%3), min %4, max %5 over %6 seeds")
            .arg(spread->mean * k, 0, 'f', 3)
            .arg(spread->sd * k, 0, 'f', 3)
            .arg(interval)
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
      if (column == GoShare && !empty && spread) {
        return QBrush(spread->mean >= 0.5 ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
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
      case Name:
        return tr("Arm");
      case Code:
        return tr("Code");
      case Runs:
        return tr("Runs");
      case TestAccuracy:
        return tr("Test accuracy");
      case SeedTestAccuracy:
        return tr("Seed test acc.");
      case Experts:
        return tr("Experts");
      case Dormant:
        return tr("Dormant");
      case Splits:
        return tr("Splits");
      case EffectiveExperts:
        return tr("Effective experts");
      case Entropy:
        return tr("Router entropy");
      case GoShare:
        return tr("GO");
      default:
        return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case TestAccuracy:
        return tr("Held-out test accuracy of the final model, mean ± sample sd over seeds");
      case SeedTestAccuracy:
        return tr("Held-out test accuracy of the seed model (before growth)");
      case EffectiveExperts:
        return tr("exp of the routing-share entropy: how many experts the routing really uses");
      case Dormant:
        return tr("Experts under the dormant threshold at the end");
      case Entropy:
        return tr("Normalised entropy of the mean routing at the last epoch (1 = even)");
      case GoShare:
        return tr("Share of seeds whose report reads GO");
      default:
        return {};
    }
  }
  return {};
}

}  // namespace moelab::ui
