#pragma once
// Answers every modal message box that opens while it lives, from the box's own event loop:
// clicks the button of `role` (ticking "Don't ask again" first when asked to), or rejects the box
// when it has none; counts the questions and keeps the last one's text and informative text.
#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QMessageBox>
#include <QTimer>

class MessageBoxAnswerer : public QObject {
 public:
  explicit MessageBoxAnswerer(QMessageBox::ButtonRole role, bool never_again = false)
      : role_(role), never_again_(never_again) {
    timer_.setInterval(10);
    connect(&timer_, &QTimer::timeout, this, [this] { answer(); });
    timer_.start();
  }
  int asked() const { return asked_; }
  const QString& text() const { return text_; }
  const QString& informative_text() const { return informative_text_; }
  // What to click from now on.
  void set_role(QMessageBox::ButtonRole role) { role_ = role; }

 private:
  void answer() {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (box == nullptr) return;
    ++asked_;
    text_ = box->text();
    informative_text_ = box->informativeText();
    if (never_again_ && box->checkBox()) box->checkBox()->setChecked(true);
    for (QAbstractButton* button : box->buttons()) {
      if (box->buttonRole(button) == role_) {
        button->click();
        return;
      }
    }
    box->reject();
  }

  QTimer timer_;
  QMessageBox::ButtonRole role_;
  bool never_again_;
  int asked_ = 0;
  QString text_;
  QString informative_text_;
};
