#pragma once
// A large on/off switch (a painted track and knob, with ON/OFF written in it) for the three fixes:
// a newcomer should see at a glance which fixes are on. A checkable QAbstractButton, so
// toggled(bool), setChecked, keyboard focus and accessibility work as for any button.

#include <QAbstractButton>

namespace moelab::ui {

class SwitchButton : public QAbstractButton {
  Q_OBJECT

 public:
  explicit SwitchButton(const QString& text, QWidget* parent = nullptr);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return sizeHint(); }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void enterEvent(QEnterEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  QSize track_size() const;
  QFont label_font() const;
  bool hovered_ = false;
};

}  // namespace moelab::ui
