#include "preset_banner.h"

#include <QStringList>

#include "ablation/preset.h"
#include "banner_style.h"
#include "training/switch_events.h"

namespace moelab::ui {

namespace {

QString html(const std::string& text) {
  return QString::fromStdString(text).toHtmlEscaped().replace(QLatin1Char('\n'),
                                                              QStringLiteral("<br>"));
}

}  // namespace

PresetBanner::PresetBanner(QWidget* parent) : QLabel(parent) {
  setObjectName(QStringLiteral("presetLabel"));
  setWordWrap(true);
  setTextFormat(Qt::RichText);
  style_ = new BannerStyle(this, QStringLiteral("QLabel#presetLabel"), BannerStyle::Tone::Settled);
  hide();
}

void PresetBanner::show_state(int index, const FixSwitches& fixes) {
  if (index < 0 || index >= static_cast<int>(presets().size())) {
    modified_ = false;
    hide();
    return;
  }
  const Preset& preset = presets()[static_cast<std::size_t>(index)];
  modified_ = !preset.matches(fixes);
  QString title = QStringLiteral("<b>%1</b>").arg(html(preset.title));
  if (modified_) {
    // What the switches did since, said as the charts' markers say it.
    QStringList changes;
    for (const auto& change : diff_switches(preset.switches(fixes), fixes)) {
      changes << html(describe_switch_event(change));
    }
    title += tr(" &mdash; <i>modified: %1</i>").arg(changes.join(QStringLiteral(", ")));
  }
  setText(QStringLiteral("%1<br>%2").arg(title, html(preset.explanation)));
  style_->set_tone(modified_ ? BannerStyle::Tone::Attention : BannerStyle::Tone::Settled);
  show();
}

}  // namespace moelab::ui
