#pragma once
// Above the charts while a breakpoint holds the run: what happened, in the caption the core
// wrote, and "Play on". Hidden again as soon as the run goes on, stops or is reset.

#include <QFrame>

#include "training/breakpoints.h"

class QLabel;
class QPushButton;

namespace moelab::ui {

class BreakpointBanner : public QFrame {
  Q_OBJECT

 public:
  explicit BreakpointBanner(QWidget* parent = nullptr);

  void show_hit(const moelab::BreakpointHit& hit);
  QString caption() const;
  QPushButton* play_on_button() const { return play_on_; }

 Q_SIGNALS:
  void playOnRequested();

 private:
  QLabel* title_ = nullptr;
  QLabel* caption_ = nullptr;
  QPushButton* play_on_ = nullptr;
};

}  // namespace moelab::ui
