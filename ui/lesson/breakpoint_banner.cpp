#include "lesson/breakpoint_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "banner_style.h"

namespace moelab::ui {

BreakpointBanner::BreakpointBanner(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("breakpointBanner"));
  new BannerStyle(this, QStringLiteral("QFrame#breakpointBanner"), BannerStyle::Tone::Attention);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(10, 6, 10, 6);
  auto* text = new QVBoxLayout;
  text->setSpacing(2);
  title_ = new QLabel(this);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  caption_ = new QLabel(this);
  caption_->setWordWrap(true);
  caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  text->addWidget(title_);
  text->addWidget(caption_);
  layout->addLayout(text, 1);
  play_on_ = new QPushButton(tr("Play on"), this);
  play_on_->setToolTip(tr("Resume the run (the Run menu's Resume does the same)."));
  layout->addWidget(play_on_, 0, Qt::AlignVCenter);
  connect(play_on_, &QPushButton::clicked, this, &BreakpointBanner::playOnRequested);
  hide();
}

void BreakpointBanner::show_hit(const BreakpointHit& hit) {
  title_->setText(tr("Paused: %1").arg(QString::fromUtf8(breakpoint_info(hit.kind).name)));
  caption_->setText(QString::fromStdString(hit.caption));
  show();
}

QString BreakpointBanner::caption() const { return caption_->text(); }

}  // namespace moelab::ui
