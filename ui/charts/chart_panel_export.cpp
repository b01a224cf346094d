// ChartPanel's export: the dashboard rendered alone, at a size of its own, to PNG or SVG.
#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>

#include "charts/chart_grid.h"
#include "charts/chart_panel.h"
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

void ChartPanel::set_export_caption(const QString& title, const QString& details) {
  export_title_ = title;
  export_details_ = details;
}

namespace {
constexpr double kCaptionMargin = 10;
QRectF details_box(const QString& details, double width, double top) {
  const QFontMetricsF fm(ChartStyle::label_font());
  // Wrapped, never cut: the whole line of switches and the verdict.
  return fm.boundingRect(QRectF(kCaptionMargin, top, width - 2 * kCaptionMargin, 10000),
                         Qt::TextWordWrap | Qt::AlignLeft, details);
}
}  // namespace

double ChartPanel::caption_height(double width) const {
  if (export_title_.isEmpty() && export_details_.isEmpty()) return 0;
  const double title = QFontMetricsF(ChartStyle::title_font()).height();
  const double details =
      export_details_.isEmpty() ? 0 : details_box(export_details_, width, 0).height() + 2;
  return kCaptionMargin + title + details + kCaptionMargin;
}

void ChartPanel::paint_caption(QPainter& painter, double width) const {
  if (export_title_.isEmpty() && export_details_.isEmpty()) return;
  painter.save();
  painter.setPen(ChartStyle::text());
  painter.setFont(ChartStyle::fitted_title_font(export_title_, width - 2 * kCaptionMargin));
  const double title_h = QFontMetricsF(ChartStyle::title_font()).height();
  painter.drawText(QRectF(kCaptionMargin, kCaptionMargin, width - 2 * kCaptionMargin, title_h),
                   Qt::AlignLeft | Qt::AlignVCenter, export_title_);
  painter.setFont(ChartStyle::label_font());
  painter.setPen(ChartStyle::muted_text());
  const QRectF box = details_box(export_details_, width, kCaptionMargin + title_h + 2);
  painter.drawText(QRectF(box.left(), box.top(), width - 2 * kCaptionMargin, box.height()),
                   Qt::TextWordWrap | Qt::AlignLeft, export_details_);
  painter.restore();
}

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
  const int caption = static_cast<int>(std::ceil(caption_height(logical.width())));
  const QSize whole(logical.width(), logical.height() + caption);
  QImage image(whole * pixel_ratio, QImage::Format_ARGB32_Premultiplied);
  image.setDevicePixelRatio(pixel_ratio);
  image.fill(ChartStyle::background());
  QPainter painter(&image);
  paint_caption(painter, whole.width());
  grid_->render(&painter, QPoint(0, caption));
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
    const int caption = static_cast<int>(std::ceil(caption_height(logical.width())));
    const QSize whole(logical.width(), logical.height() + caption);
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(whole);
    svg.setViewBox(QRect(QPoint(0, 0), whole));
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
    painter.fillRect(QRect(QPoint(0, 0), whole), ChartStyle::background());
    paint_caption(painter, whole.width());
    grid_->render(&painter, QPoint(0, caption));
    painter.end();
  }
  if (!file.commit()) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

}  // namespace moelab::ui
