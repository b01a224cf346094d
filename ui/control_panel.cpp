#include "control_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ablation/preset.h"
#include "config/setting_catalog.h"
#include "number_spin_box.h"
#include "setting_field.h"
#include "switch_button.h"

namespace moelab::ui {

namespace {

// The catalog's keys of the reaction-diffusion field's parameters begin so.
constexpr const char* kFieldSettingsPrefix = "training.field.";

QString text_of(const std::string& text) { return QString::fromStdString(text); }

// A combo box of long items no wider than a short one; the popup still shows them in full. The
// panel must fit next to the charts and the report at 1024 px.
void fit_narrow(QComboBox* box) {
  box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  box->setMinimumContentsLength(12);
}

QLabel* explanation(const QString& text) {
  auto* label = new QLabel(text);
  label->setWordWrap(true);
  QPalette palette = label->palette();
  palette.setColor(QPalette::WindowText, palette.color(QPalette::PlaceholderText));
  label->setPalette(palette);
  return label;
}

}  // namespace

ControlPanel::ControlPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(build_fixes());
  locked_hint_ = explanation(
      tr("A run is going: data, model and training settings are locked until it ends or is "
         "reset. The fixes stay live."));
  locked_hint_->hide();
  layout->addWidget(locked_hint_);
  layout->addWidget(build_data());
  layout->addWidget(build_model());
  layout->addWidget(build_training());
  layout->addWidget(build_growth());
  layout->addStretch(1);
  set_config(RunConfig{});
}

QGroupBox* ControlPanel::build_fixes() {
  auto* box = new QGroupBox;
  box->setObjectName(QStringLiteral("fixesBox"));
  // A border only: style sheets pass their fonts on like any widget here (TextScale), so a bold
  // in it would make the whole box bold. The heading is bold instead.
  box->setStyleSheet(QStringLiteral(
      "QGroupBox#fixesBox { border: 2px solid #2e7d32; border-radius: 6px; padding: 6px; }"));
  auto* layout = new QVBoxLayout(box);
  auto* heading = new QLabel(tr("The three fixes"));
  QFont bold;  // the weight alone, so that the size still follows the type's scale
  bold.setBold(true);
  heading->setFont(bold);
  layout->addWidget(heading);
  layout->addWidget(explanation(
      tr("Switch a fix off to reproduce the seed's failure. A change takes effect at the next "
         "training step and is marked on the charts.")));
  preset_ = new QComboBox;
  preset_->setToolTip(tr("Teaching scenarios: each sets the three switches (and the few settings "
                         "its scenario needs) and explains, above the charts, what to watch for."));
  preset_->addItem(tr("Teaching preset..."));
  for (const auto& p : presets()) preset_->addItem(QString::fromStdString(p.title));
  fit_narrow(preset_);
  connect(preset_, &QComboBox::activated, this, [this](int item) {
    if (item > 0) Q_EMIT presetChosen(item - 1);
  });
  layout->addWidget(preset_);

  auto add_switch = [&](SwitchButton*& button, const char* key, const QString& line,
                        QWidget* parameter) {
    const QString tip = text_of(setting(key).help);
    button = new SwitchButton(text_of(setting(key).label));
    button->setObjectName(QString::fromLatin1(key));
    button->setToolTip(tip);
    button->setAccessibleDescription(tip);
    layout->addSpacing(6);
    layout->addWidget(button);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(8, 0, 0, 0);
    auto* text = explanation(line);
    text->setToolTip(tip);
    row->addWidget(text, 1);
    if (parameter) row->addWidget(parameter);
    layout->addLayout(row);
    connect(button, &QAbstractButton::toggled, this, [this, parameter](bool on) {
      if (parameter) parameter->setEnabled(on);
      announce_fixes();
    });
  };

  add_switch(projection_, "fixes.projection_fix",
             tr("The diversity probe goes through the input projection."), nullptr);

  cooldown_epochs_ = add_field<QSpinBox>(nullptr, "fixes.cooldown_epochs");
  cooldown_epochs_->setSuffix(tr(" epochs"));
  add_switch(cooldown_, "fixes.cooldown", tr("Wait N epochs between expert splits."),
             cooldown_epochs_);
  connect(cooldown_epochs_, &QSpinBox::valueChanged, this, &ControlPanel::announce_fixes);

  // Load balancing: the switch is live, the method (a training setting) is chosen before a run.
  // The chooser above the weight, not beside it: the panel keeps its width (1024 px screens).
  auto* balancing = new QWidget;
  auto* balancing_row = new QVBoxLayout(balancing);
  balancing_row->setContentsMargins(0, 0, 0, 0);
  balancer_ = add_field<QComboBox>(nullptr, "training.balancer");
  entropy_weight_ = add_field<NumberSpinBox>(nullptr, "fixes.entropy_weight");
  entropy_weight_->setPrefix(tr("weight "));
  balancing_row->addWidget(balancer_);
  balancing_row->addWidget(entropy_weight_);
  add_switch(entropy_, "fixes.entropy_loss", tr("Even out the routing across experts by:"),
             balancing);
  connect(entropy_weight_, &QDoubleSpinBox::valueChanged, this, &ControlPanel::announce_fixes);
  connect(balancer_, &QComboBox::currentIndexChanged, this, &ControlPanel::enable_entropy_weight);
  return box;
}

void ControlPanel::show_preset(int index) {
  chosen_preset_ = index >= 0 && index < static_cast<int>(presets().size()) ? index : -1;
  follow_switches();
}

bool ControlPanel::preset_modified() const {
  return chosen_preset_ >= 0 &&
         !presets()[static_cast<std::size_t>(chosen_preset_)].matches(fixes());
}

void ControlPanel::follow_switches() {
  // Every change of the switches passes here, by hand, by a file or by the run's schedule: the
  // chooser never shows a preset the switches have left without saying so.
  const QSignalBlocker block(preset_);
  for (int i = 0; i < static_cast<int>(presets().size()); ++i) {
    QString title = text_of(presets()[static_cast<std::size_t>(i)].title);
    if (i == chosen_preset_ && preset_modified()) title += tr(" (modified)");
    preset_->setItemText(i + 1, title);
  }
  preset_->setCurrentIndex(chosen_preset_ + 1);
  Q_EMIT presetStateChanged();
}

QGroupBox* ControlPanel::build_data() {
  data_box_ = new QGroupBox(tr("Data set"));
  auto* layout = new QVBoxLayout(data_box_);
  kind_ = add_field<QComboBox>(nullptr, "data.kind");
  // The data set chooser says what each kind is; files and flags use the names.
  for (const auto& [kind, text] : std::initializer_list<std::pair<DatasetKind, QString>>{
           {DatasetKind::Digits, tr("Digits (built in, 1797 images)")},
           {DatasetKind::Synthetic, tr("Synthetic clusters")},
           {DatasetKind::Idx, tr("IDX folder (MNIST format)")}}) {
    kind_->setItemText(kind_->findData(QString::fromLatin1(to_string(kind))), text);
  }
  fit_narrow(kind_);
  layout->addWidget(kind_);

  data_pages_ = new QStackedWidget;
  data_pages_->addWidget(explanation(
      tr("Handwritten digits 0-9 as 8x8 pixel images (UCI, CC BY 4.0), compiled into the lab.")));

  auto* synthetic = new QWidget;
  auto* form = new QFormLayout(synthetic);
  form->setContentsMargins(0, 0, 0, 0);
  for (const char* key : {"data.synthetic.clusters", "data.synthetic.spread",
                          "data.synthetic.dimension", "data.synthetic.samples"}) {
    add_field<QWidget>(form, key);
  }
  data_pages_->addWidget(synthetic);

  auto* idx = new QWidget;
  auto* idx_layout = new QFormLayout(idx);
  idx_layout->setContentsMargins(0, 0, 0, 0);
  auto* folder_row = new QHBoxLayout;
  idx_dir_ = add_field<QLineEdit>(nullptr, "data.idx_dir");
  idx_dir_->setPlaceholderText(QStringLiteral("/usr/share/datasets/fashion-mnist"));
  auto* browse = new QPushButton(tr("Browse..."));
  connect(browse, &QPushButton::clicked, this, &ControlPanel::browse_idx_folder);
  folder_row->addWidget(idx_dir_, 1);
  folder_row->addWidget(browse);
  idx_layout->addRow(text_of(setting("data.idx_dir").label), folder_row);
  add_field<QSpinBox>(idx_layout, "data.max_samples")->setSpecialValueText(tr("all"));
  data_pages_->addWidget(idx);
  layout->addWidget(data_pages_);

  auto* held_out = new QFormLayout;
  held_out->setContentsMargins(0, 0, 0, 0);
  test_fraction_ = add_field<NumberSpinBox>(held_out, "data.test_fraction");
  layout->addLayout(held_out);

  connect(kind_, &QComboBox::currentIndexChanged, this, &ControlPanel::show_data_page);
  show_data_page(kind_->currentIndex());
  return data_box_;
}

QGroupBox* ControlPanel::build_model() {
  model_box_ = new QGroupBox(tr("Model"));
  auto* form = new QFormLayout(model_box_);
  for (const char* key : {"model.hidden", "model.expert_hidden", "model.initial_experts",
                          "model.top_k", "model.max_experts"}) {
    add_field<QWidget>(form, key);
  }
  return model_box_;
}

QGroupBox* ControlPanel::build_training() {
  training_box_ = new QGroupBox(tr("Training"));
  auto* form = new QFormLayout(training_box_);
  add_field<QWidget>(form, "training.learning_rate");
  // The other balancers' strengths and the z-loss (the method is chosen beside its switch).
  for (const char* key : {"training.switch_weight", "training.bias_rate",
                          "training.z_loss_weight"}) {
    add_field<QWidget>(form, key);
  }
  add_field<QWidget>(form, "training.seed");
  add_field<QWidget>(form, "training.seed_epochs");
  add_field<QWidget>(form, "training.growth_epochs");
  plateau_patience_ = add_field<QSpinBox>(form, "training.plateau_patience");
  split_mode_ = add_field<QComboBox>(form, "training.split_mode");
  split_release_steps_ = add_field<QSpinBox>(form, "training.split_release_steps");
  split_release_steps_->setSuffix(tr(" steps"));
  diversity_loss_ = add_field<QComboBox>(form, "training.diversity_loss");
  connect(split_mode_, &QComboBox::currentIndexChanged, this,
          &ControlPanel::enable_release_steps);
  return training_box_;
}

QGroupBox* ControlPanel::build_growth() {
  growth_box_ = new QGroupBox(tr("Growth"));
  auto* form = new QFormLayout(growth_box_);
  // Every setting the catalog files with the growth policy, in the catalog's order: the policy,
  // the field's parameters, pruning and reviving.
  const std::string& group = setting("training.growth").group;
  for (const auto& s : setting_catalog()) {
    if (s.group != group) continue;
    QWidget* widget = add_field<QWidget>(form, s.key.c_str());
    if (s.key.rfind(kFieldSettingsPrefix, 0) == 0) field_settings_.push_back(widget);
  }
  growth_ = qobject_cast<QComboBox*>(fields_[field_index("training.growth")].widget());
  connect(growth_, &QComboBox::currentIndexChanged, this, &ControlPanel::enable_field_settings);
  enable_field_settings();
  return growth_box_;
}

std::size_t ControlPanel::field_index(std::string_view key) const {
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].setting().key == key) return i;
  }
  throw std::invalid_argument("the control panel has no field " + std::string(key));
}

// The field's parameters mean something only while the field decides the growth.
void ControlPanel::enable_field_settings() {
  const bool field = growth_->currentData().toString() ==
                     QString::fromLatin1(to_string(Growth::Schnakenberg));
  for (QWidget* widget : field_settings_) widget->setEnabled(field);
}

void ControlPanel::show_data_page(int index) {
  // The stack takes the height of the page shown, not that of its tallest page.
  for (int i = 0; i < data_pages_->count(); ++i) {
    data_pages_->widget(i)->setSizePolicy(
        QSizePolicy::Preferred, i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored);
  }
  data_pages_->setCurrentIndex(index);
}

void ControlPanel::browse_idx_folder() {
  QString start = idx_dir_->text();
  if (start.isEmpty()) start = QStringLiteral("/usr/share/datasets");
  const QString dir = QFileDialog::getExistingDirectory(this, tr("IDX data folder"), start);
  if (!dir.isEmpty()) idx_dir_->setText(QDir::toNativeSeparators(dir));
}

FixSwitches ControlPanel::fixes() const {
  FixSwitches f;
  f.projection_fix = projection_->isChecked();
  f.cooldown = cooldown_->isChecked();
  f.cooldown_epochs = cooldown_epochs_->value();
  f.entropy_loss = entropy_->isChecked();
  f.entropy_weight = entropy_weight_->value();
  return f;
}

void ControlPanel::announce_fixes() {
  if (loading_) return;
  Q_EMIT fixesChanged(fixes());
  follow_switches();
}

template <typename Widget>
Widget* ControlPanel::add_field(QFormLayout* form, const char* key) {
  fields_.emplace_back(key);
  auto* widget = fields_.back().widget();
  if (form) form->addRow(fields_.back().label(), widget);
  return qobject_cast<Widget*>(widget);
}

// The weight beside the chooser is the entropy term's: it means something for that method only.
void ControlPanel::enable_entropy_weight() {
  entropy_weight_->setEnabled(balancer_->currentData().toString() ==
                              QString::fromLatin1(to_string(Balancer::Entropy)));
}

void ControlPanel::enable_release_steps() {
  split_release_steps_->setEnabled(split_mode_->currentData().toString() ==
                                   QString::fromLatin1(to_string(SplitMode::Preserving)));
}

RunConfig ControlPanel::config() const {
  RunConfig c = base_;
  for (const auto& field : fields_) field.read_into(c);
  c.fixes = fixes();
  return c;
}

void ControlPanel::set_config(const RunConfig& c) {
  const FixSwitches before = projection_ ? fixes() : FixSwitches{};
  loading_ = true;
  base_ = c;
  for (auto& field : fields_) field.show(c);
  put_fixes(c);
  enable_release_steps();
  loading_ = false;
  if (fixes() == before) {
    follow_switches();
  } else {
    announce_fixes();
  }
}

void ControlPanel::show_fixes(const FixSwitches& f) {
  RunConfig shown = config();
  shown.fixes = f;
  loading_ = true;
  for (auto& field : fields_) {
    if (field.setting().key.rfind("fixes.", 0) == 0) field.show(shown);
  }
  put_fixes(shown);
  loading_ = false;
  follow_switches();
}

// The switches themselves (the parameters are fields).
void ControlPanel::put_fixes(const RunConfig& c) {
  projection_->setChecked(c.fixes.projection_fix);
  cooldown_->setChecked(c.fixes.cooldown);
  cooldown_epochs_->setEnabled(c.fixes.cooldown);
  entropy_->setChecked(c.fixes.entropy_loss);
  entropy_weight_->parentWidget()->setEnabled(c.fixes.entropy_loss);
  enable_entropy_weight();
}

void ControlPanel::set_running(bool running) {
  running_ = running;
  data_box_->setEnabled(!running);
  model_box_->setEnabled(!running);
  training_box_->setEnabled(!running);
  growth_box_->setEnabled(!running);
  // The method is a training setting: the run was built with it. The switch stays live.
  balancer_->setEnabled(!running);
  locked_hint_->setVisible(running && !compact_);
}

void ControlPanel::set_compact(bool compact) {
  compact_ = compact;
  for (QWidget* part : {static_cast<QWidget*>(data_box_), static_cast<QWidget*>(model_box_),
                        static_cast<QWidget*>(training_box_), static_cast<QWidget*>(growth_box_)}) {
    part->setVisible(!compact);
  }
  locked_hint_->setVisible(running_ && !compact);
}

}  // namespace moelab::ui
