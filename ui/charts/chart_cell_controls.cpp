#include "charts/chart_cell_controls.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>

#include "charts/chart_grid.h"
#include "charts/chart_style.h"
#include "charts/time_series_chart.h"

namespace moelab::ui {

namespace {

bool commit(QSaveFile& file, const QString& path, QString* error) {
  if (file.commit()) return true;
  if (error) *error = QObject::tr("Could not write %1: %2").arg(path, file.errorString());
  return false;
}

void write_csv(const TimeSeriesChart& chart, QTextStream& out) {
  const QList<QAbstractAxis*> x_axes = chart.chart()->axes(Qt::Horizontal);
  const QString x_title = x_axes.isEmpty() ? QStringLiteral("x") : x_axes.first()->titleText();
  const auto quoted = [](QString text) {
    return QStringLiteral("\"%1\"").arg(text.replace(QLatin1Char('"'), QStringLiteral("\"\"")));
  };
  out << "series," << quoted(x_title) << ",value\n";
  for (int line = 0; line < chart.line_count(); ++line) {
    const QString name = quoted(chart.line_name(line));
    for (const QPointF& p : chart.points(line)) {
      out << name << ',' << QString::number(p.x(), 'g', 10) << ','
          << QString::number(p.y(), 'g', 10) << '\n';
    }
  }
}

}  // namespace

ChartCellControls::ChartCellControls(ChartGrid* grid) : QObject(grid), grid_(grid) {}

double ChartCellControls::title_band() {
  return QFontMetricsF(ChartStyle::title_font()).height() + 8;
}

void ChartCellControls::add(QWidget* chart, QWidget* cell, const QString& name,
                            TimeSeriesChart* series) {
  // A chart view's mouse events arrive at its viewport.
  auto* view = qobject_cast<QChartView*>(chart);
  QWidget* events = view ? view->viewport() : chart;
  events->installEventFilter(this);
  charts_.push_back({events, chart, cell, name, series});
}

void ChartCellControls::toggle_maximised(QWidget* cell) {
  grid_->set_maximised(grid_->maximised() == cell ? nullptr : cell);
}

bool ChartCellControls::eventFilter(QObject* watched, QEvent* event) {
  const auto type = event->type();
  if (type != QEvent::MouseButtonDblClick && type != QEvent::ContextMenu) return false;
  for (const Chart& chart : charts_) {
    if (chart.events != watched) continue;
    if (type == QEvent::MouseButtonDblClick) {
      const auto* mouse = static_cast<QMouseEvent*>(event);
      if (mouse->button() != Qt::LeftButton || mouse->position().y() > title_band()) return false;
      toggle_maximised(chart.cell);
      return true;
    }
    const auto* menu = static_cast<QContextMenuEvent*>(event);
    // A time chart's plot has its own menu (Fork from here).
    if (chart.series && menu->pos().y() > title_band()) return false;
    show_menu(chart, menu->globalPos());
    return true;
  }
  return false;
}

void ChartCellControls::show_menu(const Chart& chart, const QPoint& global) {
  QMenu menu;
  const bool maximised = grid_->maximised() == chart.cell;
  QAction* size = menu.addAction(maximised ? tr("Show the whole dashboard") : tr("Maximise"));
  menu.addSeparator();
  QAction* png = menu.addAction(tr("Export this chart as PNG..."));
  QAction* svg = menu.addAction(tr("Export this chart as SVG..."));
  QAction* csv = chart.series ? menu.addAction(tr("Export this chart's data as CSV...")) : nullptr;
  QAction* chosen = menu.exec(global);
  if (!chosen) return;
  if (chosen == size) toggle_maximised(chart.cell);
  if (chosen == png) choose_export(chart, QStringLiteral("png"));
  if (chosen == svg) choose_export(chart, QStringLiteral("svg"));
  if (csv && chosen == csv) choose_export(chart, QStringLiteral("csv"));
}

void ChartCellControls::choose_export(const Chart& chart, const QString& suffix) {
  const QString path = QFileDialog::getSaveFileName(
      chart.widget, tr("Export chart"), QStringLiteral("%1.%2").arg(chart.name, suffix),
      tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
  if (path.isEmpty()) return;
  QString error;
  if (!export_chart(chart.widget, chart.series, path, &error)) {
    QMessageBox::warning(chart.widget, tr("Export chart"), error);
  }
}

bool ChartCellControls::export_chart(QWidget* chart, const TimeSeriesChart* series,
                                     const QString& path, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != QStringLiteral("png") && suffix != QStringLiteral("svg") &&
      !(suffix == QStringLiteral("csv") && series)) {
    if (error) {
      *error = series ? tr("A chart exports to .png, .svg or .csv, not \"%1\".").arg(path)
                      : tr("This chart exports to .png or .svg, not \"%1\".").arg(path);
    }
    return false;
  }
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  if (suffix == QStringLiteral("csv")) {
    QTextStream out(&file);
    write_csv(*series, out);
    out.flush();
    return commit(file, path, error);
  }
  const QSize size = chart->size();
  if (suffix == QStringLiteral("svg")) {
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    QPainter painter(&svg);
    painter.fillRect(QRect(QPoint(0, 0), size), ChartStyle::background());
    chart->render(&painter);
    painter.end();
    return commit(file, path, error);
  }
  // Twice the pixels, as the dashboard's export: a chart alone ends up on a slide.
  QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);
  image.setDevicePixelRatio(2.0);
  image.fill(ChartStyle::background());
  QPainter painter(&image);
  chart->render(&painter);
  painter.end();
  if (!image.save(&file, "PNG")) {
    file.cancelWriting();
    if (error) *error = tr("Could not encode the chart as PNG into %1.").arg(path);
    return false;
  }
  return commit(file, path, error);
}

}  // namespace moelab::ui
