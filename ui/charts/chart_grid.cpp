#include "charts/chart_grid.h"

#include <QEvent>
#include <QGridLayout>
#include <algorithm>

namespace moelab::ui {

namespace {

// A cell's least size: its explicit minimum where it has one, else its hint.
QSize least_size(const QWidget* cell) {
  const QSize hint = cell->minimumSizeHint();
  return {std::max(cell->minimumWidth(), hint.width()),
          std::max(cell->minimumHeight(), hint.height())};
}

// Focused cells side by side are nearer the charts' 3:2 shape than stacked ones exactly when the
// room is wider than this (the geometric mean of the two arrangements' breaking points).
constexpr double kSideBySideAspect = 1.5;

}  // namespace

ChartGrid::ChartGrid(QWidget* parent) : QWidget(parent) {
  setAutoFillBackground(true);
  grid_ = new QGridLayout(this);
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setSpacing(kSpacing);
}

void ChartGrid::set_cells(const QList<QWidget*>& time_cells, const QList<QWidget*>& now_cells) {
  time_ = time_cells;
  now_ = now_cells;
  keep_narrowest_width();
  arranged_ = false;
  arrange(Arrangement::Wide);
}

QList<QList<QWidget*>> ChartGrid::rows_of(Arrangement arrangement) const {
  if (time_.size() < 4 || now_.size() < 2) return {};
  switch (arrangement) {
    case Arrangement::Wide:
      return {{time_[0], time_[1], now_[0]}, {time_[2], time_[3], now_[1]}};
    case Arrangement::Narrow:
      return {{time_[0], time_[1]}, {time_[2], time_[3]}, {now_[0], now_[1]}};
    case Arrangement::FocusSideBySide:
      return {{time_[0], time_[1]}};
    case Arrangement::FocusStacked:
      return {{time_[0]}, {time_[1]}};
    case Arrangement::Single:
      if (maximised_) return {{maximised_}};
      return {};
  }
  return {};
}

QSize ChartGrid::needed(Arrangement arrangement) const {
  const auto rows = rows_of(arrangement);
  if (rows.isEmpty()) return {};
  QList<int> column_widths(rows.first().size(), 0);
  int height = kSpacing * (static_cast<int>(rows.size()) - 1);
  for (const auto& row : rows) {
    int row_height = 0;
    for (int c = 0; c < row.size(); ++c) {
      const QSize least = least_size(row[c]);
      column_widths[c] = std::max(column_widths[c], least.width());
      row_height = std::max(row_height, least.height());
    }
    height += row_height;
  }
  int width = kSpacing * (static_cast<int>(column_widths.size()) - 1);
  for (int w : column_widths) width += w;
  return {width, height};
}

ChartGrid::Arrangement ChartGrid::choose(QSize room) const {
  if (maximised_) return Arrangement::Single;
  if (focus_) {
    const bool side_by_side_fits = room.width() >= needed(Arrangement::FocusSideBySide).width();
    const bool stacked_fits = room.height() >= needed(Arrangement::FocusStacked).height();
    const bool wider = room.width() > kSideBySideAspect * room.height();
    if (side_by_side_fits && (wider || !stacked_fits)) return Arrangement::FocusSideBySide;
    return Arrangement::FocusStacked;
  }
  if (room.width() < needed(Arrangement::Wide).width()) return Arrangement::Narrow;
  if (room.height() < needed(Arrangement::Narrow).height()) return Arrangement::Wide;
  if (arrangement_ == Arrangement::Wide) {
    return room.width() < kNarrowBelow ? Arrangement::Narrow : Arrangement::Wide;
  }
  return room.width() >= kWideFrom ? Arrangement::Wide : Arrangement::Narrow;
}

void ChartGrid::fit(QSize room) {
  room_ = room;
  arrange(choose(room));
}

void ChartGrid::set_focus(bool focus) {
  if (focus == focus_) return;
  focus_ = focus;
  keep_narrowest_width();
  fit(room_);
}

void ChartGrid::set_maximised(QWidget* cell) {
  if (cell && !time_.contains(cell) && !now_.contains(cell)) cell = nullptr;
  if (cell == maximised_) return;
  maximised_ = cell;
  arranged_ = false;  // Single to Single with another cell is a new arrangement
  fit(room_);
}

void ChartGrid::arrange(Arrangement arrangement) {
  if (arranged_ && arrangement == arrangement_) return;
  arranged_ = true;
  arrangement_ = arrangement;
  for (QWidget* cell : time_ + now_) grid_->removeWidget(cell);
  for (int i = 0; i < 3; ++i) {
    grid_->setColumnStretch(i, 0);
    grid_->setRowStretch(i, 0);
  }
  const auto rows = rows_of(arrangement);
  for (QWidget* cell : time_ + now_) {
    const bool shown = std::any_of(rows.begin(), rows.end(), [cell](const QList<QWidget*>& row) {
      return row.contains(cell);
    });
    cell->setVisible(shown);
  }
  for (int r = 0; r < rows.size(); ++r) {
    for (int c = 0; c < rows[r].size(); ++c) grid_->addWidget(rows[r][c], r, c);
  }
  switch (arrangement) {
    case Arrangement::Wide:
      // The time charts get the larger share of the width; "now" is one column of three.
      grid_->setColumnStretch(0, 4);
      grid_->setColumnStretch(1, 4);
      grid_->setColumnStretch(2, 3);
      grid_->setRowStretch(0, 1);
      grid_->setRowStretch(1, 1);
      break;
    case Arrangement::Narrow:
      grid_->setColumnStretch(0, 1);
      grid_->setColumnStretch(1, 1);
      grid_->setRowStretch(0, 3);
      grid_->setRowStretch(1, 3);
      grid_->setRowStretch(2, 2);
      break;
    case Arrangement::FocusSideBySide:
      grid_->setColumnStretch(0, 1);
      grid_->setColumnStretch(1, 1);
      grid_->setRowStretch(0, 1);
      break;
    case Arrangement::FocusStacked:
      grid_->setColumnStretch(0, 1);
      grid_->setRowStretch(0, 1);
      grid_->setRowStretch(1, 1);
      break;
    case Arrangement::Single:
      grid_->setColumnStretch(0, 1);
      grid_->setRowStretch(0, 1);
      break;
  }
}

void ChartGrid::keep_narrowest_width() {
  // The grid is never narrower than its narrowest arrangement, and never needs to be wider: a
  // grid laid out wide must still shrink to two columns (its layout alone would keep the three
  // columns' minimum). The height is the layout's: what does not fit scrolls.
  const Arrangement narrowest = focus_ ? Arrangement::FocusStacked : Arrangement::Narrow;
  setMinimumWidth(needed(narrowest).width());
}

void ChartGrid::changeEvent(QEvent* event) {
  // Larger type widens the cells that lay out text (the routing matrix's class names).
  if (event->type() == QEvent::FontChange) keep_narrowest_width();
  QWidget::changeEvent(event);
}

}  // namespace moelab::ui
