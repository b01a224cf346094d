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
#include <QValidator>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

#include "ablation/preset.h"
#include "config/setting_catalog.h"
#include "number_spin_box.h"
#include "switch_button.h"

namespace moelab::ui {

namespace {

QString text_of(const std::string& text) { return QString::fromStdString(text); }

// Fields take their range, tooltip and object name (the setting's key) from the core's catalog,
// so the window accepts exactly what the experiment file and the CLI accept.
QSpinBox* int_box(const char* key) {
  const auto& s = setting(key);
  auto* box = new QSpinBox;
  constexpr auto kLargest = std::numeric_limits<int>::max();
  box->setRange(static_cast<int>(std::max<std::int64_t>(s.integer_minimum, -kLargest)),
                static_cast<int>(std::min<std::int64_t>(s.integer_maximum, kLargest)));
  box->setKeyboardTracking(false);
  box->setToolTip(text_of(s.help));
  box->setObjectName(text_of(s.key));
  return box;
}

// An open end of the range becomes the nearest value inside it.
NumberSpinBox* number_box(const char* key) {
  const auto& s = setting(key);
  const double minimum = s.minimum_open ? std::nextafter(s.minimum, s.maximum) : s.minimum;
  const double maximum = s.maximum_open ? std::nextafter(s.maximum, s.minimum) : s.maximum;
  auto* box = new NumberSpinBox(minimum, maximum);
  box->setToolTip(text_of(s.help));
  box->setObjectName(text_of(s.key));
  return box;
}

// A seed is up to 2^63 - 1 (the catalog's range), more than QIntValidator holds: digits whose
// value is in range, nothing else can be typed.
class SeedValidator : public QValidator {
 public:
  using QValidator::QValidator;
  State validate(QString& input, int&) const override {
    if (input.isEmpty()) return Intermediate;
    for (const QChar ch : input) {
      if (!ch.isDigit()) return Invalid;
    }
    bool ok = false;
    const auto value = input.toULongLong(&ok);
    const auto largest = static_cast<qulonglong>(setting("training.seed").integer_maximum);
    return ok && value <= largest ? Acceptable : Invalid;
  }
};

QString label_of(const char* key) { return text_of(setting(key).label); }

void add_row(QFormLayout* form, const char* key, QWidget* field) {
  form->addRow(label_of(key), field);
}

// A combo box of long items no wider than a short one; the popup still shows them in full. The
// panel must fit next to the charts and the report at 1024 px.
void fit_narrow(QComboBox* box) {
  box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  box->setMinimumContentsLength(12);
}

// A combo box over one of the core's name lists (run_config.h): the names as files and flags
// write them, the enum value as the item's data.
template <typename Enum>
QComboBox* names_box(const std::vector<std::pair<const char*, Enum>>& names, const char* key) {
  auto* box = new QComboBox;
  for (const auto& [name, value] : names)
    box->addItem(QString::fromLatin1(name), static_cast<int>(value));
  box->setToolTip(text_of(setting(key).help));
  box->setObjectName(QString::fromLatin1(key));
  return box;
}

template <typename Enum>
Enum current(const QComboBox* box) {
  return static_cast<Enum>(box->currentData().toInt());
}

template <typename Enum>
void select(QComboBox* box, Enum value) {
  const int index = box->findData(static_cast<int>(value));
  if (index >= 0) box->setCurrentIndex(index);
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
  layout->addStretch(1);
  set_config(RunConfig{});
}

QGroupBox* ControlPanel::build_fixes() {
  auto* box = new QGroupBox(tr("The three fixes"));
  box->setObjectName(QStringLiteral("fixesBox"));
  box->setStyleSheet(QStringLiteral(
      "QGroupBox#fixesBox { font-weight: bold; border: 2px solid #2e7d32; border-radius: 6px;"
      " margin-top: 1.2em; padding: 6px; }"
      "QGroupBox#fixesBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }"));
  auto* layout = new QVBoxLayout(box);
  layout->addWidget(explanation(
      tr("Switch a fix off to reproduce the seed's failure. A change takes effect at the next "
         "training step and is marked on the charts.")));
  preset_ = new QComboBox;
  preset_->setToolTip(tr("Teaching scenarios: each sets the three switches and explains, above "
                         "the charts, what to watch for."));
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
    button = new SwitchButton(label_of(key));
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

  cooldown_epochs_ = int_box("fixes.cooldown_epochs");
  cooldown_epochs_->setSuffix(tr(" epochs"));
  add_switch(cooldown_, "fixes.cooldown", tr("Wait N epochs between expert splits."),
             cooldown_epochs_);
  connect(cooldown_epochs_, &QSpinBox::valueChanged, this, &ControlPanel::announce_fixes);

  entropy_weight_ = number_box("fixes.entropy_weight");
  entropy_weight_->setPrefix(tr("weight "));
  add_switch(entropy_, "fixes.entropy_loss", tr("Penalise uneven routing across experts."),
             entropy_weight_);
  connect(entropy_weight_, &QDoubleSpinBox::valueChanged, this, &ControlPanel::announce_fixes);
  return box;
}

void ControlPanel::show_preset(int index) {
  const QSignalBlocker block(preset_);
  preset_->setCurrentIndex(index + 1);
}

QGroupBox* ControlPanel::build_data() {
  data_box_ = new QGroupBox(tr("Data set"));
  auto* layout = new QVBoxLayout(data_box_);
  kind_ = new QComboBox;
  kind_->addItem(tr("Digits (built in, 1797 images)"), static_cast<int>(DatasetKind::Digits));
  kind_->addItem(tr("Synthetic clusters"), static_cast<int>(DatasetKind::Synthetic));
  kind_->addItem(tr("IDX folder (MNIST format)"), static_cast<int>(DatasetKind::Idx));
  kind_->setToolTip(text_of(setting("data.kind").help));
  kind_->setObjectName(QStringLiteral("data.kind"));
  fit_narrow(kind_);
  layout->addWidget(kind_);

  data_pages_ = new QStackedWidget;
  data_pages_->addWidget(explanation(
      tr("Handwritten digits 0-9 as 8x8 pixel images (UCI, CC BY 4.0), compiled into the lab.")));

  auto* synthetic = new QWidget;
  auto* form = new QFormLayout(synthetic);
  form->setContentsMargins(0, 0, 0, 0);
  clusters_ = int_box("data.synthetic.clusters");
  spread_ = number_box("data.synthetic.spread");
  dimension_ = int_box("data.synthetic.dimension");
  samples_ = int_box("data.synthetic.samples");
  add_row(form, "data.synthetic.clusters", clusters_);
  add_row(form, "data.synthetic.spread", spread_);
  add_row(form, "data.synthetic.dimension", dimension_);
  add_row(form, "data.synthetic.samples", samples_);
  data_pages_->addWidget(synthetic);

  auto* idx = new QWidget;
  auto* idx_layout = new QFormLayout(idx);
  idx_layout->setContentsMargins(0, 0, 0, 0);
  auto* folder_row = new QHBoxLayout;
  idx_dir_ = new QLineEdit;
  idx_dir_->setPlaceholderText(QStringLiteral("/usr/share/datasets/fashion-mnist"));
  idx_dir_->setToolTip(text_of(setting("data.idx_dir").help));
  idx_dir_->setObjectName(QStringLiteral("data.idx_dir"));
  auto* browse = new QPushButton(tr("Browse..."));
  connect(browse, &QPushButton::clicked, this, &ControlPanel::browse_idx_folder);
  folder_row->addWidget(idx_dir_, 1);
  folder_row->addWidget(browse);
  idx_layout->addRow(label_of("data.idx_dir"), folder_row);
  max_samples_ = int_box("data.max_samples");
  max_samples_->setSpecialValueText(tr("all"));
  add_row(idx_layout, "data.max_samples", max_samples_);
  data_pages_->addWidget(idx);
  layout->addWidget(data_pages_);

  auto* held_out = new QFormLayout;
  held_out->setContentsMargins(0, 0, 0, 0);
  test_fraction_ = number_box("data.test_fraction");
  add_row(held_out, "data.test_fraction", test_fraction_);
  layout->addLayout(held_out);

  connect(kind_, &QComboBox::currentIndexChanged, this, &ControlPanel::show_data_page);
  show_data_page(kind_->currentIndex());
  return data_box_;
}

QGroupBox* ControlPanel::build_model() {
  model_box_ = new QGroupBox(tr("Model"));
  auto* form = new QFormLayout(model_box_);
  hidden_ = int_box("model.hidden");
  expert_hidden_ = int_box("model.expert_hidden");
  initial_experts_ = int_box("model.initial_experts");
  top_k_ = int_box("model.top_k");
  max_experts_ = int_box("model.max_experts");
  add_row(form, "model.hidden", hidden_);
  add_row(form, "model.expert_hidden", expert_hidden_);
  add_row(form, "model.initial_experts", initial_experts_);
  add_row(form, "model.top_k", top_k_);
  add_row(form, "model.max_experts", max_experts_);
  return model_box_;
}

QGroupBox* ControlPanel::build_training() {
  training_box_ = new QGroupBox(tr("Training"));
  auto* form = new QFormLayout(training_box_);
  learning_rate_ = number_box("training.learning_rate");
  seed_ = new QLineEdit;
  seed_->setObjectName(QStringLiteral("training.seed"));
  seed_->setToolTip(text_of(setting("training.seed").help));
  seed_->setValidator(new SeedValidator(seed_));
  seed_epochs_ = int_box("training.seed_epochs");
  growth_epochs_ = int_box("training.growth_epochs");
  plateau_patience_ = int_box("training.plateau_patience");
  split_mode_ = names_box(split_mode_names(), "training.split_mode");
  split_release_steps_ = int_box("training.split_release_steps");
  split_release_steps_->setSuffix(tr(" steps"));
  diversity_loss_ = names_box(diversity_loss_names(), "training.diversity_loss");
  for (const auto& [key, field] : std::initializer_list<std::pair<const char*, QWidget*>>{
           {"training.learning_rate", learning_rate_},
           {"training.seed", seed_},
           {"training.seed_epochs", seed_epochs_},
           {"training.growth_epochs", growth_epochs_},
           {"training.plateau_patience", plateau_patience_},
           {"training.split_mode", split_mode_},
           {"training.split_release_steps", split_release_steps_},
           {"training.diversity_loss", diversity_loss_}}) {
    add_row(form, key, field);
  }
  connect(split_mode_, &QComboBox::currentIndexChanged, this, [this] {
    split_release_steps_->setEnabled(current<SplitMode>(split_mode_) == SplitMode::Preserving);
  });
  return training_box_;
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
  if (!loading_) Q_EMIT fixesChanged(fixes());
}

RunConfig ControlPanel::config() const {
  RunConfig c = base_;
  c.fixes = fixes();
  c.data.kind = static_cast<DatasetKind>(kind_->currentData().toInt());
  c.data.synthetic.clusters = clusters_->value();
  c.data.synthetic.spread = spread_->value();
  c.data.synthetic.dimension = dimension_->value();
  c.data.synthetic.samples = samples_->value();
  c.data.idx_dir = idx_dir_->text().trimmed().toStdString();
  c.data.max_samples = max_samples_->value();
  c.data.test_fraction = test_fraction_->value();
  c.model.hidden = hidden_->value();
  c.model.expert_hidden = expert_hidden_->value();
  c.model.initial_experts = initial_experts_->value();
  c.model.top_k = top_k_->value();
  c.model.max_experts = max_experts_->value();
  c.training.learning_rate = learning_rate_->value();
  bool ok = false;
  const auto seed = seed_->text().toULongLong(&ok);
  if (ok) c.training.seed = seed;  // the validator keeps it in the catalog's range
  c.training.seed_epochs = seed_epochs_->value();
  c.training.growth_epochs = growth_epochs_->value();
  c.training.plateau_patience = plateau_patience_->value();
  c.training.split_mode = current<SplitMode>(split_mode_);
  c.training.split_release_steps = split_release_steps_->value();
  c.training.diversity_loss = current<DiversityLoss>(diversity_loss_);
  return c;
}

void ControlPanel::set_config(const RunConfig& c) {
  const FixSwitches before = projection_ ? fixes() : FixSwitches{};
  loading_ = true;
  base_ = c;
  projection_->setChecked(c.fixes.projection_fix);
  cooldown_->setChecked(c.fixes.cooldown);
  cooldown_epochs_->setValue(c.fixes.cooldown_epochs);
  cooldown_epochs_->setEnabled(c.fixes.cooldown);
  entropy_->setChecked(c.fixes.entropy_loss);
  entropy_weight_->setValue(c.fixes.entropy_weight);
  entropy_weight_->setEnabled(c.fixes.entropy_loss);
  kind_->setCurrentIndex(kind_->findData(static_cast<int>(c.data.kind)));
  clusters_->setValue(c.data.synthetic.clusters);
  spread_->setValue(c.data.synthetic.spread);
  dimension_->setValue(c.data.synthetic.dimension);
  samples_->setValue(c.data.synthetic.samples);
  idx_dir_->setText(QString::fromStdString(c.data.idx_dir));
  max_samples_->setValue(c.data.max_samples);
  test_fraction_->setValue(c.data.test_fraction);
  hidden_->setValue(c.model.hidden);
  expert_hidden_->setValue(c.model.expert_hidden);
  initial_experts_->setValue(c.model.initial_experts);
  top_k_->setValue(c.model.top_k);
  max_experts_->setValue(c.model.max_experts);
  learning_rate_->setValue(c.training.learning_rate);
  seed_->setText(QString::number(c.training.seed));
  seed_epochs_->setValue(c.training.seed_epochs);
  growth_epochs_->setValue(c.training.growth_epochs);
  plateau_patience_->setValue(c.training.plateau_patience);
  select(split_mode_, c.training.split_mode);
  split_release_steps_->setValue(c.training.split_release_steps);
  split_release_steps_->setEnabled(c.training.split_mode == SplitMode::Preserving);
  select(diversity_loss_, c.training.diversity_loss);
  loading_ = false;
  if (!(fixes() == before)) announce_fixes();
}

void ControlPanel::set_running(bool running) {
  data_box_->setEnabled(!running);
  model_box_->setEnabled(!running);
  training_box_->setEnabled(!running);
  locked_hint_->setVisible(running);
}

}  // namespace moelab::ui
