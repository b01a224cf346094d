// The control panel against the core's setting catalog: the window's fields accept exactly the
// ranges the CLI and the experiment file accept, and show the catalog's labels and help.
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QtTest>
#include <cmath>

#include "config/config_json.h"
#include "config/setting_catalog.h"
#include "control_panel.h"
#include "number_spin_box.h"

using namespace moelab;
using moelab::ui::ControlPanel;

class TestUiControlPanel : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyFieldHasTheCatalogsRangeAndHelp() {
    ControlPanel panel;
    int fields = 0;
    for (auto* widget : panel.findChildren<QWidget*>()) {
      const auto* s = find_setting(widget->objectName().toStdString());
      if (!s) continue;
      ++fields;
      QCOMPARE(widget->toolTip(), QString::fromStdString(s->help));
      if (auto* box = qobject_cast<QSpinBox*>(widget)) {
        QCOMPARE(static_cast<std::int64_t>(box->minimum()), s->integer_minimum);
        QCOMPARE(static_cast<std::int64_t>(box->maximum()), s->integer_maximum);
      } else if (auto* number = qobject_cast<QDoubleSpinBox*>(widget)) {
        // An open end is the nearest double inside it: the same set of values.
        QCOMPARE(number->minimum(),
                 s->minimum_open ? std::nextafter(s->minimum, s->maximum) : s->minimum);
        QCOMPARE(number->maximum(),
                 s->maximum_open ? std::nextafter(s->maximum, s->minimum) : s->maximum);
      } else if (auto* names = qobject_cast<QComboBox*>(widget)) {
        QCOMPARE(static_cast<std::size_t>(names->count()), s->choices.size());
        for (int i = 0; i < names->count(); ++i) {
          // The data set chooser shows sentences; the others show the names files use.
          if (s->key != "data.kind") {
            QCOMPARE(names->itemText(i), QString::fromStdString(s->choices[i]));
          }
        }
      }
    }
    QVERIFY2(fields >= 20, qPrintable(QString::number(fields)));
  }

  void rowsAreLabelledFromTheCatalog() {
    ControlPanel panel;
    for (auto* form : panel.findChildren<QFormLayout*>()) {
      for (int row = 0; row < form->rowCount(); ++row) {
        auto* label_item = form->itemAt(row, QFormLayout::LabelRole);
        auto* field_item = form->itemAt(row, QFormLayout::FieldRole);
        if (!label_item || !field_item || !field_item->widget()) continue;
        const auto* s = find_setting(field_item->widget()->objectName().toStdString());
        if (!s) continue;
        auto* label = qobject_cast<QLabel*>(label_item->widget());
        QVERIFY(label);
        QCOMPARE(label->text(), QString::fromStdString(s->label));
      }
    }
  }

  // Whatever a config holds comes back out of the panel unchanged, shown or not: every setting
  // at the far end of its range (or its last choice) at once.
  void everySettingRoundTripsThroughThePanel() {
    RunConfig c;
    for (const auto& s : setting_catalog()) {
      switch (s.type) {
        case SettingType::Integer: s.set(c, s.integer_maximum); break;
        case SettingType::Real:
          s.set(c, s.maximum_open ? std::nextafter(s.maximum, s.minimum) : s.maximum);
          break;
        case SettingType::Boolean: s.set(c, !std::get<bool>(s.get(c))); break;
        case SettingType::Choice: s.set(c, s.choices.back()); break;
        case SettingType::Text: s.set(c, std::string("/data/set")); break;
      }
    }
    ControlPanel panel;
    panel.set_config(c);
    QCOMPARE(QString::fromStdString(config_to_json(panel.config())),
             QString::fromStdString(config_to_json(c)));
  }

  // The window chooses the growth policy as the CLI does: every setting the catalog files under
  // Growth is in the panel's Growth box, and the field's parameters are live only while the
  // field decides.
  void growthSettingsAreInTheGrowthBox() {
    ControlPanel panel;
    QGroupBox* box = nullptr;
    for (auto* b : panel.findChildren<QGroupBox*>()) {
      if (b->title() == QStringLiteral("Growth")) box = b;
    }
    QVERIFY(box);
    int growth_settings = 0;
    for (const auto& s : setting_catalog()) {
      if (s.group != setting("training.growth").group) continue;
      ++growth_settings;
      QVERIFY2(box->findChild<QWidget*>(QString::fromStdString(s.key)), s.key.c_str());
    }
    QVERIFY(growth_settings >= 12);  // the policy, nine field parameters, prune and revive
    auto* growth = box->findChild<QComboBox*>(QStringLiteral("training.growth"));
    auto* dv = box->findChild<QWidget*>(QStringLiteral("training.field.dv"));
    QVERIFY(growth && dv);
    QCOMPARE(growth->currentText(), QStringLiteral("heuristic"));
    QVERIFY(!dv->isEnabled());
    growth->setCurrentIndex(growth->findText(QStringLiteral("schnakenberg")));
    QVERIFY(dv->isEnabled());
    QCOMPARE(panel.config().training.growth, Growth::Schnakenberg);
    RunConfig heuristic;
    panel.set_config(heuristic);
    QVERIFY(!dv->isEnabled());
  }

  // What the panel hands out is a config the core accepts, and survives the file.
  void largestSeedGoesOutAndComesBack() {
    ControlPanel panel;
    RunConfig c;
    c.training.seed = static_cast<std::uint64_t>(setting("training.seed").integer_maximum);
    panel.set_config(c);
    QCOMPARE(panel.config().training.seed, c.training.seed);
    const auto back = config_from_json(config_to_json(panel.config()), "panel");
    QCOMPARE(back.training.seed, c.training.seed);
  }

  void aSeedPastTheLargestCannotBeTyped() {
    ControlPanel panel;
    auto* seed = panel.findChild<QLineEdit*>(QStringLiteral("training.seed"));
    QVERIFY(seed);
    seed->clear();
    QTest::keyClicks(seed, QStringLiteral("9999999999999999999"));  // 19 digits: past 2^63 - 1
    QCOMPARE(seed->text(), QString(18, '9'));                        // the last one is refused
    QCOMPARE(panel.config().training.seed, std::uint64_t(999999999999999999));
    QTest::keyClicks(seed, QStringLiteral("x"));
    QCOMPARE(seed->text(), QString(18, '9'));
  }
};

QTEST_MAIN(TestUiControlPanel)
#include "test_ui_control_panel.moc"
