// ChartPanel's export: the dashboard rendered alone, at a size of its own, to PNG or SVG.
#include "charts/chart_panel.h"

#include <QCoreApplication>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <algorithm>

#include "charts/chart_style.h"

namespace moelab::ui {

namespace {

const QSize kDefaultExportSize(1600, 900);

// The charts lay out their plot areas on posted events (after a resize, and after new axis
// ranges change the width of the tick labels); a render that follows at once must see them.
void settle_layouts() { QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); }

// Lays the dashboard out at the export size for one render and puts everything back, so an
// export can be larger than the window (or made before the panel was ever shown) without the
// user seeing the layout jump.
class ScopedExportLayout {
 public:
  ScopedExportLayout(QVBoxLayout* owner, QWidget* dashboard, QSize size)
      : owner_(owner), dashboard_(dashboard), old_size_(dashboard->size()) {
    // A widget never shown has no layout and receives its resize events only when painted,
    // too late for the charts to lay out their plot areas. Shown without a screen, it gets both.
    if (!dashboard_->isVisible()) {
      window_ = dashboard_->window();
      had_no_screen_ = window_->testAttribute(Qt::WA_DontShowOnScreen);
      window_->setAttribute(Qt::WA_DontShowOnScreen, true);
      window_->show();
      settle();
    }
    if (size != dashboard_->size()) {
      // Out of the panel's layout for the render, or the layout would size it back.
      index_ = owner_->indexOf(dashboard_);
      owner_->removeWidget(dashboard_);
      dashboard_->resize(size);
      settle();
    }
  }
  ~ScopedExportLayout() {
    if (index_ >= 0) {
      dashboard_->resize(old_size_);
      owner_->insertWidget(index_, dashboard_, 1);
      settle();
    }
    if (window_) {
      window_->hide();
      window_->setAttribute(Qt::WA_DontShowOnScreen, had_no_screen_);
    }
  }
  ScopedExportLayout(const ScopedExportLayout&) = delete;
  ScopedExportLayout& operator=(const ScopedExportLayout&) = delete;

 private:
  static void settle() { settle_layouts(); }

  QVBoxLayout* owner_;
  QWidget* dashboard_;
  QSize old_size_;
  int index_ = -1;
  QWidget* window_ = nullptr;
  bool had_no_screen_ = false;
};

}  // namespace

QSize ChartPanel::export_size(QSize requested) const {
  if (requested.isValid() && !requested.isEmpty()) return requested;
  // A panel never shown has no layout yet; its 640 x 480 default would cram six charts.
  if (dashboard_->isVisible() && dashboard_->width() >= 400 && dashboard_->height() >= 300) {
    return dashboard_->size();
  }
  return kDefaultExportSize;
}

QImage ChartPanel::render_image(QSize size, qreal pixel_ratio) {
  const QSize logical = export_size(size);
  pixel_ratio = std::clamp(pixel_ratio, 0.25, 8.0);
  const ScopedExportLayout scoped(static_cast<QVBoxLayout*>(layout()), dashboard_, logical);
  flush();
  settle_layouts();
  QImage image(logical * pixel_ratio, QImage::Format_ARGB32_Premultiplied);
  image.setDevicePixelRatio(pixel_ratio);
  image.fill(ChartStyle::background());
  QPainter painter(&image);
  dashboard_->render(&painter);
  painter.end();
  return image;
}

bool ChartPanel::export_png(const QString& path, QString* error) {
  // Twice the pixels: exported dashboards end up on slides and projectors.
  const QImage image = render_image(QSize(), 2.0);
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  if (!image.save(&file, "PNG")) {
    if (error) *error = tr("Could not encode the dashboard as PNG into %1.").arg(path);
    file.cancelWriting();
    return false;
  }
  if (!file.commit()) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

bool ChartPanel::export_svg(const QString& path, QString* error) {
  const QSize logical = export_size(QSize());
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  {
    const ScopedExportLayout scoped(static_cast<QVBoxLayout*>(layout()), dashboard_, logical);
    flush();
    settle_layouts();
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(logical);
    svg.setViewBox(QRect(QPoint(0, 0), logical));
    svg.setTitle(tr("MoE Growth Lab dashboard"));
    svg.setDescription(
        tr("Accuracy, expert utilisation or task gradient, loss terms, router "
           "balance and routing."));
    QPainter painter;
    if (!painter.begin(&svg)) {
      if (error) *error = tr("Could not start the SVG writer for %1.").arg(path);
      file.cancelWriting();
      return false;
    }
    painter.fillRect(QRect(QPoint(0, 0), logical), ChartStyle::background());
    dashboard_->render(&painter);
    painter.end();
  }
  if (!file.commit()) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

}  // namespace moelab::ui
