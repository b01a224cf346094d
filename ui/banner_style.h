#pragma once
// The lab's banners (the preset and what changed since, a fork's origin, a breakpoint's caption)
// in the theme's colours: a tinted panel, a border in the tone's colour and text that reads on it,
// light or dark. A banner's style sheet names its colours outright, so the application's palette
// cannot reach it: BannerStyle sets the sheet again whenever the theme changes the palette.

#include <QObject>
#include <QString>

class QWidget;

namespace moelab::ui {

class BannerStyle : public QObject {
  Q_OBJECT

 public:
  // Settled: as chosen (a preset as it is). Attention: worth a look (a preset modified, a run
  // paused at a breakpoint). Fork: where a fork comes from.
  enum class Tone { Settled, Attention, Fork };

  // Styles `banner` (selected in its sheet by `selector`, e.g. "QLabel#forkLabel") in `tone`,
  // and keeps it styled; a child of `banner`.
  BannerStyle(QWidget* banner, const QString& selector, Tone tone);

  void set_tone(Tone tone);
  Tone tone() const { return tone_; }

  // The sheet for `selector` in `tone`, light or dark. A QLabel banner gets its padding in the
  // sheet; another widget's labels take the text colour (its layout gives the room).
  static QString sheet(const QString& selector, Tone tone, bool dark);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void apply();

  QWidget* banner_;
  QString selector_;
  Tone tone_;
};

}  // namespace moelab::ui
