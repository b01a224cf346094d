#include "banner_style.h"

#include <QEvent>
#include <QWidget>

#include "charts/chart_style.h"

namespace moelab::ui {

namespace {

struct Colors {
  const char* background;
  const char* border;
};

// Light: a pale tint of the tone under dark text. Dark: a deep tint under light text, with a
// brighter border so the panel still stands out from the window.
Colors colors_of(BannerStyle::Tone tone, bool dark) {
  switch (tone) {
    case BannerStyle::Tone::Attention:
      return dark ? Colors{"#3a2e12", "#f0a020"} : Colors{"#fff8e1", "#b26a00"};
    case BannerStyle::Tone::Fork:
      return dark ? Colors{"#1e2a44", "#6d8cf5"} : Colors{"#eef2fb", "#3b5bdb"};
    case BannerStyle::Tone::Settled:
    default:
      return dark ? Colors{"#1e3323", "#4caf50"} : Colors{"#eef6ee", "#2e7d32"};
  }
}

}  // namespace

BannerStyle::BannerStyle(QWidget* banner, const QString& selector, Tone tone)
    : QObject(banner), banner_(banner), selector_(selector), tone_(tone) {
  banner_->installEventFilter(this);
  apply();
}

void BannerStyle::set_tone(Tone tone) {
  tone_ = tone;
  apply();
}

QString BannerStyle::sheet(const QString& selector, Tone tone, bool dark) {
  const Colors c = colors_of(tone, dark);
  const QString text = dark ? QStringLiteral("#e5e7eb") : QStringLiteral("#1f2937");
  const QString padding = selector.startsWith(QLatin1String("QLabel"))
                              ? QStringLiteral(" padding: 6px 10px;")
                              : QString();
  return QStringLiteral(
             "%1 { background: %2; border: 1px solid %3; border-radius: 4px;%4 color: %5; }"
             " %1 QLabel { color: %5; }")
      .arg(selector, QLatin1String(c.background), QLatin1String(c.border), padding, text);
}

bool BannerStyle::eventFilter(QObject* watched, QEvent* event) {
  // The theme sets the application's palette after ChartStyle's colours.
  if (watched == banner_ && (event->type() == QEvent::PaletteChange ||
                             event->type() == QEvent::ApplicationPaletteChange)) {
    apply();
  }
  return QObject::eventFilter(watched, event);
}

void BannerStyle::apply() {
  const QString wanted = sheet(selector_, tone_, ChartStyle::dark());
  // Setting a sheet changes the palette again: only when it differs, so that ends here.
  if (banner_->styleSheet() != wanted) banner_->setStyleSheet(wanted);
}

}  // namespace moelab::ui
