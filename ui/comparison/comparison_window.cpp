#include "comparison/comparison_window.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QPushButton>
#include <QRadioButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "comparison/arm_palette.h"
#include "comparison/comparison_charts.h"
#include "comparison/comparison_controller.h"
#include "comparison/summary_table_model.h"
#include "comparison/sweep_chooser.h"
#include "io/input_file.h"
#include "save_file.h"
#include "util/cpu_budget.h"

namespace moelab::ui {

namespace {

bool bit(int index, int b) { return (index >> b) & 1; }

Arm grid_arm(int index, const FixSwitches& base) {
  return make_arm(bit(index, 2), bit(index, 1), bit(index, 0), base);
}

int grid_index_of(const FixSwitches& f) {
  return (f.projection_fix ? 4 : 0) | (f.cooldown ? 2 : 0) | (f.entropy_loss ? 1 : 0);
}

QLabel* note(const QString& text) {
  auto* label = new QLabel(text);
  label->setWordWrap(true);
  label->setStyleSheet(QStringLiteral("color: #4b5563;"));
  return label;
}

}  // namespace

ComparisonWindow::ComparisonWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("Side-by-side comparison — MoE Growth Lab"));
  controller_ = new ComparisonController(this);

  charts_ = new ComparisonCharts;
  model_ = new SummaryTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(SummaryTableModel::kSortRole);
  table_ = new QTableView;
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);  // plan order until the user sorts
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);

  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(charts_);
  right->addWidget(table_);
  right->setStretchFactor(0, 3);
  right->setStretchFactor(1, 1);
  right->setCollapsible(0, false);

  auto* central = new QSplitter(Qt::Horizontal);
  central->addWidget(build_setup());
  central->addWidget(right);
  central->setStretchFactor(0, 0);
  central->setStretchFactor(1, 1);
  setCentralWidget(central);
  build_menus();

  connect(controller_, &ComparisonController::epochReported, charts_, &ComparisonCharts::add_epoch);
  connect(controller_, &ComparisonController::splitReported, charts_, &ComparisonCharts::add_split);
  connect(controller_, &ComparisonController::runFinished, this, [this] {
    comparison_.results = controller_->results();
    refresh_table();
    update_status();
  });
  connect(controller_, &ComparisonController::failed, this,
          [this](const QString& message) { status_->setText(message); });
  connect(controller_, &ComparisonController::finished, this, [this](bool cancelled) {
    comparison_.results = controller_->results();
    refresh_table();
    set_running(false);
    update_status();
    Q_EMIT comparisonEnded(cancelled);
  });
  set_base_config(RunConfig{});
  set_running(false);
  resize(1500, 950);
}

ComparisonWindow::~ComparisonWindow() { controller_->shutdown(); }

QString ComparisonWindow::arm_code_of(int grid_index) {
  return QString::fromStdString(arm_code(grid_arm(grid_index, {}).fixes));
}

QWidget* ComparisonWindow::build_setup() {
  auto* panel = new QWidget;
  auto* layout = new QVBoxLayout(panel);

  base_label_ = note({});
  auto* base_box = new QGroupBox(tr("Base experiment"));
  auto* base_layout = new QVBoxLayout(base_box);
  base_layout->addWidget(base_label_);
  layout->addWidget(base_box);

  auto* arms_box = new QGroupBox(tr("Arms"));
  auto* arms = new QVBoxLayout(arms_box);
  arms->addWidget(
      note(tr("Runs differ in the fixes: Projection fix, Cooldown, Load balancing. "
              "Upper case = on.")));
  auto* quick = new QHBoxLayout;
  auto* ab = new QPushButton(tr("A/B: none vs all"));
  ab->setToolTip(tr("Compare all fixes off with all fixes on."));
  connect(ab, &QPushButton::clicked, this, &ComparisonWindow::choose_ab);
  auto* all = new QPushButton(tr("All 8"));
  all->setToolTip(tr("Every combination of the three switches."));
  connect(all, &QPushButton::clicked, this, [this] {
    for (auto* box : arm_boxes_) box->setChecked(true);
  });
  quick->addWidget(ab);
  quick->addWidget(all);
  arms->addLayout(quick);
  for (int i = kGridArms - 1; i >= 0; --i) {
    const Arm arm = grid_arm(i, {});
    auto* box = new QCheckBox(
        QStringLiteral("%1  %2").arg(arm_code_of(i), QString::fromStdString(arm.name)));
    QPixmap swatch(12, 12);
    swatch.fill(ArmPalette::color(i));
    box->setIcon(QIcon(swatch));
    box->setObjectName(QStringLiteral("arm_") + arm_code_of(i));
    arm_boxes_[static_cast<std::size_t>(i)] = box;
    arms->addWidget(box);
  }
  layout->addWidget(arms_box);
  sweep_ = new SweepChooser;
  layout->addWidget(sweep_);

  auto* run_box = new QGroupBox(tr("Seeds"));
  auto* form = new QFormLayout(run_box);
  seeds_ = new QSpinBox;
  seeds_->setRange(1, 20);
  seeds_->setValue(3);
  seeds_->setToolTip(
      tr("Each arm runs once per seed. A seed gives every arm the same data split "
         "and the same initial weights, so the arms are paired."));
  form->addRow(tr("Seeds per arm"), seeds_);
  form->addRow(note(tr("Runs train at once, up to %1 (one per usable CPU); the rest queue.")
                        .arg(usable_cpu_count())));
  layout->addWidget(run_box);

  auto* buttons = new QHBoxLayout;
  start_ = new QPushButton(tr("Start"));
  start_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setToolTip(tr("Stop every run; finished runs are kept."));
  connect(start_, &QPushButton::clicked, this, [this] {
    QString error;
    if (!start(&error)) QMessageBox::warning(this, tr("Cannot start"), error);
  });
  connect(cancel_, &QPushButton::clicked, this, &ComparisonWindow::cancel);
  buttons->addWidget(start_);
  buttons->addWidget(cancel_);
  layout->addLayout(buttons);
  status_ = note(tr("Choose arms and seeds, then Start."));
  layout->addWidget(status_);

  auto* view_box = new QGroupBox(tr("Charts"));
  auto* view = new QVBoxLayout(view_box);
  overlay_ = new QRadioButton(tr("Overlay: all arms on each chart"));
  multiples_ = new QRadioButton(tr("Small multiples: one chart per arm"));
  overlay_->setChecked(true);
  metric_ = new QComboBox;
  for (int m = 0; m < ComparisonCharts::MetricCount; ++m) {
    metric_->addItem(ComparisonCharts::metric_title(static_cast<ComparisonCharts::Metric>(m)));
  }
  metric_->setEnabled(false);
  connect(multiples_, &QRadioButton::toggled, this, &ComparisonWindow::set_layout_mode);
  connect(metric_, &QComboBox::currentIndexChanged, this,
          [this](int m) { charts_->set_metric(static_cast<ComparisonCharts::Metric>(m)); });
  view->addWidget(overlay_);
  view->addWidget(multiples_);
  view->addWidget(metric_);
  layout->addWidget(view_box);
  layout->addStretch(1);
  panel->setMinimumWidth(280);
  panel->setMaximumWidth(340);
  choose_ab();
  return panel;
}

void ComparisonWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&Comparison"));
  file->addAction(tr("&Open comparison..."), QKeySequence::Open, this,
                  &ComparisonWindow::choose_open);
  file->addAction(tr("&Save comparison..."), QKeySequence::Save, this,
                  &ComparisonWindow::choose_save);
  file->addSeparator();
  file->addAction(tr("Export table as &CSV..."), this, [this] { choose_export(false); });
  file->addAction(tr("Export table as &Markdown..."), this, [this] { choose_export(true); });
  file->addSeparator();
  file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
}

void ComparisonWindow::set_base_config(const RunConfig& config) {
  if (controller_->running()) return;
  base_ = config;
  const auto& t = config.training;
  const auto& m = config.model;
  base_label_->setText(tr("Every arm starts from the main window's settings: %1 + %2 epochs, "
                          "%3 initial experts (cap %4), top-%5, seed %6 onwards.")
                           .arg(t.seed_epochs)
                           .arg(t.growth_epochs)
                           .arg(m.initial_experts)
                           .arg(m.max_experts)
                           .arg(m.top_k)
                           .arg(t.seed));
}

void ComparisonWindow::choose_ab() {
  for (int i = 0; i < kGridArms; ++i)
    arm_boxes_[static_cast<std::size_t>(i)]->setChecked(i == 0 || i == 7);
}

void ComparisonWindow::set_layout_mode(bool small_multiples) {
  if (multiples_->isChecked() != small_multiples) {
    (small_multiples ? multiples_ : overlay_)->setChecked(true);
  }
  metric_->setEnabled(small_multiples);
  charts_->set_layout(small_multiples ? ComparisonCharts::Layout::SmallMultiples
                                      : ComparisonCharts::Layout::Overlay);
}

std::vector<QColor> ComparisonWindow::arm_colors() const {
  std::vector<QColor> colors;
  for (int c : color_index_) colors.push_back(ArmPalette::color(c));
  return colors;
}

bool ComparisonWindow::start(QString* error) {
  AblationPlan plan;
  plan.base = base_;
  // Checked arms, "all fixes" first: the reference row of the table.
  for (int i = kGridArms - 1; i >= 0; --i) {
    if (arm_boxes_[static_cast<std::size_t>(i)]->isChecked()) {
      plan.arms.push_back(grid_arm(i, base_.fixes));
    }
  }
  std::vector<Variation> sweeps;
  if (!sweep_->sweeps(&sweeps, error)) return false;
  plan.arms = cross_arms(plan.arms, sweeps);
  for (const auto& arm : plan.arms) {
    try {
      validate(arm_config(base_, arm));
    } catch (const std::invalid_argument& e) {
      if (error) {
        *error = tr("The arm \"%1\" cannot run: %2.")
                     .arg(QString::fromStdString(arm.name), QString::fromUtf8(e.what()));
      }
      return false;
    }
  }
  for (int s = 0; s < seeds_->value(); ++s) plan.seeds.push_back(base_.training.seed + s);
  plan.jobs = 0;  // one per core
  if (!controller_->start(plan, error)) return false;
  Comparison c;
  c.base = base_;
  c.arms = plan.arms;
  c.seeds = plan.seeds;
  show_comparison(c);
  saved_runs_ = 0;
  set_running(true);
  update_status();
  return true;
}

void ComparisonWindow::cancel() {
  controller_->cancel();
  if (controller_->running())
    status_->setText(tr("Cancelling: the running runs stop at their next step..."));
}

void ComparisonWindow::show_comparison(const Comparison& c) {
  comparison_ = c;
  color_index_.clear();
  QStringList names;
  const bool swept = std::any_of(c.arms.begin(), c.arms.end(),
                                 [](const Arm& arm) { return !arm.settings.empty(); });
  for (const auto& arm : c.arms) {
    color_index_.push_back(swept ? static_cast<int>(color_index_.size())
                                 : grid_index_of(arm.fixes));
    names << QStringLiteral("%1 %2").arg(QString::fromStdString(arm_code(arm.fixes)),
                                         QString::fromStdString(arm.name));
  }
  charts_->reset(names, arm_colors(), c.base.training.seed_epochs);
  for (const auto& r : c.results) {
    for (const auto& m : r.result.epochs) charts_->add_epoch(static_cast<int>(r.arm), r.seed, m);
    for (const auto& s : r.result.splits) charts_->add_split(static_cast<int>(r.arm), r.seed, s);
  }
  charts_->flush();
  model_->set_planned_runs(static_cast<int>(c.seeds.size()));
  refresh_table();
}

void ComparisonWindow::refresh_table() {
  model_->set_table(summarize(comparison_.arms, comparison_.results), arm_colors());
}

void ComparisonWindow::update_status() {
  const int planned = static_cast<int>(comparison_.arms.size() * comparison_.seeds.size());
  const int done = static_cast<int>(comparison_.results.size());
  if (controller_->running()) {
    status_->setText(tr("%1 of %2 runs finished; %3 train at once.")
                         .arg(done)
                         .arg(planned)
                         .arg(controller_->plan().jobs));
  } else if (planned > 0) {
    status_->setText(
        done == planned
            ? tr("All %1 runs finished.").arg(planned)
            : tr("%1 of %2 runs finished (the rest were cancelled).").arg(done).arg(planned));
  }
}

void ComparisonWindow::set_running(bool running) {
  start_->setEnabled(!running);
  cancel_->setEnabled(running);
  for (auto* box : arm_boxes_) box->setEnabled(!running);
  seeds_->setEnabled(!running);
}

bool ComparisonWindow::save_comparison(const QString& path, QString* error) {
  if (!save_file(path, QByteArray::fromStdString(comparison_to_json(comparison_)), error)) {
    return false;
  }
  saved_runs_ = comparison_.results.size();
  return true;
}

bool ComparisonWindow::open_comparison(const QString& path, QString* error) {
  if (controller_->running()) {
    if (error) *error = tr("A comparison is running: cancel it before opening another.");
    return false;
  }
  // The core's reader refuses a folder, a named pipe (without blocking), a device or an unreadable
  // file with one sentence.
  constexpr std::size_t kMaxComparisonBytes = std::size_t{256} << 20;
  std::vector<std::uint8_t> bytes;
  try {
    bytes = InputFile(QFile::encodeName(path).toStdString(), "the comparison file")
                .read_all(kMaxComparisonBytes);
  } catch (const InputFileError& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  Comparison c;
  std::string problem;
  if (!comparison_from_json(std::string(bytes.begin(), bytes.end()), &c, &problem)) {
    if (error) *error = QString::fromStdString(problem);
    return false;
  }
  last_dir_ = QFileInfo(path).absolutePath();
  base_ = c.base;
  set_base_config(c.base);
  // Show the file's arms and seeds in the setup, so that Start replays the same comparison.
  for (auto* box : arm_boxes_) box->setChecked(false);
  for (const auto& arm : c.arms)
    arm_boxes_[static_cast<std::size_t>(grid_index_of(arm.fixes))]->setChecked(true);
  sweep_->show_sweep(c.arms);
  if (!c.seeds.empty()) seeds_->setValue(static_cast<int>(c.seeds.size()));
  show_comparison(c);
  saved_runs_ = c.results.size();
  update_status();
  return true;
}

bool ComparisonWindow::export_csv(const QString& path, QString* error) const {
  return save_file(path, QByteArray::fromStdString(summary_csv(model_->table())), error);
}

bool ComparisonWindow::export_markdown(const QString& path, QString* error) const {
  return save_file(path, QByteArray::fromStdString(summary_markdown(model_->table())), error);
}

bool ComparisonWindow::save_screenshot(const QString& path, QString* error) {
  const QPixmap image = grab();
  QSaveFile file(path);
  if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") ||
      !file.commit()) {
    if (error)
      *error = tr("Could not write the screenshot %1.").arg(QDir::toNativeSeparators(path));
    return false;
  }
  return true;
}

bool ComparisonWindow::choose_save() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Save comparison"), QDir(last_dir_).filePath(QStringLiteral("comparison.json")),
      tr("Comparison (*.json)"));
  if (path.isEmpty()) return false;
  QString error;
  if (!save_comparison(path, &error)) {
    QMessageBox::warning(this, tr("Save comparison"), error);
    return false;
  }
  last_dir_ = QFileInfo(path).absolutePath();
  return true;
}

void ComparisonWindow::choose_open() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open comparison"), last_dir_,
                                                    tr("Comparison (*.json);;All files (*)"));
  if (path.isEmpty()) return;
  QString error;
  if (!open_comparison(path, &error)) {
    QMessageBox::warning(this, tr("Open comparison"),
                         tr("%1\n\nThe current comparison is kept.").arg(error));
  }
}

void ComparisonWindow::choose_export(bool markdown) {
  const QString name =
      markdown ? QStringLiteral("comparison.md") : QStringLiteral("comparison.csv");
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export table"), QDir(last_dir_).filePath(name),
                                   markdown ? tr("Markdown (*.md)") : tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  QString error;
  const bool ok = markdown ? export_markdown(path, &error) : export_csv(path, &error);
  if (!ok) QMessageBox::warning(this, tr("Export table"), error);
}

bool ComparisonWindow::unsaved() const { return comparison_.results.size() > saved_runs_; }

bool ComparisonWindow::may_close() {
  const bool running = controller_->running();
  if (!unsaved() && !running) return true;
  const int planned = static_cast<int>(comparison_.arms.size() * comparison_.seeds.size());
  const int done = static_cast<int>(comparison_.results.size());
  QMessageBox box(this);
  box.setIcon(QMessageBox::Question);
  box.setWindowTitle(tr("Close the comparison"));
  box.setText(
      running
          ? tr("%1 of %2 runs have finished; the rest are still training.").arg(done).arg(planned)
          : (done == 1 ? tr("The finished run of this comparison is not saved.")
                       : tr("%1 finished runs of this comparison are not saved.").arg(done)));
  box.setInformativeText(
      tr("They live in this window only. Save the comparison to open it again later (Comparison "
         "> Open), or close without it."));
  QPushButton* save = box.addButton(tr("Save..."), QMessageBox::AcceptRole);
  QPushButton* discard = box.addButton(tr("Close without saving"), QMessageBox::DestructiveRole);
  box.addButton(QMessageBox::Cancel);
  box.setDefaultButton(save);
  box.exec();
  if (box.clickedButton() == discard) return true;
  // Saving while runs still train keeps the finished ones; the rest stop with the window.
  return box.clickedButton() == save && choose_save();
}

void ComparisonWindow::closeEvent(QCloseEvent* event) {
  if (!may_close()) {
    event->ignore();
    return;
  }
  // Runs stop at their next step; joining them takes no longer than one step each.
  controller_->shutdown();
  set_running(false);
  event->accept();
}

}  // namespace moelab::ui
