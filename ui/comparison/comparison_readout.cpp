#include "comparison/comparison_readout.h"

#include <QFontMetrics>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "charts/chart_style.h"

namespace moelab::ui {

namespace {

constexpr int kPadding = 6;
constexpr int kColumnGap = 14;

QFont header_font() {
  QFont f = ChartStyle::small_font();
  f.setBold(true);
  return f;
}

QStringList column_titles() {
  return {QString(), ComparisonReadout::tr("mean"), ComparisonReadout::tr("min – max"),
          ComparisonReadout::tr("seeds")};
}

}  // namespace

ComparisonReadout::ComparisonReadout(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_TransparentForMouseEvents);
  // Every pixel is painted: nothing under it is repainted when its text changes.
  setAttribute(Qt::WA_OpaquePaintEvent);
  setFocusPolicy(Qt::NoFocus);
  hide();
}

QString ComparisonReadout::format_value(double v) {
  const double a = std::abs(v);
  if (a != 0.0 && (a < 1e-3 || a >= 1e5)) return QString::number(v, 'e', 2);
  const int decimals =
      a == 0.0 ? 0 : std::clamp(3 - static_cast<int>(std::floor(std::log10(a))), 0, 4);
  QString text = QString::number(v, 'f', decimals);
  // 4 experts, not 4.000: counts are the common case of a whole number.
  if (text.contains(QLatin1Char('.'))) {
    while (text.endsWith(QLatin1Char('0'))) text.chop(1);
    if (text.endsWith(QLatin1Char('.'))) text.chop(1);
  }
  return text == QStringLiteral("-0") ? QStringLiteral("0") : text;
}

void ComparisonReadout::set_rows(const QString& header, std::vector<Row> rows) {
  header_ = header;
  rows_ = std::move(rows);
  measure();
  update();
}

QString ComparisonReadout::text() const {
  QStringList lines{header_};
  for (const Row& row : rows_) {
    lines << (row.mean.isEmpty() ? tr("%1: no run at this epoch").arg(row.name)
                                 : tr("%1: mean %2, min – max %3, %4 seeds")
                                       .arg(row.name, row.mean, row.range, row.seeds));
  }
  return lines.join(QLatin1Char('\n'));
}

QStringList ComparisonReadout::cells(const Row& row) const {
  if (row.mean.isEmpty()) return {row.name, QStringLiteral("–"), QString(), QString()};
  return {row.name, row.mean, row.range, row.seeds};
}

void ComparisonReadout::measure() {
  const QFontMetrics body(ChartStyle::small_font());
  const QFontMetrics bold(header_font());
  row_height_ = std::max(body.height(), bold.height()) + 2;
  const int swatch = row_height_;
  const QStringList titles = column_titles();
  widths_ = {bold.horizontalAdvance(header_), body.horizontalAdvance(titles[1]),
             body.horizontalAdvance(titles[2]), body.horizontalAdvance(titles[3])};
  for (const Row& row : rows_) {
    const QStringList c = cells(row);
    widths_[0] = std::max(widths_[0], swatch + body.horizontalAdvance(c[0]));
    for (int i = 1; i < kColumns; ++i)
      widths_[i] = std::max(widths_[i], body.horizontalAdvance(c[i]));
  }
  int width = 2 * kPadding + (kColumns - 1) * kColumnGap;
  for (int w : widths_) width += w;
  const int height = 2 * kPadding + row_height_ * (static_cast<int>(rows_.size()) + 1);
  resize(width, height);
}

void ComparisonReadout::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), ChartStyle::background());
  painter.setPen(ChartStyle::axis_line());
  painter.drawRect(rect().adjusted(0, 0, -1, -1));
  const QStringList titles = column_titles();
  // The header row: the epoch, then each column's name, muted.
  int x = kPadding;
  QRect cell(x, kPadding, widths_[0], row_height_);
  painter.setFont(header_font());
  painter.setPen(ChartStyle::text());
  painter.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter, header_);
  painter.setFont(ChartStyle::small_font());
  painter.setPen(ChartStyle::muted_text());
  for (int i = 1; i < kColumns; ++i) {
    x += widths_[static_cast<std::size_t>(i - 1)] + kColumnGap;
    painter.drawText(QRect(x, kPadding, widths_[static_cast<std::size_t>(i)], row_height_),
                     Qt::AlignRight | Qt::AlignVCenter, titles[i]);
  }
  int y = kPadding + row_height_;
  for (const Row& row : rows_) {
    const QStringList c = cells(row);
    const int swatch = row_height_ - 6;
    painter.fillRect(QRect(kPadding, y + 3, swatch, swatch), row.color);
    painter.setPen(row.color);
    painter.drawText(QRect(kPadding + row_height_, y, widths_[0] - row_height_, row_height_),
                     Qt::AlignLeft | Qt::AlignVCenter, c[0]);
    painter.setPen(ChartStyle::text());
    x = kPadding;
    for (int i = 1; i < kColumns; ++i) {
      x += widths_[static_cast<std::size_t>(i - 1)] + kColumnGap;
      painter.drawText(QRect(x, y, widths_[static_cast<std::size_t>(i)], row_height_),
                       Qt::AlignRight | Qt::AlignVCenter, c[i]);
    }
    y += row_height_;
  }
}

}  // namespace moelab::ui
