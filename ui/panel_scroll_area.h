#pragma once
// A vertical scroll area that is always as wide as its widget needs: for a side panel or a
// dashboard whose content must scroll when the window is short but never be cut on the right.
// Its minimum width follows the widget's (a larger type, a panel reduced to a few controls), room
// for the scroll bar included, so the window's minimum follows too.

#include <QScrollArea>

namespace moelab::ui {

class PanelScrollArea : public QScrollArea {
  Q_OBJECT

 public:
  explicit PanelScrollArea(QWidget* parent = nullptr);

  QSize minimumSizeHint() const override;
  QSize sizeHint() const override;
  // The width left to the widget once the scroll bar is accounted for, shown or not, and the
  // height of the visible area: what the widget can lay itself out in without scrolling.
  QSize room() const;

 protected:
  bool viewportEvent(QEvent* event) override;

 private:
  int scroll_bar_width() const;
};

}  // namespace moelab::ui
