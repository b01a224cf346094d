#include "training/trainer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <malloc.h>

#include "growth/dormant_choice.h"
#include "growth/expert_pruner.h"
#include "growth/expert_reviver.h"
#include "growth/expert_splitter.h"
#include "training/adam_update.h"
#include "training/learning_rate_schedule.h"
#include "training/model_factory.h"
#include "training/probe_subset.h"
#include "training/run_resources.h"
#include "training/selection_bias.h"
#include "training/switch_events.h"
#include "util/blas_check.h"
#include "util/cpu_budget.h"
#include "util/format.h"
#include "util/logging.h"

namespace moelab {

namespace {

// A run whose epoch-mean cross-entropy rises above this multiple of its first step's has diverged
// (at initialisation the cross-entropy is about log C; a learning run only goes down from there).
constexpr double kDivergenceFactor = 4.0;

// The evaluation's temporaries (1-2 MiB at 12 experts) are freed every epoch, but the epoch's
// metrics, allocated meanwhile and kept, split the freed space, so glibc's heap grew by about that
// much per epoch while the memory in use stayed at 45 MiB: resident memory rose 168 -> 245 MiB
// over a 100-epoch run. Returning the free pages each epoch keeps it flat, for ~0.3 ms.
void release_free_heap_pages() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

// Whether a schedule entry takes effect at or before `step` of `epoch`.
bool due(const ScheduleEntry& entry, int epoch, std::int64_t step) {
  return entry.epoch < epoch || (entry.epoch == epoch && (!entry.step || *entry.step <= step));
}

std::string adam_key(const torch::Tensor& param) {
  return c10::guts::to_string(param.unsafeGetTensorImpl());
}

}  // namespace

Trainer::Trainer(RunConfig config, DatasetSplit data, TrainingObserver* observer,
                 TrainingControl* control)
    : config_(std::move(config)),
      data_(std::move(data)),
      observer_(observer),
      control_(control),
      evaluator_(data_, config_.training.dispatch, config_.training.dormant_threshold),
      fixes_(config_.fixes),
      release_(config_.training.split_release_steps),
      terms_(make_loss_terms(config_.training)) {
  validate(config_);
  growth_ = make_growth_policy(config_);
  // Refused here, before the model exists, rather than inside LibTorch's allocator.
  threads_ = training_threads(config_.training, usable_cpu_count());
  require_memory(estimate_training_memory(config_, shape_of(data_)), available_memory(),
                 "this run");
  if (!control_) {
    own_control_ = std::make_unique<TrainingControl>(config_.fixes);
    control_ = own_control_.get();
  }
  fixes_version_ = control_->fixes_version();
  fixes_ = control_->fixes();
  config_.fixes = fixes_;
  planned_ = in_time_order(config_.schedule);
}

Trainer::~Trainer() = default;

void Trainer::resume_from(TrainerState state) { resume_ = std::move(state); }

double Trainer::elapsed_seconds() const {
  return elapsed_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::int64_t Trainer::steps_per_epoch() const {
  const std::int64_t batch = config_.training.batch_size;
  return (data_.train.size() + batch - 1) / batch;
}

void Trainer::check_schedule_steps() const {
  const auto per_epoch = steps_per_epoch();
  for (const auto& entry : planned_) {
    if (!entry.step) continue;
    const std::int64_t first = (entry.epoch - 1) * per_epoch + 1;
    const std::int64_t last = entry.epoch * per_epoch;
    if (*entry.step < first || *entry.step > last) {
      throw std::invalid_argument("schedule: step " + std::to_string(*entry.step) +
                                  " is not in epoch " + std::to_string(entry.epoch) +
                                  " (its steps are " + std::to_string(first) + ".." +
                                  std::to_string(last) + ")");
    }
  }
}

RunResult Trainer::run() {
  started_ = std::chrono::steady_clock::now();
  const auto& t = config_.training;
  torch::set_num_threads(threads_);
  set_blas_threads(threads_);
  // Subnormal floats appear a few epochs after a split and cost the CPU ~100 cycles per
  // operation: on seed 3 (1 thread) the 3-expert epochs slowed from 131k to 69k samples/s and the
  // 4-expert ones to 46k. Flushing them to zero (this thread's FTZ/DAZ) keeps ~130k and ~97k, and
  // the metrics of seeds 1 and 3 stayed the same byte for byte.
  at::globalContext().setFlushDenormal(true);
  check_schedule_steps();
  const auto& train = data_.train;
  model_ = make_initial_model(train.dimension(), train.num_classes, config_.model, t.seed);
  optimizer_ = std::make_unique<torch::optim::Adam>(model_->parameters(),
                                                    torch::optim::AdamOptions(t.learning_rate));
  if (resume_) {
    restore(std::move(*resume_));
    resume_.reset();
  } else {
    start_fresh();
  }

  const int total_epochs = t.seed_epochs + t.growth_epochs;
  for (int epoch = completed_epochs_ + 1; epoch <= total_epochs && result_.diverged.empty();
       ++epoch) {
    const Phase phase = epoch <= t.seed_epochs ? Phase::Seed : Phase::Growth;
    EpochMetrics metrics;
    set_learning_rate(*optimizer_, learning_rate_for(t, base_learning_rate_, epoch));
    if (!train_epoch(epoch, phase, metrics)) {
      result_.stopped = true;
      break;
    }
    const auto predictions = evaluator_.evaluate(*model_, metrics);
    release_free_heap_pages();
    metrics.wall_seconds = elapsed_seconds();
    const bool diverged = !result_.diverged.empty();
    // Decided before the epoch is reported, so that its metrics hold the field that decided; the
    // split itself follows the report. No split after the last epoch: nobody would train the
    // child.
    std::optional<GrowthDecision> decision;
    if (!diverged && phase == Phase::Growth && epoch < total_epochs) {
      decision = decide_growth(metrics);
    } else if (phase == Phase::Growth) {
      describe_field(metrics);
    }
    result_.accuracy_history.push_back(metrics.val_accuracy);
    result_.epochs.push_back(metrics);
    completed_epochs_ = epoch;
    in_progress_.reset();
    if (observer_) observer_->on_epoch(metrics);
    logger()->debug("epoch {} val {:.4f} experts {}", epoch, metrics.val_accuracy,
                    metrics.experts);
    if (diverged) logger()->error("training diverged: {}", result_.diverged);
    if (!diverged && epoch == t.seed_epochs) {
      result_.seed_val_accuracy = metrics.val_accuracy;
      seed_test_correct_ = evaluator_.correct_on_test(*model_);
      growth_->start_growth(epoch, metrics.val_accuracy);
    }
    if (decision) {
      grow_after_epoch(metrics, predictions, *decision);
      tend_dormant_after_epoch(metrics);
    }
    journal_epoch(result_.epochs.back(), diverged || epoch == total_epochs);
    control_->epoch_finished();
  }
  const bool diverged = !result_.diverged.empty();
  if (!result_.stopped && (t.growth_epochs > 0 || diverged) && !result_.epochs.empty()) {
    finish_report();
  }
  result_.final_fixes = fixes_;
  result_.wall_seconds = elapsed_seconds();
  if (journal_) {
    if (result_.stopped) {
      journal_->stopped([this] { return state(); });
    } else {
      journal_->finished(result_);
    }
  }
  if (observer_) observer_->on_finished(result_);
  return result_;
}

void Trainer::start_fresh() {
  const auto& t = config_.training;
  const auto& train = data_.train;
  generator_ = at::detail::createCPUGenerator(t.seed);
  const auto probe_rows = torch::randperm(train.size(), generator_, torch::kLong)
                              .narrow(0, 0, std::min<std::int64_t>(t.probe_size, train.size()));
  gradient_step_ = std::make_unique<GradientStep>(train.features.index_select(0, probe_rows),
                                                  terms_, t.dispatch);
  base_learning_rate_ = t.learning_rate;
  result_ = RunResult();
  result_.config = config_;
  result_.data = {train.name,        train.size(),      data_.validation.size(),
                  data_.test.size(), train.dimension(), train.num_classes,
                  train.class_names};
  if (t.seed_epochs == 0) {
    EpochMetrics initial;
    evaluator_.evaluate(*model_, initial);
    result_.seed_val_accuracy = initial.val_accuracy;
    seed_test_correct_ = evaluator_.correct_on_test(*model_);
    growth_->start_growth(0, initial.val_accuracy);
  }
}

void Trainer::restore(TrainerState s) {
  torch::NoGradGuard no_grad;
  auto named = model_->named_parameters();
  if (s.parameters.size() != named.size()) {
    throw std::invalid_argument("the checkpoint holds " + std::to_string(s.parameters.size()) +
                                " parameters, the model has " + std::to_string(named.size()));
  }
  for (auto& [name, value] : s.parameters) {
    auto* param = named.find(name);
    if (!param) throw std::invalid_argument("the checkpoint's parameter " + name + " is not in the model");
    if (value.scalar_type() != param->scalar_type() || value.dim() != param->dim()) {
      throw std::invalid_argument("the checkpoint's parameter " + name + " has the wrong type");
    }
    // set_data keeps the TensorImpl: the optimiser's key and the model's members stay valid.
    param->set_data(value.contiguous());
  }
  auto& bias = model_->selection_bias();
  const auto experts = model_->num_experts();
  if (s.selection_bias.defined() && s.selection_bias.numel() != experts) {
    throw std::invalid_argument("the checkpoint's selection bias has " +
                                std::to_string(s.selection_bias.numel()) + " experts, the model " +
                                std::to_string(experts));
  }
  bias.set_data(s.selection_bias.defined() ? s.selection_bias.to(torch::kFloat).contiguous()
                                           : torch::zeros({experts}));
  auto& states = optimizer_->state();
  for (auto& [name, moments] : s.adam) {
    auto* param = named.find(name);
    if (!param || !moments.exp_avg.sizes().equals(param->sizes()) ||
        !moments.exp_avg_sq.sizes().equals(param->sizes())) {
      throw std::invalid_argument("the checkpoint's optimiser state for " + name +
                                  " does not fit the model");
    }
    auto state = std::make_unique<torch::optim::AdamParamState>();
    state->step(moments.step);
    state->exp_avg(moments.exp_avg.contiguous());
    state->exp_avg_sq(moments.exp_avg_sq.contiguous());
    states[adam_key(*param)] = std::move(state);
  }
  generator_ = at::detail::createCPUGenerator(config_.training.seed);
  generator_.set_state(s.generator_state);
  gradient_step_ = std::make_unique<GradientStep>(s.probe, terms_, config_.training.dispatch);
  growth_->restore(s.growth);
  release_.restore(s.releases);
  fixes_ = s.fixes;
  model_->use_selection_bias(selection_bias_on(config_.training, fixes_));
  control_->set_fixes(fixes_);
  fixes_version_ = control_->fixes_version();
  base_learning_rate_ = s.base_learning_rate;
  initial_cross_entropy_ = s.initial_cross_entropy;
  seed_test_correct_ = std::move(s.seed_test_correct);
  elapsed_before_ = s.elapsed_seconds;
  step_ = s.step;
  completed_epochs_ = s.completed_epochs;
  in_progress_ = std::move(s.in_progress);
  result_ = std::move(s.history);
  result_.config = config_;
  result_.stopped = false;
  // The entries whose moment has passed were applied before the state was taken.
  const bool inside_epoch = in_progress_ && in_progress_->position > 0;
  while (planned_next_ < planned_.size()) {
    const auto& entry = planned_[planned_next_];
    const bool applied =
        entry.epoch <= completed_epochs_ ||
        (inside_epoch && entry.epoch == in_progress_->epoch && (!entry.step || *entry.step <= step_));
    if (!applied) break;
    ++planned_next_;
  }
}

TrainerState Trainer::state() const {
  TrainerState s;
  s.completed_epochs = completed_epochs_;
  s.step = step_;
  const auto& states = optimizer_->state();
  for (const auto& item : model_->named_parameters()) {
    s.parameters.emplace_back(item.key(), item.value().detach().clone());
    const auto found = states.find(adam_key(item.value()));
    if (found == states.end()) continue;
    const auto& adam = static_cast<const torch::optim::AdamParamState&>(*found->second);
    s.adam.emplace_back(item.key(),
                        AdamMoments{adam.step(), adam.exp_avg().clone(), adam.exp_avg_sq().clone()});
  }
  s.selection_bias = model_->selection_bias().detach().clone();
  s.generator_state = generator_.get_state();
  s.probe = gradient_step_->probe();
  s.growth = growth_->state();
  s.releases = release_.releases();
  s.fixes = fixes_;
  s.base_learning_rate = base_learning_rate_;
  s.initial_cross_entropy = initial_cross_entropy_;
  s.seed_test_correct = seed_test_correct_;
  s.elapsed_seconds = elapsed_seconds();
  s.history = result_;
  s.in_progress = in_progress_;
  return s;
}

void Trainer::begin_epoch(int epoch) {
  EpochInProgress p;
  p.epoch = epoch;
  p.order = torch::randperm(data_.train.size(), generator_, torch::kLong);
  in_progress_ = std::move(p);
}

bool Trainer::train_epoch(int epoch, Phase phase, EpochMetrics& metrics) {
  model_->train();
  const auto& train = data_.train;
  const auto n = train.size();
  const std::int64_t batch = config_.training.batch_size;
  if (!in_progress_ || in_progress_->epoch != epoch) begin_epoch(epoch);
  auto& p = *in_progress_;
  while (p.position < n) {
    if (!control_->wait_before_step()) return false;
    const auto step_start = std::chrono::steady_clock::now();
    apply_switch_changes(epoch, step_ + 1);
    release_.advance(*model_);
    const auto rows = p.order.narrow(0, p.position, std::min(batch, n - p.position));
    const auto x = train.features.index_select(0, rows);
    const auto y = train.labels.index_select(0, rows);
    auto settings = step_settings(terms_, config_.training, fixes_);
    settings.probe_experts = draw_probe_experts(terms_, settings.weights, model_->num_experts(),
                                                config_.training.probe_experts, generator_);
    model_->use_selection_bias(selection_bias_on(config_.training, fixes_));
    const auto losses = gradient_step_->run(*model_, x, y, settings);
    if (step_ == 0) initial_cross_entropy_ = losses.scalars.terms.front();
    result_.diverged = divergence(losses, epoch);
    if (!result_.diverged.empty()) break;  // no update from a non-finite gradient
    adam_update(*optimizer_);
    if (model_->uses_selection_bias()) {
      nudge_selection_bias(model_->selection_bias(), losses.slot_share, config_.training.bias_rate);
    }
    ++step_;
    p.position += x.size(0);
    p.step_window.add(losses, x.size(0));
    p.epoch_sums.add(losses, x.size(0));
    p.train_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start).count();
    if (p.step_window.steps >= config_.training.log_interval) emit_step(p.step_window, epoch, phase);
  }
  if (p.step_window.steps > 0) emit_step(p.step_window, epoch, phase);

  metrics.epoch = epoch;
  metrics.phase = phase;
  metrics.step = step_;
  const auto& sums = p.epoch_sums;
  sums.fill_means(metrics);
  metrics.router_task_grad_norm = sums.router_task_grad_norm / sums.count();
  metrics.router_task_grad = means_of(sums.router_task_grad, sums.count());
  metrics.samples_per_second =
      p.train_seconds > 0 ? static_cast<double>(n) / p.train_seconds : 0;
  if (result_.diverged.empty()) result_.diverged = epoch_divergence(metrics);
  return true;
}

std::string Trainer::divergence(const StepLosses& step, int epoch) const {
  if (std::isfinite(step.scalars.total)) return {};
  return "the loss became " + format_number(step.scalars.total, 3) + " at step " +
         std::to_string(step_ + 1) + " (epoch " + std::to_string(epoch) +
         "); lower the learning rate";
}

std::string Trainer::epoch_divergence(const EpochMetrics& m) const {
  if (m.loss_terms.empty() || m.loss_terms.front() <= kDivergenceFactor * initial_cross_entropy_) {
    return {};
  }
  return "the epoch's mean cross-entropy " + format_number(m.loss_terms.front(), 3) + " is over " +
         format_number(kDivergenceFactor, 0) + " times its first step's " +
         format_number(initial_cross_entropy_, 3) + " (epoch " + std::to_string(m.epoch) +
         "); lower the learning rate";
}

void Trainer::emit_step(StepAccumulator& acc, int epoch, Phase phase) {
  if (observer_) {
    const double steps = static_cast<double>(acc.steps);
    StepMetrics m;
    m.step = step_;
    m.epoch = epoch;
    m.phase = phase;
    m.wall_seconds = elapsed_seconds();
    acc.fill_means(m);
    m.usage_entropy = acc.usage_entropy / steps;
    m.sample_entropy = acc.sample_entropy / steps;
    m.slot_share = means_of(acc.slot_share, steps);
    observer_->on_step(m);
  }
  acc.reset();
}

void Trainer::apply_switch_changes(int epoch, std::int64_t step) {
  while (planned_next_ < planned_.size() && due(planned_[planned_next_], epoch, step)) {
    apply_schedule_entry(planned_[planned_next_++], epoch, step);
  }
  const auto version = control_->fixes_version();
  if (version == fixes_version_) return;
  fixes_version_ = version;
  const auto next = control_->fixes();
  if (next == fixes_) return;
  // A flip by hand joins the run's schedule at the step it took effect, so that the run's config
  // replays it exactly.
  ScheduleEntry flip;
  flip.epoch = epoch;
  flip.step = step;
  flip.fixes = fixes_patch(fixes_, next);
  flip.note = "flipped by hand during the run";
  result_.config.schedule.push_back(std::move(flip));
  result_.config.schedule = in_time_order(std::move(result_.config.schedule));
  switch_to(next, epoch, step);
}

void Trainer::apply_schedule_entry(const ScheduleEntry& entry, int epoch, std::int64_t step) {
  switch_to(apply_fixes_patch(fixes_, entry.fixes, "schedule"), epoch, step);
  // The control follows, so that a later flip by hand starts from the scheduled switches.
  control_->set_fixes(fixes_);
  fixes_version_ = control_->fixes_version();
  if (entry.learning_rate && *entry.learning_rate != base_learning_rate_) {
    record_switch({0, 0, kLearningRateEvent, format_number(base_learning_rate_, 6),
                   format_number(*entry.learning_rate, 6)},
                  epoch, step);
    base_learning_rate_ = *entry.learning_rate;
    set_learning_rate(*optimizer_, learning_rate_for(config_.training, base_learning_rate_, epoch));
  }
}

void Trainer::switch_to(const FixSwitches& next, int epoch, std::int64_t step) {
  for (auto event : diff_switches(fixes_, next)) record_switch(std::move(event), epoch, step);
  fixes_ = next;
}

void Trainer::record_switch(SwitchEvent event, int epoch, std::int64_t step) {
  event.epoch = epoch;
  event.step = step;
  logger()->info("switch {} {} -> {} at epoch {} step {}", event.name, event.from, event.to,
                 epoch, step);
  result_.switches.push_back(event);
  if (observer_) observer_->on_switch(event);
}

GrowthDecision Trainer::decide_growth(EpochMetrics& metrics) {
  const auto tie_break = static_cast<std::uint64_t>(
      torch::randint(0, std::int64_t{1} << 62, {1}, generator_, torch::kLong).item<std::int64_t>());
  const auto decision = growth_->decide(metrics.epoch, metrics.val_accuracy, metrics.utilization,
                                        fixes_.effective_cooldown(), tie_break);
  describe_field(metrics);
  return decision;
}

void Trainer::describe_field(EpochMetrics& metrics) const {
  const auto field = growth_->field();
  if (!field) return;
  metrics.field_u = field->activator;
  metrics.field_v = field->inhibitor;
  metrics.field_threshold = field->threshold;
}

void Trainer::grow_after_epoch(const EpochMetrics& metrics, const torch::Tensor& predictions,
                               const GrowthDecision& decision) {
  if (!decision.split) return;
  const auto& t = config_.training;
  const auto child =
      split_expert(*model_, *optimizer_, decision.parent, t.split_noise, generator_, t.split_mode);
  if (t.split_mode == SplitMode::Preserving) release_.add(decision.parent, child);
  growth_->record_split(metrics.epoch, decision.parent, static_cast<int>(child));
  const auto after = evaluator_.predict(*model_, data_.validation);
  SplitEvent event{metrics.epoch, step_, decision.parent, static_cast<int>(child)};
  event.val_accuracy_before = metrics.val_accuracy;
  event.val_accuracy_after =
      (after == data_.validation.labels).to(torch::kDouble).mean().item<double>();
  event.changed_predictions = (after != predictions).to(torch::kDouble).mean().item<double>();
  result_.splits.push_back(event);
  logger()->info("{} at epoch {} ({} experts): validation {:.4f} -> {:.4f}, {:.2f}% "
                 "of predictions changed",
                 describe_split_event(event), event.epoch, model_->num_experts(),
                 event.val_accuracy_before, event.val_accuracy_after,
                 100.0 * event.changed_predictions);
  if (observer_) observer_->on_split(event);
}

void Trainer::tend_dormant_after_epoch(const EpochMetrics& metrics) {
  const auto& t = config_.training;
  if (!t.prune_dormant && !t.revive_dormant) return;
  // Pruning keeps at least k experts, so that every sample keeps its k.
  if (t.prune_dormant && model_->num_experts() <= config_.model.top_k) return;
  const auto dormant = least_used_dormant(metrics.utilization, t.dormant_threshold,
                                          [this](std::int64_t e) { return release_.involves(e); });
  if (!dormant) return;
  SwitchEvent event{metrics.epoch, step_, "", std::to_string(*dormant), ""};
  if (t.prune_dormant) {
    prune_expert(*model_, *optimizer_, *dormant);
    release_.expert_removed(*dormant);
    growth_->record_prune(static_cast<int>(*dormant));
    event.name = kPruneEvent;
    event.to = "removed";
  } else {
    const auto source = busiest_expert(metrics.utilization);
    if (source == *dormant) return;
    revive_expert(*model_, *optimizer_, *dormant, source, t.split_noise, generator_);
    event.name = kReviveEvent;
    event.to = "copy of " + std::to_string(source);
  }
  logger()->info("{} dormant expert {} after epoch {} ({}; {} experts)", event.name, *dormant,
                 metrics.epoch, event.to, model_->num_experts());
  result_.switches.push_back(event);
  if (observer_) observer_->on_switch(event);
}

void Trainer::journal_epoch(const EpochMetrics& metrics, bool last) {
  if (!journal_) return;
  EpochRecord record{metrics, result_.config, {}, {}, last};
  for (const auto& s : result_.switches) {
    if (s.epoch == metrics.epoch) record.switches.push_back(s);
  }
  for (const auto& s : result_.splits) {
    if (s.epoch == metrics.epoch) record.split = s;
  }
  journal_->epoch_finished(record, [this] { return state(); });
}

void Trainer::finish_report() {
  PhaseReportInputs inputs;
  inputs.accuracy_history = result_.accuracy_history;
  inputs.seed_epochs = config_.training.seed_epochs;
  inputs.seed_val_accuracy = result_.seed_val_accuracy;
  inputs.last_epoch = result_.epochs.back();
  inputs.splits = result_.splits;
  inputs.cooldown_window = fixes_.cooldown_epochs;
  inputs.dormant_threshold = config_.training.dormant_threshold;
  const auto& t = config_.training;
  inputs.split_budget = growth_->split_budget(t.growth_epochs, fixes_.effective_cooldown(),
                                              config_.model.initial_experts);
  inputs.diverged = result_.diverged;
  inputs.seed_test_correct = seed_test_correct_;
  inputs.final_test_correct = evaluator_.correct_on_test(*model_);
  inputs.chance_accuracy = evaluator_.chance_accuracy();
  const auto share_of = [](const std::vector<bool>& correct) {
    if (correct.empty()) return 0.0;
    return static_cast<double>(std::count(correct.begin(), correct.end(), true)) /
           static_cast<double>(correct.size());
  };
  result_.seed_test_accuracy = share_of(inputs.seed_test_correct);
  result_.test_accuracy = share_of(inputs.final_test_correct);
  result_.report = make_phase_report(inputs);
  if (observer_) observer_->on_phase_report(*result_.report);
}

}  // namespace moelab
