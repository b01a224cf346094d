#include "comparison/comparison_chart_export.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include "charts/chart_cell_controls.h"
#include "save_file.h"

namespace moelab::ui::comparison_chart_export {

namespace {

QString number(double v) { return QString::number(v, 'g', QLocale::FloatingPointShortest); }

// Arm names hold commas and quotes once a swept setting is in them.
QString quoted(QString text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
      !text.contains(QLatin1Char('\n'))) {
    return text;
  }
  return QStringLiteral("\"%1\"").arg(text.replace(QLatin1Char('"'), QStringLiteral("\"\"")));
}

}  // namespace

QByteArray csv(const std::vector<ArmBand>& arms) {
  QString out = QString::fromLatin1(kCsvHeader) + QLatin1Char('\n');
  for (const ArmBand& arm : arms) {
    const QString name = quoted(arm.name);
    for (const BandPoint& p : arm.points) {
      // Joined, not .arg()ed: a name may hold a '%'.
      const QStringList fields{name,           QString::number(p.epoch),
                               number(p.mean), number(p.min),
                               number(p.max),  QString::number(p.seeds)};
      out += fields.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
  }
  return out.toUtf8();
}

bool write(QWidget* chart, const std::vector<ArmBand>& arms, const QString& path, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QStringLiteral("csv")) return save_file(path, csv(arms), error);
  if (suffix == QStringLiteral("png") || suffix == QStringLiteral("svg")) {
    return ChartCellControls::export_chart(chart, nullptr, path, error);
  }
  if (error) {
    *error = QCoreApplication::translate("ComparisonChartView",
                                         "A chart exports to .png, .svg or .csv, not \"%1\".")
                 .arg(QDir::toNativeSeparators(path));
  }
  return false;
}

}  // namespace moelab::ui::comparison_chart_export
