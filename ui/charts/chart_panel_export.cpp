// ChartPanel's export: the dashboard rendered alone, at a size of its own, to PNG or SVG.
#include "charts/chart_panel.h"

#include <QCoreApplication>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <algorithm>

#include "charts/chart_grid.h"
#include "charts/chart_style.h"
#include "panel_scroll_area.h"

namespace moelab::ui {

namespace {

const QSize kDefaultExportSize(1600, 900);

// The charts lay out their plot areas on posted events (after a resize, and after new axis
// ranges change the width of the tick labels); a render that follows at once must see them.
void settle_layouts() { QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); }

// Lays the dashboard out at the export size, in the arrangement that size calls for, for one
// render and puts everything back, so an export can be larger than the window (or made before the
// panel was ever shown) without the user seeing the layout jump.
class ScopedExportLayout {
 public:
  ScopedExportLayout(PanelScrollArea* scroll, ChartGrid* grid, QSize size)
      : scroll_(scroll), grid_(grid), old_size_(grid->size()), old_room_(grid->room()) {
    // A widget never shown has no layout and receives its resize events only when painted,
    // too late for the charts to lay out their plot areas. Shown without a screen, it gets both.
    if (!grid_->isVisible()) {
      window_ = grid_->window();
      had_no_screen_ = window_->testAttribute(Qt::WA_DontShowOnScreen);
      window_->setAttribute(Qt::WA_DontShowOnScreen, true);
      window_->show();
      settle();
    }
    if (size != grid_->size()) {
      // The scroll area would size the grid back to its viewport.
      resized_ = true;
      scroll_->setWidgetResizable(false);
      grid_->fit(size);
      grid_->resize(size);
      settle();
    }
  }
  ~ScopedExportLayout() {
    if (resized_) {
      grid_->fit(old_room_);
      grid_->resize(old_size_);
      scroll_->setWidgetResizable(true);
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

  PanelScrollArea* scroll_;
  ChartGrid* grid_;
  QSize old_size_;
  QSize old_room_;
  bool resized_ = false;
  QWidget* window_ = nullptr;
  bool had_no_screen_ = false;
};

}  // namespace

QSize ChartPanel::export_size(QSize requested) const {
  if (requested.isValid() && !requested.isEmpty()) return requested;
  // A panel never shown has no layout yet; its 640 x 480 default would cram six charts.
  if (grid_->isVisible() && grid_->width() >= 400 && grid_->height() >= 300) {
    return grid_->size();
  }
  return kDefaultExportSize;
}

QImage ChartPanel::render_image(QSize size, qreal pixel_ratio) {
  const QSize logical = export_size(size);
  pixel_ratio = std::clamp(pixel_ratio, 0.25, 8.0);
  const ScopedExportLayout scoped(scroll_, grid_, logical);
  flush();
  settle_layouts();
  QImage image(logical * pixel_ratio, QImage::Format_ARGB32_Premultiplied);
  image.setDevicePixelRatio(pixel_ratio);
  image.fill(ChartStyle::background());
  QPainter painter(&image);
  grid_->render(&painter);
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
    const ScopedExportLayout scoped(scroll_, grid_, logical);
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
    grid_->render(&painter);
    painter.end();
  }
  if (!file.commit()) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

}  // namespace moelab::ui
