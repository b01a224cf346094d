#include "discard_question.h"

#include <QCheckBox>
#include <QDir>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

namespace moelab::ui {

bool DiscardQuestion::ask(QWidget* parent, const QString& action, const QString& run_folder) {
  const QString key = QString::fromLatin1(kSettingsKey);
  if (!QSettings().value(key, true).toBool()) return true;
  QMessageBox box(parent);
  box.setIcon(QMessageBox::Question);
  box.setWindowTitle(QObject::tr("Finished run"));
  box.setText(QObject::tr("%1 clears the last run's charts and report.").arg(action));
  box.setInformativeText(
      run_folder.isEmpty()
          ? QObject::tr("The run was kept in memory only: export what you need first (File "
                        "menu).")
          : QObject::tr("The run itself stays in its folder, %1.")
                .arg(QDir::toNativeSeparators(run_folder)));
  QPushButton* clear = box.addButton(QObject::tr("Clear"), QMessageBox::AcceptRole);
  box.addButton(QMessageBox::Cancel);
  box.setDefaultButton(clear);
  auto* never = new QCheckBox(QObject::tr("Don't ask again"));
  box.setCheckBox(never);
  box.exec();
  if (box.clickedButton() != clear) return false;
  if (never->isChecked()) QSettings().setValue(key, false);
  return true;
}

}  // namespace moelab::ui
