#pragma once
// The dashboard's cells and how they are arranged for the room there is. Four time cells in
// reading order (accuracy, the per-expert charts, loss, router balance) and two "now" cells (the
// current utilisation, the routing matrix):
//   Wide    three columns, two rows: time on the left two columns, "now" on the right;
//   Narrow  two columns, three rows: "now" underneath the time charts;
//   Focus   the first two time cells alone, enlarged, side by side or stacked (presentation);
//   Single  one cell alone, filling the grid (a chart maximised by double-clicking its title).
// Wide is taken from kWideFrom px, and also below it when three rows would not fit the height
// but three columns fit the width (a 1280 x 720 screen); Narrow otherwise. What does not fit
// scrolls (the grid lives in a PanelScrollArea), so the window's minimum never depends on it.

#include <QList>
#include <QSize>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QGridLayout;
QT_END_NAMESPACE

namespace moelab::ui {

class ChartGrid : public QWidget {
  Q_OBJECT

 public:
  enum class Arrangement { Wide, Narrow, FocusSideBySide, FocusStacked, Single };
  static constexpr int kWideFrom = 1150;
  static constexpr int kNarrowBelow = 1080;  // hysteresis: a dragged edge must not flicker
  static constexpr int kSpacing = 6;

  explicit ChartGrid(QWidget* parent = nullptr);

  // The cells, children of this grid: four time cells and two "now" cells, in reading order.
  void set_cells(const QList<QWidget*>& time_cells, const QList<QWidget*>& now_cells);
  // Arranges the cells for `room`, the size the grid may take without scrolling.
  void fit(QSize room);
  QSize room() const { return room_; }
  // Presentation: only the first two time cells, enlarged.
  void set_focus(bool focus);
  bool focused() const { return focus_; }
  // One cell alone, filling the grid; null (or a cell not in the grid): the arrangement the room
  // calls for again.
  void set_maximised(QWidget* cell);
  QWidget* maximised() const { return maximised_; }
  Arrangement arrangement() const { return arrangement_; }
  // The least room `arrangement` needs: its cells' minimum sizes, with the spacing.
  QSize needed(Arrangement arrangement) const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  // Each arrangement as rows of cells (nullptr: an empty slot).
  QList<QList<QWidget*>> rows_of(Arrangement arrangement) const;
  Arrangement choose(QSize room) const;
  void arrange(Arrangement arrangement);
  void keep_narrowest_width();

  QGridLayout* grid_ = nullptr;
  QList<QWidget*> time_;
  QList<QWidget*> now_;
  QSize room_;
  bool focus_ = false;
  QWidget* maximised_ = nullptr;
  bool arranged_ = false;
  Arrangement arrangement_ = Arrangement::Wide;
};

}  // namespace moelab::ui
