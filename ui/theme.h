#pragma once
// Light or dark: following the desktop (its palette's window colour, read before the lab changes
// anything) or chosen in View > Theme, kept in the settings. The choice becomes the application's
// palette, so every window, menu and dialog follows, and ChartStyle's colours, which every chart
// paints with; the Qt charts take them again when the palette changes. One per application, as
// the palette is.

#include <QList>
#include <QObject>
#include <QPalette>

class QAction;

namespace moelab::ui {

class Theme : public QObject {
  Q_OBJECT

 public:
  enum class Choice { Desktop, Light, Dark };
  static constexpr const char* kSettingsKey = "view/theme";  // "desktop", "light", "dark"

  // The application's, made on first use (a child of the application object).
  static Theme* instance();
  // Reads the choice from the settings and applies it.
  explicit Theme(QObject* parent = nullptr);

  Choice choice() const { return choice_; }
  bool dark() const;
  void set_choice(Choice choice);
  // Follow the desktop, Light, Dark: exclusive, for `owner`'s View > Theme menu.
  QList<QAction*> make_actions(QObject* owner);

 Q_SIGNALS:
  void changed(bool dark);

 private:
  void apply();
  static QPalette dark_palette();

  Choice choice_ = Choice::Desktop;
  QPalette desktop_palette_;
  bool desktop_dark_ = false;
};

}  // namespace moelab::ui
