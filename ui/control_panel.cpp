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
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "ablation/preset.h"
#include "number_spin_box.h"
#include "switch_button.h"

namespace moelab::ui {

namespace {

QSpinBox* int_box(int minimum, int maximum, const QString& tip) {
  auto* box = new QSpinBox;
  box->setRange(minimum, maximum);
  box->setKeyboardTracking(false);
  box->setToolTip(tip);
  return box;
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
QComboBox* names_box(const std::vector<std::pair<const char*, Enum>>& names, const QString& tip) {
  auto* box = new QComboBox;
  for (const auto& [name, value] : names)
    box->addItem(QString::fromLatin1(name), static_cast<int>(value));
  box->setToolTip(tip);
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

QString projection_tip() {
  return QObject::tr(
      "Probe data for the diversity loss passes through the input projection, as training data "
      "does. Off reproduces the seed's bug: experts are pushed apart on inputs they never see.");
}
QString cooldown_tip() {
  return QObject::tr(
      "At least N epochs between two expert splits, so each new expert is trained before the next "
      "split. Off reproduces the seed's split storm: ten splits in a row, none of them trained.");
}
QString entropy_tip() {
  return QObject::tr(
      "Rewards an even mean routing, so the router cannot send every sample to the same two "
      "experts. Off lets the others go dormant: the expert collapse.");
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

  auto add_switch = [&](SwitchButton*& button, const QString& name, const QString& line,
                        const QString& tip, QWidget* parameter) {
    button = new SwitchButton(name);
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

  add_switch(projection_, tr("Projection fix"),
             tr("The diversity probe goes through the input projection."), projection_tip(),
             nullptr);

  cooldown_epochs_ = int_box(0, 10000, tr("N: the least number of epochs between two splits."));
  cooldown_epochs_->setSuffix(tr(" epochs"));
  add_switch(cooldown_, tr("Growth cooldown"), tr("Wait N epochs between expert splits."),
             cooldown_tip(), cooldown_epochs_);
  connect(cooldown_epochs_, &QSpinBox::valueChanged, this, &ControlPanel::announce_fixes);

  entropy_weight_ = new NumberSpinBox(0.0, 100.0);
  entropy_weight_->setToolTip(tr("Weight of the entropy term in the loss (0.1 in the seed)."));
  entropy_weight_->setPrefix(tr("weight "));
  add_switch(entropy_, tr("Entropy loss"), tr("Penalise uneven routing across experts."),
             entropy_tip(), entropy_weight_);
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
  kind_->setToolTip(tr("What the experts learn to classify."));
  fit_narrow(kind_);
  layout->addWidget(kind_);

  data_pages_ = new QStackedWidget;
  data_pages_->addWidget(explanation(
      tr("Handwritten digits 0-9 as 8x8 pixel images (UCI, CC BY 4.0), compiled into the lab.")));

  auto* synthetic = new QWidget;
  auto* form = new QFormLayout(synthetic);
  form->setContentsMargins(0, 0, 0, 0);
  clusters_ = int_box(2, 1000, tr("Gaussian clusters, one class each."));
  spread_ = new NumberSpinBox(1e-6, 1e6);
  spread_->setToolTip(tr("Standard deviation of each cluster: larger overlaps the classes."));
  dimension_ = int_box(1, 100000, tr("Number of features per sample."));
  samples_ = int_box(4, 10000000, tr("Samples in all, split into training and validation."));
  form->addRow(tr("Clusters"), clusters_);
  form->addRow(tr("Spread"), spread_);
  form->addRow(tr("Dimension"), dimension_);
  form->addRow(tr("Samples"), samples_);
  data_pages_->addWidget(synthetic);

  auto* idx = new QWidget;
  auto* idx_layout = new QFormLayout(idx);
  idx_layout->setContentsMargins(0, 0, 0, 0);
  auto* folder_row = new QHBoxLayout;
  idx_dir_ = new QLineEdit;
  idx_dir_->setPlaceholderText(QStringLiteral("/usr/share/datasets/fashion-mnist"));
  idx_dir_->setToolTip(tr("A folder with *-images-idx3-ubyte[.gz] and labels files."));
  auto* browse = new QPushButton(tr("Browse..."));
  connect(browse, &QPushButton::clicked, this, &ControlPanel::browse_idx_folder);
  folder_row->addWidget(idx_dir_, 1);
  folder_row->addWidget(browse);
  idx_layout->addRow(tr("Folder"), folder_row);
  max_samples_ = int_box(0, 100000000, tr("Stratified subset of a large set; 0 uses all."));
  max_samples_->setSpecialValueText(tr("all"));
  idx_layout->addRow(tr("Max samples"), max_samples_);
  data_pages_->addWidget(idx);
  layout->addWidget(data_pages_);

  auto* held_out = new QFormLayout;
  held_out->setContentsMargins(0, 0, 0, 0);
  test_fraction_ = new NumberSpinBox(1e-3, 0.9);
  test_fraction_->setToolTip(
      tr("Share of the data held out as a test set: never trained on and never used for a growth "
         "decision. The verdict's accuracy criterion is judged on it, against the seed model."));
  held_out->addRow(tr("Test share"), test_fraction_);
  layout->addLayout(held_out);

  connect(kind_, &QComboBox::currentIndexChanged, this, &ControlPanel::show_data_page);
  show_data_page(kind_->currentIndex());
  return data_box_;
}

QGroupBox* ControlPanel::build_model() {
  model_box_ = new QGroupBox(tr("Model"));
  auto* form = new QFormLayout(model_box_);
  hidden_ = int_box(1, 8192, tr("Width of the input projection shared by all experts."));
  expert_hidden_ = int_box(1, 8192, tr("Inner width of each expert's MLP."));
  initial_experts_ = int_box(1, 256, tr("Experts in the seed model, before any split."));
  top_k_ = int_box(1, 256, tr("Experts each sample is routed to."));
  max_experts_ = int_box(1, 256, tr("Growth stops at this many experts."));
  form->addRow(tr("Hidden width"), hidden_);
  form->addRow(tr("Expert width"), expert_hidden_);
  form->addRow(tr("Initial experts"), initial_experts_);
  form->addRow(tr("Top-k"), top_k_);
  form->addRow(tr("Max experts"), max_experts_);
  return model_box_;
}

QGroupBox* ControlPanel::build_training() {
  training_box_ = new QGroupBox(tr("Training"));
  auto* form = new QFormLayout(training_box_);
  learning_rate_ = new NumberSpinBox(1e-9, 10.0);
  learning_rate_->setToolTip(tr("Adam's learning rate."));
  seed_ = new QLineEdit;
  seed_->setValidator(
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,20}")), seed_));
  seed_->setToolTip(tr("The same seed and settings give the same run, number for number."));
  seed_epochs_ = int_box(0, 100000, tr("Phase 0: train the seed model, no growth."));
  growth_epochs_ =
      int_box(0, 100000, tr("Phase 1: after each epoch the growth policy may split an expert."));
  plateau_patience_ = int_box(
      1, 10000,
      tr("Growth epochs without a better validation accuracy before a plateau is declared and an "
         "expert may split. 1 is the seed's rule: one flat epoch is a plateau."));
  split_mode_ = names_box(
      split_mode_names(),
      tr("seed: both router biases lowered by log 2, as the seed did; under top-k this changes "
         "what the model computes at the split. preserving: the child enters with a router logit "
         "far below the others, so the model is unchanged, and is released over some steps."));
  split_release_steps_ = int_box(1, 1000000,
                                 tr("Preserving split: the steps over which the child is released "
                                    "to the seed split's routing."));
  split_release_steps_->setSuffix(tr(" steps"));
  diversity_loss_ = names_box(
      diversity_loss_names(),
      tr("signed-cosine: the seed's mean pairwise cosine, which rewards experts that are negatives "
         "of each other. squared-cosine: the mean squared cosine, which pushes towards orthogonal "
         "outputs."));
  form->addRow(tr("Learning rate"), learning_rate_);
  form->addRow(tr("Seed"), seed_);
  form->addRow(tr("Seed epochs"), seed_epochs_);
  form->addRow(tr("Growth epochs"), growth_epochs_);
  form->addRow(tr("Plateau patience"), plateau_patience_);
  form->addRow(tr("Split mode"), split_mode_);
  form->addRow(tr("Release over"), split_release_steps_);
  form->addRow(tr("Diversity loss"), diversity_loss_);
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
  if (ok) c.training.seed = seed;
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
  put_fixes(c.fixes);
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

void ControlPanel::show_fixes(const FixSwitches& f) {
  loading_ = true;
  put_fixes(f);
  loading_ = false;
}

void ControlPanel::put_fixes(const FixSwitches& f) {
  projection_->setChecked(f.projection_fix);
  cooldown_->setChecked(f.cooldown);
  cooldown_epochs_->setValue(f.cooldown_epochs);
  cooldown_epochs_->setEnabled(f.cooldown);
  entropy_->setChecked(f.entropy_loss);
  entropy_weight_->setValue(f.entropy_weight);
  entropy_weight_->setEnabled(f.entropy_loss);
}

void ControlPanel::set_running(bool running) {
  data_box_->setEnabled(!running);
  model_box_->setEnabled(!running);
  training_box_->setEnabled(!running);
  locked_hint_->setVisible(running);
}

}  // namespace moelab::ui
