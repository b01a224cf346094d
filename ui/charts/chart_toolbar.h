#pragma once
// The dashboard's view settings in one row: smoothing, x axis, follow, and one view button
// ("Show all" or "Focus growth"). It shows the panel's state and reports what the user chose;
// ChartPanel decides what follows from it.

#include <QWidget>

#include "charts/x_clock.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
QT_END_NAMESPACE

namespace moelab::ui {

class ChartToolbar : public QWidget {
  Q_OBJECT

 public:
  // What the view button offers: the whole run (while zoomed or while the growth is in focus), or
  // the growth phase in focus (while the whole run is shown).
  enum class ViewOffer { ShowAll, FocusGrowth };

  ChartToolbar(double smoothing, int focus_seed_epochs, QWidget* parent = nullptr);

  // --- what the panel shows (no signal is emitted) ---
  void show_smoothing(double weight);
  void show_x_axis(XAxis axis);
  void show_follow(bool follow);
  void show_view_offer(ViewOffer offer);
  ViewOffer view_offer() const { return offer_; }
  QPushButton* view_button() const { return view_button_; }

 Q_SIGNALS:
  void smoothing_chosen(double weight);
  void x_axis_chosen(moelab::ui::XAxis axis);
  void follow_chosen(bool follow);
  void view_offer_taken(moelab::ui::ChartToolbar::ViewOffer offer);

 protected:
  void changeEvent(QEvent* event) override;  // the view button's width follows the type

 private:
  void add_smoothing();
  void add_x_axis();
  void add_follow_and_view();
  // As wide as its longer text needs, so that the bar does not change width with it.
  void fit_view_button();

  int focus_seed_epochs_;
  ViewOffer offer_ = ViewOffer::ShowAll;
  QSlider* smoothing_slider_ = nullptr;
  QLabel* smoothing_label_ = nullptr;
  QComboBox* axis_box_ = nullptr;
  QCheckBox* follow_box_ = nullptr;
  QPushButton* view_button_ = nullptr;
};

}  // namespace moelab::ui
