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
#include "util/blas_check.h"
#include "util/format.h"
#include "util/logging.h"

namespace moelab {

namespace {

constexpr std::int64_t kEvalChunk = 4096;
constexpr std::int64_t kSimilaritySamples = 256;

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

}  // namespace

// Running sums of the steps' scalars and routed shares between two reports.
struct Trainer::StepAccumulator {
  StepScalars sums;
  std::vector<double> usage;  // per expert; restarts when a split changes the count
  std::int64_t steps = 0;
  std::int64_t samples = 0;

  void reset() { *this = StepAccumulator(); }

  void add(const StepLosses& step, std::int64_t batch) {
    const auto& s = step.scalars;
    sums.total += s.total;
    sums.cross_entropy += s.cross_entropy;
    sums.entropy_term += s.entropy_term;
    sums.diversity_term += s.diversity_term;
    sums.usage_entropy += s.usage_entropy;
    sums.sample_entropy += s.sample_entropy;
    sums.correct += s.correct;
    if (usage.size() != step.usage.size()) usage.assign(step.usage.size(), 0.0);
    for (std::size_t e = 0; e < usage.size(); ++e) usage[e] += step.usage[e];
    steps += 1;
    samples += batch;
  }

  // Step and epoch reports share the loss and accuracy fields: fill them from the means.
  template <typename Metrics>
  void fill_means(Metrics& m) const {
    const double n = static_cast<double>(std::max<std::int64_t>(steps, 1));
    m.loss_total = sums.total / n;
    m.loss_cross_entropy = sums.cross_entropy / n;
    m.loss_entropy = sums.entropy_term / n;
    m.loss_diversity = sums.diversity_term / n;
    m.train_accuracy =
        static_cast<double>(sums.correct) / static_cast<double>(std::max<std::int64_t>(samples, 1));
  }
};

Trainer::Trainer(RunConfig config, DatasetSplit data, TrainingObserver* observer,
                 TrainingControl* control)
    : config_(std::move(config)),
      data_(std::move(data)),
      observer_(observer),
      control_(control),
      fixes_(config_.fixes),
      growth_(config_.model.max_experts, config_.training.plateau_min_delta) {
  validate(config_);
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
  if (t.threads > 0) {
    torch::set_num_threads(t.threads);
    set_blas_threads(t.threads);
  }
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
  fused_step_ = std::make_unique<FusedDenseStep>(probe_);

  result_ = RunResult();
  result_.config = config_;
  result_.data = {train.name,        train.size(),        data_.validation.size(),
                  train.dimension(), train.num_classes,   train.class_names};

  const int total_epochs = t.seed_epochs + t.growth_epochs;
  if (t.seed_epochs == 0) {
    EpochMetrics initial;
    evaluate(initial);
    result_.seed_val_accuracy = initial.val_accuracy;
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
    evaluate(metrics);
    release_free_heap_pages();
    metrics.wall_seconds = elapsed_seconds();
    result_.accuracy_history.push_back(metrics.val_accuracy);
    result_.epochs.push_back(metrics);
    if (observer_) observer_->on_epoch(metrics);
    logger()->debug("epoch {} val {:.4f} experts {}", epoch, metrics.val_accuracy,
                    metrics.experts);
    if (epoch == t.seed_epochs) {
      result_.seed_val_accuracy = metrics.val_accuracy;
      growth_.start_growth(epoch, metrics.val_accuracy);
    }
    // No split after the last epoch: nobody would train the child.
    if (phase == Phase::Growth && epoch < total_epochs) grow_after_epoch(metrics);
    control_->epoch_finished();
  }
  if (!result_.stopped && t.growth_epochs > 0) finish_report();
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
    const auto rows = order.narrow(0, begin, std::min(batch, n - begin));
    const auto x = train.features.index_select(0, rows);
    const auto y = train.labels.index_select(0, rows);
    const auto losses = compute_gradients(x, y);
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
  metrics.samples_per_second = train_seconds > 0 ? static_cast<double>(n) / train_seconds : 0;
  return true;
}

StepLosses Trainer::compute_gradients(const torch::Tensor& x, const torch::Tensor& y) {
  const StepLossWeights weights{fixes_.effective_entropy_weight(),
                                config_.training.diversity_weight, fixes_.projection_fix};
  if (!model_->routes(config_.training.dispatch)) return fused_step_->run(*model_, x, y, weights);
  optimizer_->zero_grad();
  auto losses = autograd_losses(x, y, weights);
  losses.total.backward();
  return losses;
}

StepLosses Trainer::autograd_losses(const torch::Tensor& x, const torch::Tensor& y,
                                    const StepLossWeights& weights) {
  const auto out = model_->forward(x, config_.training.dispatch);
  const auto cross_entropy = torch::nn::functional::cross_entropy(out.logits, y);
  const auto share = routed_share(out.router_probs, out.topk_indices);
  const auto entropy_term = entropy_balance_of_share(share) * -weights.entropy;
  const auto diversity_term = diversity_loss() * weights.diversity;
  StepLosses losses;
  losses.total = cross_entropy + diversity_term;
  if (weights.entropy != 0.0) losses.total = losses.total + entropy_term;

  // The statistics, read back at once.
  torch::NoGradGuard no_grad;
  const auto usage = share.detach();
  const auto scalars = torch::stack({losses.total.detach(), cross_entropy.detach(),
                                     entropy_term.detach(), diversity_term.detach(),
                                     usage_entropy_of_share(usage),
                                     mean_sample_entropy(out.router_probs.detach()),
                                     (out.logits.detach().argmax(1) == y).sum().to(torch::kFloat)})
                           .to(torch::kDouble);
  const auto* v = scalars.data_ptr<double>();
  losses.scalars = {v[0], v[1], v[2], v[3], v[4], v[5], static_cast<std::int64_t>(v[6])};
  const auto usage_values = usage.to(torch::kDouble).contiguous();
  losses.usage.assign(usage_values.data_ptr<double>(),
                      usage_values.data_ptr<double>() + usage_values.numel());
  return losses;
}

torch::Tensor Trainer::diversity_loss() {
  if (config_.training.diversity_weight == 0.0 || model_->num_experts() < 2) {
    return torch::zeros({});
  }
  // The seed's bug, reproducible: without the fix the probe skips the input projection, so the
  // experts are pushed apart on inputs unlike anything they see in training.
  const auto hidden = fixes_.projection_fix ? model_->project(probe_)
                                            : bypass_projection(probe_, model_->hidden_dim());
  return expert_output_similarity(model_->all_expert_outputs(hidden));
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
    m.usage_entropy = acc.sums.usage_entropy / steps;
    m.sample_entropy = acc.sums.sample_entropy / steps;
    m.usage.clear();
    for (const double u : acc.usage) m.usage.push_back(static_cast<float>(u / steps));
    observer_->on_step(m);
  }
  acc.reset();
}

void Trainer::evaluate(EpochMetrics& m) {
  c10::InferenceMode inference;
  model_->eval();
  const auto& val = data_.validation;
  const auto experts = model_->num_experts();
  const auto k = model_->effective_top_k();
  std::vector<torch::Tensor> probs, topk, predictions;
  for (std::int64_t begin = 0; begin < val.size(); begin += kEvalChunk) {
    const auto x = val.features.narrow(0, begin, std::min(kEvalChunk, val.size() - begin));
    const auto out = model_->forward(x, config_.training.dispatch);
    probs.push_back(out.router_probs);
    topk.push_back(out.topk_indices);
    predictions.push_back(out.logits.argmax(1));
  }
  const auto router_probs = torch::cat(probs);
  const auto topk_indices = torch::cat(topk);
  m.val_accuracy = (torch::cat(predictions) == val.labels).to(torch::kDouble).mean().item<double>();
  m.usage_entropy = mean_usage_entropy(router_probs, topk_indices).item<double>();
  m.sample_entropy = mean_sample_entropy(router_probs).item<double>();
  m.experts = static_cast<int>(experts);
  m.utilization = to_vector(topk_utilization(topk_indices, experts));
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
  const auto sample = val.features.narrow(0, 0, std::min(kSimilaritySamples, val.size()));
  m.expert_similarity =
      expert_output_similarity(model_->all_expert_outputs(model_->project(sample))).item<double>();
  model_->train();
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

void Trainer::grow_after_epoch(const EpochMetrics& metrics) {
  const auto decision = growth_.decide(metrics.epoch, metrics.val_accuracy, metrics.utilization,
                                       fixes_.effective_cooldown());
  if (!decision.split) return;
  const auto child = split_expert(*model_, *optimizer_, decision.parent,
                                  config_.training.split_noise, generator_);
  growth_.record_split(metrics.epoch);
  SplitEvent event{metrics.epoch, step_, decision.parent, static_cast<int>(child)};
  result_.splits.push_back(event);
  logger()->info("split e{} -> e{} at epoch {} ({} experts)", event.parent, event.child,
                 event.epoch, model_->num_experts());
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
  result_.report = make_phase_report(inputs);
  if (observer_) observer_->on_phase_report(*result_.report);
}

}  // namespace moelab
