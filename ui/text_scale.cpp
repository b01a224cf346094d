#include "text_scale.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QPointer>
#include <QSettings>
#include <QWidget>
#include <algorithm>
#include <cmath>

namespace moelab::ui {

namespace {

constexpr double kSameStep = 1e-6;

}  // namespace

const QList<double>& TextScale::steps() {
  static const QList<double> all = {0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0};
  return all;
}

TextScale* TextScale::instance() {
  static QPointer<TextScale> the;
  if (!the) the = new TextScale(QCoreApplication::instance());
  return the;
}

const QFont& TextScale::platform_font() {
  static const QFont font = QApplication::font();
  return font;
}

TextScale::TextScale(QObject* parent) : QObject(parent) {
  platform_font();
  // A widget with a style sheet (a border, a colour) would otherwise keep its children's fonts
  // from ever hearing of the application's font again.
  QCoreApplication::setAttribute(Qt::AA_UseStyleSheetPropagationInWidgetStyles, true);
  const double saved = QSettings().value(QString::fromLatin1(kSettingsKey), 1.0).toDouble();
  // A hand-edited or foreign value falls back to the platform's size rather than to an
  // unreadable one.
  scale_ = std::isfinite(saved) ? std::clamp(saved, steps().first(), steps().last()) : 1.0;
  apply();
}

double TextScale::factor() const {
  return scale_ * (presenting_ > 0 ? kPresentationFactor : 1.0);
}

void TextScale::zoom_in() {
  const auto& all = steps();
  const auto next = std::find_if(all.begin(), all.end(),
                                 [this](double step) { return step > scale_ + kSameStep; });
  if (next != all.end()) set_scale(*next);
}

void TextScale::zoom_out() {
  const auto& all = steps();
  const auto next = std::find_if(all.rbegin(), all.rend(),
                                 [this](double step) { return step < scale_ - kSameStep; });
  if (next != all.rend()) set_scale(*next);
}

void TextScale::reset() { set_scale(1.0); }

void TextScale::hold_presentation() {
  ++presenting_;
  apply();
}

void TextScale::release_presentation() {
  presenting_ = std::max(0, presenting_ - 1);
  apply();
}

QList<QAction*> TextScale::make_actions(QWidget* owner) {
  auto* larger = new QAction(tr("&Larger text"), owner);
  // Ctrl+= too: on most keyboards plus is a shifted equals.
  larger->setShortcuts({QKeySequence(QKeySequence::ZoomIn), QKeySequence(tr("Ctrl+="))});
  connect(larger, &QAction::triggered, this, &TextScale::zoom_in);
  auto* smaller = new QAction(tr("&Smaller text"), owner);
  smaller->setShortcut(QKeySequence::ZoomOut);
  connect(smaller, &QAction::triggered, this, &TextScale::zoom_out);
  auto* normal = new QAction(tr("&Normal text size"), owner);
  normal->setShortcut(QKeySequence(tr("Ctrl+0")));
  connect(normal, &QAction::triggered, this, &TextScale::reset);
  return {larger, smaller, normal};
}

void TextScale::set_scale(double scale) {
  if (std::abs(scale - scale_) < kSameStep) return;
  scale_ = scale;
  QSettings().setValue(QString::fromLatin1(kSettingsKey), scale_);
  apply();
}

void TextScale::apply() {
  QFont font = platform_font();
  const double f = factor();
  if (font.pointSizeF() > 0) {
    font.setPointSizeF(font.pointSizeF() * f);
  } else if (font.pixelSize() > 0) {
    font.setPixelSize(std::max(1, static_cast<int>(std::lround(font.pixelSize() * f))));
  }
  if (font != QApplication::font()) {
    QApplication::setFont(font);
    // The widgets hear of the new font by posted events, and their minimum sizes with it: they
    // are delivered now, so that whatever follows (leaving presentation mode puts the window's
    // old size back) sees the type as it is.
    QCoreApplication::sendPostedEvents();
  }
  Q_EMIT changed(f);
}

}  // namespace moelab::ui
