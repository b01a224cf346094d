#include "training/trainer.h"

#include <algorithm>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <malloc.h>

#include "growth/expert_splitter.h"
#include "training/adam_update.h"
#include "training/fused_dense_step.h"
#include "training/model_factory.h"
#include "training/routing_losses.h"
#include "training/run_resources.h"
#include "util/blas_check.h"
#include "util/cpu_budget.h"
#include "util/format.h"
#include "util/logging.h"

namespace moelab {

namespace {

// A run whose epoch-mean cross-entropy rises above this multiple of its first step's has diverged
// (at initialisation the cross-entropy is about log C; a learning run only goes down from there).
constexpr double kDivergenceFactor = 4.0;

const char* on_off(bool on) { return on ? "on" : "off"; }

std::vector<SwitchEvent> diff_switches(const FixSwitches& a, const FixSwitches& b) {
  std::vector<SwitchEvent> events;
  auto add = [&](const char* name, std::string from, std::string to) {
    if (from != to) events.push_back({0, 0, name, std::move(from), std::move(to)});
  };
  add("projection_fix", on_off(a.projection_fix), on_off(b.projection_fix));
  add("cooldown", on_off(a.cooldown), on_off(b.cooldown));
  add("cooldown_epochs", std::to_string(a.cooldown_epochs), std::to_string(b.cooldown_epochs));
  add("entropy_loss", on_off(a.entropy_loss), on_off(b.entropy_loss));
  add("entropy_weight", format_number(a.entropy_weight, 4), format_number(b.entropy_weight, 4));
  return events;
}

// The evaluation's temporaries (1-2 MiB at 12 experts) are freed every epoch, but the epoch's
// metrics, allocated meanwhile and kept, split the freed space, so glibc's heap grew by about that
// much per epoch while the memory in use stayed at 45 MiB: resident memory rose 168 -> 245 MiB
// over a 100-epoch run. Returning the free pages each epoch keeps it flat, for ~0.3 ms.
void release_free_heap_pages() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

std::vector<float> to_vector(const torch::Tensor& t) {
  auto c = t.to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// Adds `from` into `into`, restarting `into` when the expert count changed.
void accumulate(std::vector<double>& into, const std::vector<double>& from) {
  if (into.size() != from.size()) into.assign(from.size(), 0.0);
  for (std::size_t i = 0; i < into.size(); ++i) into[i] += from[i];
}

std::vector<float> means_of(const std::vector<double>& sums, double count) {
  std::vector<float> means;
  for (const double v : sums) means.push_back(static_cast<float>(v / count));
  return means;
}

double largest_class_share(const Dataset& data) {
  if (data.size() == 0) return 0.0;
  const auto counts = torch::bincount(data.labels, {}, data.num_classes);
  return static_cast<double>(counts.max().item<std::int64_t>()) / static_cast<double>(data.size());
}

}  // namespace

// Running sums of the steps' scalars and shares between two reports.
struct Trainer::StepAccumulator {
  double total = 0.0, usage_entropy = 0.0, sample_entropy = 0.0, router_task_grad_norm = 0.0;
  std::vector<double> terms;
  std::vector<double> slot_share;        // per expert; restarts when a split changes the count
  std::vector<double> router_task_grad;  // per expert, likewise
  std::int64_t correct = 0;
  std::int64_t steps = 0;
  std::int64_t samples = 0;

  void reset() { *this = StepAccumulator(); }

  void add(const StepLosses& step, std::int64_t batch) {
    const auto& s = step.scalars;
    total += s.total;
    usage_entropy += s.usage_entropy;
    sample_entropy += s.sample_entropy;
    router_task_grad_norm += s.router_task_grad_norm;
    correct += s.correct;
    accumulate(terms, s.terms);
    accumulate(slot_share, step.slot_share);
    accumulate(router_task_grad, step.router_task_grad);
    steps += 1;
    samples += batch;
  }

  double count() const { return static_cast<double>(std::max<std::int64_t>(steps, 1)); }

  // Step and epoch reports share the loss and accuracy fields: fill them from the means.
  template <typename Metrics>
  void fill_means(Metrics& m) const {
    m.loss_total = total / count();
    m.loss_terms.clear();
    for (const double v : terms) m.loss_terms.push_back(v / count());
    m.train_accuracy =
        static_cast<double>(correct) / static_cast<double>(std::max<std::int64_t>(samples, 1));
  }
};

Trainer::Trainer(RunConfig config, DatasetSplit data, TrainingObserver* observer,
                 TrainingControl* control)
    : config_(std::move(config)),
      data_(std::move(data)),
      observer_(observer),
      control_(control),
      fixes_(config_.fixes),
      growth_(config_.model.max_experts, config_.training.plateau_min_delta,
              config_.training.plateau_patience),
      release_(config_.training.split_release_steps),
      terms_(make_loss_terms(config_.training)) {
  validate(config_);
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
}

Trainer::~Trainer() = default;

double Trainer::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
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
  const auto& train = data_.train;
  model_ = make_initial_model(train.dimension(), train.num_classes, config_.model, t.seed);
  generator_ = at::detail::createCPUGenerator(t.seed);
  optimizer_ = std::make_unique<torch::optim::Adam>(model_->parameters(),
                                                    torch::optim::AdamOptions(t.learning_rate));
  const auto probe_rows = torch::randperm(train.size(), generator_, torch::kLong)
                              .narrow(0, 0, std::min<std::int64_t>(t.probe_size, train.size()));
  probe_ = train.features.index_select(0, probe_rows);
  fused_step_ = std::make_unique<FusedDenseStep>(probe_, terms_);

  result_ = RunResult();
  result_.config = config_;
  result_.data = {train.name,        train.size(),        data_.validation.size(),
                  data_.test.size(), train.dimension(),   train.num_classes,
                  train.class_names};

  const int total_epochs = t.seed_epochs + t.growth_epochs;
  if (t.seed_epochs == 0) {
    EpochMetrics initial;
    evaluate(initial);
    result_.seed_val_accuracy = initial.val_accuracy;
    seed_test_correct_ = correct_on_test();
    growth_.start_growth(0, initial.val_accuracy);
  }
  for (int epoch = 1; epoch <= total_epochs; ++epoch) {
    const Phase phase = epoch <= t.seed_epochs ? Phase::Seed : Phase::Growth;
    EpochMetrics metrics;
    set_learning_rate_for(epoch);
    if (!train_epoch(epoch, phase, metrics)) {
      result_.stopped = true;
      break;
    }
    const auto predictions = evaluate(metrics);
    release_free_heap_pages();
    metrics.wall_seconds = elapsed_seconds();
    result_.accuracy_history.push_back(metrics.val_accuracy);
    result_.epochs.push_back(metrics);
    if (observer_) observer_->on_epoch(metrics);
    logger()->debug("epoch {} val {:.4f} experts {}", epoch, metrics.val_accuracy,
                    metrics.experts);
    if (!result_.diverged.empty()) {
      logger()->error("training diverged: {}", result_.diverged);
      break;
    }
    if (epoch == t.seed_epochs) {
      result_.seed_val_accuracy = metrics.val_accuracy;
      seed_test_correct_ = correct_on_test();
      growth_.start_growth(epoch, metrics.val_accuracy);
    }
    // No split after the last epoch: nobody would train the child.
    if (phase == Phase::Growth && epoch < total_epochs) grow_after_epoch(metrics, predictions);
    control_->epoch_finished();
  }
  const bool diverged = !result_.diverged.empty();
  if (!result_.stopped && (t.growth_epochs > 0 || diverged) && !result_.epochs.empty()) {
    finish_report();
  }
  result_.config.fixes = fixes_;
  result_.wall_seconds = elapsed_seconds();
  if (observer_) observer_->on_finished(result_);
  return result_;
}

bool Trainer::train_epoch(int epoch, Phase phase, EpochMetrics& metrics) {
  model_->train();
  const auto& train = data_.train;
  const auto n = train.size();
  const std::int64_t batch = config_.training.batch_size;
  const auto order = torch::randperm(n, generator_, torch::kLong);
  StepAccumulator step_acc;
  StepAccumulator epoch_acc;
  double train_seconds = 0;
  for (std::int64_t begin = 0; begin < n; begin += batch) {
    if (!control_->wait_before_step()) return false;
    const auto step_start = std::chrono::steady_clock::now();
    apply_switch_changes(epoch, step_ + 1);
    release_.advance(*model_);
    const auto rows = order.narrow(0, begin, std::min(batch, n - begin));
    const auto x = train.features.index_select(0, rows);
    const auto y = train.labels.index_select(0, rows);
    const auto losses = compute_gradients(x, y);
    if (step_ == 0) initial_cross_entropy_ = losses.scalars.terms.front();
    result_.diverged = divergence(losses, epoch);
    if (!result_.diverged.empty()) break;  // no update from a non-finite gradient
    adam_update(*optimizer_);
    ++step_;
    step_acc.add(losses, x.size(0));
    epoch_acc.add(losses, x.size(0));
    train_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start).count();
    if (step_acc.steps >= config_.training.log_interval) emit_step(step_acc, epoch, phase);
  }
  if (step_acc.steps > 0) emit_step(step_acc, epoch, phase);

  metrics.epoch = epoch;
  metrics.phase = phase;
  metrics.step = step_;
  epoch_acc.fill_means(metrics);
  metrics.router_task_grad_norm = epoch_acc.router_task_grad_norm / epoch_acc.count();
  metrics.router_task_grad = means_of(epoch_acc.router_task_grad, epoch_acc.count());
  metrics.samples_per_second = train_seconds > 0 ? static_cast<double>(n) / train_seconds : 0;
  if (result_.diverged.empty() && !metrics.loss_terms.empty() &&
      metrics.loss_terms.front() > kDivergenceFactor * initial_cross_entropy_) {
    result_.diverged = "the epoch's mean cross-entropy " +
                       format_number(metrics.loss_terms.front(), 3) + " is over " +
                       format_number(kDivergenceFactor, 0) + " times its first step's " +
                       format_number(initial_cross_entropy_, 3) + " (epoch " +
                       std::to_string(epoch) + "); lower the learning rate";
  }
  return true;
}

std::string Trainer::divergence(const StepLosses& step, int epoch) const {
  if (std::isfinite(step.scalars.total)) return {};
  return "the loss became " + format_number(step.scalars.total, 3) + " at step " +
         std::to_string(step_ + 1) + " (epoch " + std::to_string(epoch) +
         "); lower the learning rate";
}

StepLosses Trainer::compute_gradients(const torch::Tensor& x, const torch::Tensor& y) {
  const auto settings = step_settings(terms_, config_.training, fixes_);
  if (!model_->routes(config_.training.dispatch)) return fused_step_->run(*model_, x, y, settings);
  optimizer_->zero_grad();
  auto losses = autograd_losses(x, y, settings);
  losses.total.backward();
  return losses;
}

// The sum of the terms' references, weighted: the specification the fused step is tested against.
StepLosses Trainer::autograd_losses(const torch::Tensor& x, const torch::Tensor& y,
                                    const StepSettings& settings) {
  const auto out = model_->forward(x, config_.training.dispatch);
  const auto in = reference_inputs(*model_, out, y, probe_, settings.projection_fix);
  const auto weighted = weighted_references(terms_, in, settings.weights, model_->num_experts());
  StepLosses losses;
  losses.total = torch::zeros({});
  for (const auto& term : weighted) losses.total = losses.total + term;
  // The task (the first term) alone on the router weights: which experts it still reaches.
  torch::Tensor task_grad;
  if (weighted.front().requires_grad()) {
    task_grad = torch::autograd::grad({weighted.front()}, {model_->router_weight()}, {},
                                      /*retain_graph=*/true, false, /*allow_unused=*/true)[0];
  }

  // The statistics, read back at once.
  torch::NoGradGuard no_grad;
  const auto share = in.slot_share.detach();
  const auto row_norms = task_grad.defined() ? task_grad.norm(2, {1})
                                             : torch::zeros({model_->num_experts()});
  auto& s = losses.scalars;
  for (const auto& w : weighted) s.terms.push_back(w.item<double>());
  s.total = losses.total.item<double>();
  s.usage_entropy = usage_entropy_of_share(share).item<double>();
  s.sample_entropy = mean_sample_entropy(out.router_probs.detach()).item<double>();
  s.correct = (out.logits.detach().argmax(1) == y).sum().item<std::int64_t>();
  s.router_task_grad_norm = row_norms.norm().item<double>();
  const auto share_values = share.to(torch::kDouble).contiguous();
  losses.slot_share.assign(share_values.data_ptr<double>(),
                           share_values.data_ptr<double>() + share_values.numel());
  const auto norm_values = row_norms.to(torch::kDouble).contiguous();
  losses.router_task_grad.assign(norm_values.data_ptr<double>(),
                                 norm_values.data_ptr<double>() + norm_values.numel());
  return losses;
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

torch::Tensor Trainer::predict(const Dataset& data) {
  c10::InferenceMode inference;
  model_->eval();
  std::vector<torch::Tensor> predictions;
  for (std::int64_t begin = 0; begin < data.size(); begin += kEvaluationChunk) {
    const auto x = data.features.narrow(0, begin, std::min(kEvaluationChunk, data.size() - begin));
    predictions.push_back(model_->forward(x, config_.training.dispatch).logits.argmax(1));
  }
  model_->train();
  return predictions.empty() ? torch::zeros({0}, torch::kLong) : torch::cat(predictions);
}

std::vector<bool> Trainer::correct_on_test() {
  const auto correct = (predict(data_.test) == data_.test.labels).contiguous();
  const bool* flags = correct.data_ptr<bool>();
  return std::vector<bool>(flags, flags + correct.numel());
}

torch::Tensor Trainer::evaluate(EpochMetrics& m) {
  c10::InferenceMode inference;
  model_->eval();
  const auto& val = data_.validation;
  const auto experts = model_->num_experts();
  const auto k = model_->effective_top_k();
  std::vector<torch::Tensor> probs, topk, predictions;
  for (std::int64_t begin = 0; begin < val.size(); begin += kEvaluationChunk) {
    const auto x = val.features.narrow(0, begin, std::min(kEvaluationChunk, val.size() - begin));
    const auto out = model_->forward(x, config_.training.dispatch);
    probs.push_back(out.router_probs);
    topk.push_back(out.topk_indices);
    predictions.push_back(out.logits.argmax(1));
  }
  const auto router_probs = torch::cat(probs);
  const auto topk_indices = torch::cat(topk);
  const auto predicted = torch::cat(predictions);
  m.val_accuracy = (predicted == val.labels).to(torch::kDouble).mean().item<double>();
  m.usage_entropy = mean_usage_entropy(router_probs, topk_indices).item<double>();
  m.sample_entropy = mean_sample_entropy(router_probs).item<double>();
  m.experts = static_cast<int>(experts);
  m.utilization = to_vector(topk_utilization(topk_indices, experts));
  std::vector<float> slot_share;
  for (const float u : m.utilization) slot_share.push_back(u / static_cast<float>(k));
  m.effective_experts = effective_experts(slot_share);
  m.load_violation = load_violation(m.utilization);
  m.dormant.clear();
  for (std::int64_t e = 0; e < experts; ++e) {
    if (m.utilization[e] < config_.training.dormant_threshold) m.dormant.push_back(static_cast<int>(e));
  }
  // Routing matrix: for each class, the share of its top-k slots each expert takes.
  const auto membership = torch::zeros({val.size(), experts}).scatter(1, topk_indices, 1.0);
  const auto class_onehot =
      torch::one_hot(val.labels, val.num_classes).to(torch::kFloat).t();  // [C, N]
  const auto per_class = class_onehot.sum(1, true).clamp_min(1.0) * static_cast<double>(k);
  const auto matrix = torch::mm(class_onehot, membership) / per_class;
  m.routing_matrix.clear();
  for (std::int64_t c = 0; c < val.num_classes; ++c) m.routing_matrix.push_back(to_vector(matrix[c]));
  const auto sample = val.features.narrow(0, 0, std::min(kSimilarityRows, val.size()));
  m.expert_similarity =
      expert_output_similarity(model_->all_expert_outputs(model_->project(sample))).item<double>();
  model_->train();
  return predicted;
}

void Trainer::apply_switch_changes(int epoch, std::int64_t step) {
  const auto version = control_->fixes_version();
  if (version == fixes_version_) return;
  fixes_version_ = version;
  const auto next = control_->fixes();
  for (auto event : diff_switches(fixes_, next)) {
    event.epoch = epoch;
    event.step = step;
    logger()->info("switch {} {} -> {} at epoch {} step {}", event.name, event.from, event.to,
                   epoch, step);
    result_.switches.push_back(event);
    if (observer_) observer_->on_switch(event);
  }
  fixes_ = next;
}

void Trainer::grow_after_epoch(const EpochMetrics& metrics, const torch::Tensor& predictions) {
  const auto tie_break = static_cast<std::uint64_t>(
      torch::randint(0, std::int64_t{1} << 62, {1}, generator_, torch::kLong).item<std::int64_t>());
  const auto decision = growth_.decide(metrics.epoch, metrics.val_accuracy, metrics.utilization,
                                       fixes_.effective_cooldown(), tie_break);
  if (!decision.split) return;
  const auto& t = config_.training;
  const auto child =
      split_expert(*model_, *optimizer_, decision.parent, t.split_noise, generator_, t.split_mode);
  if (t.split_mode == SplitMode::Preserving) release_.add(decision.parent, child);
  growth_.record_split(metrics.epoch);
  const auto after = predict(data_.validation);
  SplitEvent event{metrics.epoch, step_, decision.parent, static_cast<int>(child)};
  event.val_accuracy_before = metrics.val_accuracy;
  event.val_accuracy_after =
      (after == data_.validation.labels).to(torch::kDouble).mean().item<double>();
  event.changed_predictions = (after != predictions).to(torch::kDouble).mean().item<double>();
  result_.splits.push_back(event);
  logger()->info("split e{} -> e{} at epoch {} ({} experts): validation {:.4f} -> {:.4f}, {:.2f}% "
                 "of predictions changed",
                 event.parent, event.child, event.epoch, model_->num_experts(),
                 event.val_accuracy_before, event.val_accuracy_after,
                 100.0 * event.changed_predictions);
  if (observer_) observer_->on_split(event);
}

void Trainer::set_learning_rate_for(int epoch) {
  const auto& t = config_.training;
  double lr = t.learning_rate;
  if (epoch > t.seed_epochs && t.growth_epochs > 1) {
    // Cosine from the full rate at the first growth epoch to final_lr_fraction at the last.
    const double progress =
        static_cast<double>(epoch - t.seed_epochs - 1) / static_cast<double>(t.growth_epochs - 1);
    const double floor = t.final_lr_fraction;
    lr *= floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(progress * 3.14159265358979323846));
  }
  for (auto& group : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
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
  inputs.split_budget =
      GrowthPolicy::split_budget(t.growth_epochs, fixes_.effective_cooldown(), t.plateau_patience,
                                 config_.model.initial_experts, config_.model.max_experts);
  inputs.diverged = result_.diverged;
  inputs.seed_test_correct = seed_test_correct_;
  inputs.final_test_correct = correct_on_test();
  inputs.chance_accuracy = largest_class_share(data_.test);
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
