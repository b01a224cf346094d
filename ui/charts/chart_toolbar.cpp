#include "charts/chart_toolbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <algorithm>
#include <cmath>

namespace moelab::ui {

namespace {

constexpr int kSliderSteps = 99;  // slider units are hundredths: 0 .. 0.99

int slider_value(double weight) { return static_cast<int>(std::lround(weight * 100)); }

}  // namespace

ChartToolbar::ChartToolbar(double smoothing, int focus_seed_epochs, QWidget* parent)
    : QWidget(parent), focus_seed_epochs_(focus_seed_epochs) {
  auto* bar = new QHBoxLayout(this);
  bar->setContentsMargins(0, 0, 0, 0);
  bar->setSpacing(8);
  add_smoothing();
  show_smoothing(smoothing);
  bar->addSpacing(8);
  add_x_axis();
  bar->addSpacing(8);
  add_follow_and_view();
  bar->addStretch(1);
}

void ChartToolbar::add_smoothing() {
  auto* label = new QLabel(tr("Smoothing"), this);
  smoothing_slider_ = new QSlider(Qt::Horizontal, this);
  smoothing_slider_->setRange(0, kSliderSteps);
  // Gives up width before anything else in the bar does, down to a usable 56 px.
  smoothing_slider_->setMinimumWidth(56);
  smoothing_slider_->setMaximumWidth(160);
  smoothing_slider_->setToolTip(
      tr("Exponential moving average of the step curves (TensorBoard's); the raw curve stays "
         "faint behind."));
  smoothing_label_ = new QLabel(this);
  smoothing_label_->setMinimumWidth(smoothing_label_->fontMetrics().horizontalAdvance("0.00") + 4);
  label->setBuddy(smoothing_slider_);
  connect(smoothing_slider_, &QSlider::valueChanged, this,
          [this](int value) { Q_EMIT smoothing_chosen(value / 100.0); });
  layout()->addWidget(label);
  layout()->addWidget(smoothing_slider_);
  layout()->addWidget(smoothing_label_);
}

void ChartToolbar::add_x_axis() {
  auto* label = new QLabel(tr("X axis"), this);
  axis_box_ = new QComboBox(this);
  axis_box_->addItem(tr("Step"), static_cast<int>(XAxis::Step));
  axis_box_->addItem(tr("Epoch"), static_cast<int>(XAxis::Epoch));
  axis_box_->addItem(tr("Wall time"), static_cast<int>(XAxis::WallTime));
  label->setBuddy(axis_box_);
  connect(axis_box_, &QComboBox::currentIndexChanged, this, [this](int index) {
    Q_EMIT x_axis_chosen(static_cast<XAxis>(axis_box_->itemData(index).toInt()));
  });
  layout()->addWidget(label);
  layout()->addWidget(axis_box_);
}

void ChartToolbar::add_follow_and_view() {
  follow_box_ = new QCheckBox(tr("Follow"), this);
  follow_box_->setChecked(true);
  follow_box_->setToolTip(
      tr("Keep the whole run in view. Untick to hold the view still while training goes on."));
  connect(follow_box_, &QCheckBox::toggled, this, &ChartToolbar::follow_chosen);
  // One button for the view's two states, so that the bar keeps its width at 1024 px.
  view_button_ = new QPushButton(this);
  show_view_offer(ViewOffer::ShowAll);
  fit_view_button();
  connect(view_button_, &QPushButton::clicked, this, [this] { Q_EMIT view_offer_taken(offer_); });
  layout()->addWidget(follow_box_);
  layout()->addWidget(view_button_);
}

void ChartToolbar::show_smoothing(double weight) {
  if (slider_value(weight) != smoothing_slider_->value()) {
    const QSignalBlocker block(smoothing_slider_);
    smoothing_slider_->setValue(slider_value(weight));
  }
  smoothing_label_->setText(QString::number(weight, 'f', 2));
}

void ChartToolbar::show_x_axis(XAxis axis) {
  const int index = axis_box_->findData(static_cast<int>(axis));
  if (index == axis_box_->currentIndex()) return;
  const QSignalBlocker block(axis_box_);
  axis_box_->setCurrentIndex(index);
}

void ChartToolbar::show_follow(bool follow) {
  if (follow_box_->isChecked() == follow) return;
  const QSignalBlocker block(follow_box_);
  follow_box_->setChecked(follow);
}

void ChartToolbar::show_view_offer(ViewOffer offer) {
  offer_ = offer;
  if (offer == ViewOffer::FocusGrowth) {
    view_button_->setText(tr("Focus growth"));
    view_button_->setToolTip(tr("Show the growth phase and the last %n seed epoch(s) before it.",
                                nullptr, focus_seed_epochs_));
  } else {
    view_button_->setText(tr("Show all"));
    view_button_->setToolTip(
        tr("Show the whole run (wheel: zoom, drag: pan, double-click: reset the zoom)."));
  }
}

void ChartToolbar::fit_view_button() {
  const QFontMetrics fm(view_button_->font());
  const int padding = view_button_->sizeHint().width() - fm.horizontalAdvance(view_button_->text());
  view_button_->setMinimumWidth(
      std::max(fm.horizontalAdvance(tr("Show all")), fm.horizontalAdvance(tr("Focus growth"))) +
      padding);
}

void ChartToolbar::changeEvent(QEvent* event) {
  if (event->type() == QEvent::FontChange && view_button_) fit_view_button();
  QWidget::changeEvent(event);
}

}  // namespace moelab::ui
