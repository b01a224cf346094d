#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QPointer>
#include <QSettings>
#include <QStyle>

#include "charts/chart_style.h"

namespace moelab::ui {

namespace {

struct Named {
  Theme::Choice choice;
  const char* key;
  const char* label;
};

const Named kChoices[] = {
    {Theme::Choice::Desktop, "desktop", QT_TRANSLATE_NOOP("Theme", "Follow the &desktop")},
    {Theme::Choice::Light, "light", QT_TRANSLATE_NOOP("Theme", "&Light")},
    {Theme::Choice::Dark, "dark", QT_TRANSLATE_NOOP("Theme", "D&ark")},
};

}  // namespace

Theme* Theme::instance() {
  static QPointer<Theme> the;
  if (!the) the = new Theme(QCoreApplication::instance());
  return the;
}

Theme::Theme(QObject* parent) : QObject(parent) {
  desktop_palette_ = QApplication::palette();
  desktop_dark_ = desktop_palette_.color(QPalette::Window).lightness() < 128;
  const QString stored = QSettings().value(QLatin1String(kSettingsKey)).toString();
  for (const Named& named : kChoices) {
    if (stored == QLatin1String(named.key)) choice_ = named.choice;
  }
  apply();
}

bool Theme::dark() const {
  return choice_ == Choice::Dark || (choice_ == Choice::Desktop && desktop_dark_);
}

void Theme::set_choice(Choice choice) {
  const bool was_dark = dark();
  choice_ = choice;
  for (const Named& named : kChoices) {
    if (named.choice == choice) QSettings().setValue(QLatin1String(kSettingsKey), named.key);
  }
  apply();
  if (dark() != was_dark) Q_EMIT changed(dark());
}

QList<QAction*> Theme::make_actions(QObject* owner) {
  auto* group = new QActionGroup(owner);
  QList<QAction*> actions;
  for (const Named& named : kChoices) {
    auto* action = new QAction(tr(named.label), group);
    action->setCheckable(true);
    action->setChecked(named.choice == choice_);
    connect(action, &QAction::triggered, this,
            [this, choice = named.choice] { set_choice(choice); });
    // Another window's menu (or a test) may choose: every menu shows the choice.
    connect(this, &Theme::changed, action,
            [this, action, choice = named.choice] { action->setChecked(choice_ == choice); });
    actions << action;
  }
  return actions;
}

void Theme::apply() {
  ChartStyle::set_dark(dark());
  if (dark()) {
    QApplication::setPalette(dark_palette());
  } else if (!desktop_dark_) {
    QApplication::setPalette(desktop_palette_);
  } else {
    QApplication::setPalette(QApplication::style()->standardPalette());
  }
}

QPalette Theme::dark_palette() {
  // ChartStyle's dark colours, for the controls around the charts.
  const QColor window(0x2b, 0x2f, 0x36);
  const QColor base = ChartStyle::background();
  const QColor text = ChartStyle::text();
  const QColor muted = ChartStyle::muted_text();
  QPalette p;
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, window);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, muted);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
  p.setColor(QPalette::Light, window.lighter(130));
  p.setColor(QPalette::Midlight, window.lighter(115));
  p.setColor(QPalette::Mid, window.darker(120));
  p.setColor(QPalette::Dark, window.darker(150));
  p.setColor(QPalette::Shadow, Qt::black);
  p.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xf6));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(0x60, 0xa5, 0xfa));
  p.setColor(QPalette::LinkVisited, QColor(0xa7, 0x8b, 0xfa));
  for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
    p.setColor(QPalette::Disabled, role, muted.darker(130));
  }
  return p;
}

}  // namespace moelab::ui
