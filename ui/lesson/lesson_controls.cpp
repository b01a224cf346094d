#include "lesson/lesson_controls.h"

#include <QAction>
#include <QInputDialog>
#include <QSettings>
#include <QWidget>

namespace moelab::ui {

namespace {

QString key_of(const BreakpointInfo& info) {
  return QStringLiteral("%1/%2").arg(QLatin1String(LessonControls::kSettingsGroup),
                                     QLatin1String(info.key));
}

QString threshold_key() {
  return QStringLiteral("%1/%2").arg(QLatin1String(LessonControls::kSettingsGroup),
                                     QLatin1String(LessonControls::kThresholdKey));
}

}  // namespace

LessonControls::LessonControls(QWidget* parent) : QObject(parent), parent_(parent) {
  QSettings stored;
  for (const BreakpointInfo& info : breakpoint_catalog()) {
    auto* action = new QAction(QString::fromUtf8(info.name), parent);
    action->setCheckable(true);
    action->setStatusTip(QString::fromUtf8(info.help));
    action->setToolTip(QString::fromUtf8(info.help));
    settings_.set(info.kind, stored.value(key_of(info), false).toBool());
    connect(action, &QAction::toggled, this, [this, kind = info.kind](bool on) {
      if (settings_.enabled(kind) == on) return;
      settings_.set(kind, on);
      store();
      Q_EMIT changed(settings_);
    });
    actions_.push_back(action);
  }
  const double threshold =
      stored.value(threshold_key(), BreakpointSettings::kDefaultEntropyThreshold).toDouble();
  if (threshold > 0 && threshold < 1) settings_.entropy_threshold = threshold;
  threshold_ = new QAction(tr("Entropy threshold..."), parent);
  threshold_->setStatusTip(
      tr("Where \"Router entropy falls low\" pauses: the router's normalised "
         "entropy, 0 (one expert takes everything) to 1 (even)."));
  connect(threshold_, &QAction::triggered, this, &LessonControls::choose_threshold);
  show_settings();
}

QList<QAction*> LessonControls::actions() const {
  QList<QAction*> all(actions_.begin(), actions_.end());
  all << threshold_;
  return all;
}

QAction* LessonControls::action(BreakpointKind kind) const {
  const auto& catalog = breakpoint_catalog();
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    if (catalog[i].kind == kind) return actions_[i];
  }
  return nullptr;
}

bool LessonControls::set_settings(const BreakpointSettings& settings) {
  if (!(settings.entropy_threshold > 0 && settings.entropy_threshold < 1)) return false;
  settings_ = settings;
  show_settings();
  store();
  Q_EMIT changed(settings_);
  return true;
}

void LessonControls::choose_threshold() {
  bool ok = false;
  const double value =
      QInputDialog::getDouble(parent_, tr("Entropy threshold"),
                              tr("Pause when the router's normalised entropy falls below:"),
                              settings_.entropy_threshold, 0.01, 0.99, 2, &ok);
  if (!ok) return;
  BreakpointSettings changed_settings = settings_;
  changed_settings.entropy_threshold = value;
  set_settings(changed_settings);
}

void LessonControls::show_settings() {
  const auto& catalog = breakpoint_catalog();
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const QSignalBlocker block(actions_[i]);
    actions_[i]->setChecked(settings_.enabled(catalog[i].kind));
    if (catalog[i].kind == BreakpointKind::EntropyLow) {
      actions_[i]->setText(
          tr("Router entropy falls below %1").arg(settings_.entropy_threshold, 0, 'f', 2));
    }
  }
}

void LessonControls::store() const {
  QSettings stored;
  for (const BreakpointInfo& info : breakpoint_catalog()) {
    stored.setValue(key_of(info), settings_.enabled(info.kind));
  }
  stored.setValue(threshold_key(), settings_.entropy_threshold);
}

}  // namespace moelab::ui
