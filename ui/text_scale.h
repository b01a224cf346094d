#pragma once
// The size of the lab's type: the user's scale (View > Larger text, Ctrl+plus; Smaller text,
// Ctrl+minus; Normal text size, Ctrl+0), kept in the settings, times presentation mode's
// enlargement while a window presents. It multiplies the platform's own font and becomes the
// application's font, so every window, menu and dialog follows, and the charts, which size their
// fonts from the application's (ChartStyle), follow too. One per application, as the font is.

#include <QFont>
#include <QList>
#include <QObject>

class QAction;
class QWidget;

namespace moelab::ui {

class TextScale : public QObject {
  Q_OBJECT

 public:
  static constexpr double kPresentationFactor = 1.4;
  static constexpr const char* kSettingsKey = "view/text_scale";
  // The user's scale moves along these steps; 1 is the platform's size.
  static const QList<double>& steps();

  // The application's, made on first use (a child of the application object).
  static TextScale* instance();
  // Reads the user's scale from the settings and applies it.
  explicit TextScale(QObject* parent = nullptr);

  double scale() const { return scale_; }
  // What the platform's font size is multiplied by: the user's scale, presentation included.
  double factor() const;
  void zoom_in();
  void zoom_out();
  void reset();
  // Presentation mode enlarges the type while at least one window presents.
  void hold_presentation();
  void release_presentation();
  // Larger, Smaller and Normal text, with their shortcuts, for `owner`'s View menu.
  QList<QAction*> make_actions(QWidget* owner);

 Q_SIGNALS:
  void changed(double factor);

 private:
  // The application's font before the lab scaled it.
  static const QFont& platform_font();
  void set_scale(double scale);
  void apply();

  double scale_ = 1.0;
  int presenting_ = 0;
};

}  // namespace moelab::ui
