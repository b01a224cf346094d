// The diversity probe on a subset of experts (training/probe_subset.h): an unbiased estimate of
// the full probe's loss and gradient, drawn from the run's generator only when it is used.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <QtTest>
#include <cmath>
#include <functional>

#include "model/moe_model.h"
#include "training/fused_step.h"
#include "training/loss_term.h"
#include "training/probe_subset.h"

using namespace moelab;

namespace {

constexpr int kDiversity = 2;  // the diversity term's place in the run's term order

ModelConfig model_config(int experts) {
  ModelConfig c;
  c.hidden = 16;
  c.expert_hidden = 8;
  c.initial_experts = experts;
  c.top_k = 2;
  c.max_experts = experts;
  return c;
}

StepSettings diversity_only(const LossTerms& terms) {
  StepSettings settings;
  settings.weights.assign(terms.size(), 0.0);
  settings.weights[kDiversity] = 1.0;
  return settings;
}

// Calls `visit` with every size-m subset of 0..n-1, ascending.
void for_each_subset(std::int64_t n, std::int64_t m,
                     const std::function<void(const std::vector<std::int64_t>&)>& visit) {
  std::vector<std::int64_t> chosen(m);
  for (std::int64_t i = 0; i < m; ++i) chosen[i] = i;
  while (true) {
    visit(chosen);
    std::int64_t i = m - 1;
    while (i >= 0 && chosen[i] == n - m + i) --i;
    if (i < 0) return;
    ++chosen[i];
    for (std::int64_t j = i + 1; j < m; ++j) chosen[j] = chosen[j - 1] + 1;
  }
}

torch::Tensor flat_gradients(MoeModelImpl& model) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : model.parameters()) {
    parts.push_back(p.grad().defined() ? p.grad().reshape(-1).to(torch::kDouble)
                                       : torch::zeros({p.numel()}, torch::kDouble));
  }
  return torch::cat(parts);
}

}  // namespace

class TestProbeSubset : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { torch::manual_seed(5); }

  // Over every subset of m experts, each equally likely under a uniform draw, the mean of the
  // subset's loss and gradient is the full probe's (to float rounding): the estimator is
  // unbiased exactly, not only on average over a finite run of draws.
  void meanOverEverySubsetIsTheFullLoss_data() {
    QTest::addColumn<int>("diversityLoss");
    QTest::addColumn<bool>("routed");
    for (const auto loss : {DiversityLoss::SignedCosine, DiversityLoss::SquaredCosine}) {
      for (const bool routed : {false, true}) {
        QTest::addRow("%s, %s", to_string(loss), routed ? "routed" : "dense")
            << static_cast<int>(loss) << routed;
      }
    }
  }
  void meanOverEverySubsetIsTheFullLoss() {
    QFETCH(int, diversityLoss);
    QFETCH(bool, routed);
    TrainingConfig training;
    training.diversity_loss = static_cast<DiversityLoss>(diversityLoss);
    const auto terms = make_loss_terms(training);
    const std::int64_t experts = 9, m = 3;
    MoeModel model(16, 4, model_config(experts));
    const auto x = torch::randn({24, 16});
    const auto y = torch::randint(4, {24}, torch::kLong);
    FusedStep step(torch::randn({11, 16}), terms);
    auto settings = diversity_only(terms);
    settings.routed = routed;
    const double full = step.run(*model, x, y, settings).scalars.terms[kDiversity];
    const auto full_grad = flat_gradients(*model);

    double sum = 0.0;
    torch::Tensor grad_sum = torch::zeros_like(full_grad);
    int count = 0;
    for_each_subset(experts, m, [&](const std::vector<std::int64_t>& chosen) {
      settings.probe_experts = chosen;
      sum += step.run(*model, x, y, settings).scalars.terms[kDiversity];
      grad_sum += flat_gradients(*model);
      ++count;
    });
    QCOMPARE(count, 84);  // C(9, 3)
    QVERIFY2(std::abs(sum / count - full) <= 1e-5 * std::max(1.0, std::abs(full)),
             qPrintable(QString("mean %1, full %2").arg(sum / count).arg(full)));
    const double scale = full_grad.abs().max().item<double>();
    const double error = (grad_sum / count - full_grad).abs().max().item<double>();
    QVERIFY2(scale > 0.0 && error <= 1e-4 * scale,
             qPrintable(QString("gradient error %1, scale %2").arg(error).arg(scale)));
  }

  // The draws the trainer makes: 4000 from one generator, whose mean must be within four
  // standard errors (estimated from the draws themselves) of the full loss. For a sum of 4000
  // independent draws the mean is normal to a good approximation, so a correct estimator fails
  // this with probability about 6e-5; the seed is fixed, so the test is deterministic.
  void randomDrawsAverageToTheFullLoss() {
    const auto terms = make_loss_terms({});
    const std::int64_t experts = 20, m = 4;
    MoeModel model(16, 4, model_config(experts));
    {
      // Spread the experts' cosines so that which experts are drawn matters.
      torch::NoGradGuard no_grad;
      for (std::int64_t e = 0; e < experts; e += 3) model->expert_w_out()[e].mul_(-1.0);
    }
    const auto x = torch::randn({8, 16});
    const auto y = torch::randint(4, {8}, torch::kLong);
    FusedStep step(torch::randn({11, 16}), terms);
    auto settings = diversity_only(terms);
    settings.routed = true;
    const double full = step.run(*model, x, y, settings).scalars.terms[kDiversity];
    auto generator = at::detail::createCPUGenerator(20261130);
    const int draws = 4000;
    double sum = 0.0, squares = 0.0;
    for (int i = 0; i < draws; ++i) {
      settings.probe_experts = draw_probe_experts(terms, settings.weights, experts, m, generator);
      QCOMPARE(static_cast<std::int64_t>(settings.probe_experts.size()), m);
      const double v = step.run(*model, x, y, settings).scalars.terms[kDiversity];
      sum += v, squares += v * v;
    }
    const double mean = sum / draws;
    const double variance = (squares - draws * mean * mean) / (draws - 1);
    const double standard_error = std::sqrt(variance / draws);
    QVERIFY(standard_error > 0.0);
    QVERIFY2(std::abs(mean - full) <= 4.0 * standard_error,
             qPrintable(QString("mean %1, full %2, standard error %3")
                            .arg(mean)
                            .arg(full)
                            .arg(standard_error)));
  }

  // No draw, and the generator untouched, while the full probe is what the run asks for: a run
  // with at most probe_experts experts is the run it was before the subset existed.
  void fullProbeDrawsNothing() {
    const auto terms = make_loss_terms({});
    auto generator = at::detail::createCPUGenerator(7);
    const auto before = generator.get_state();
    auto weights = diversity_only(terms).weights;
    QVERIFY(draw_probe_experts(terms, weights, 12, 12, generator).empty());
    QVERIFY(draw_probe_experts(terms, weights, 5, 12, generator).empty());
    weights[kDiversity] = 0.0;  // the probe is off: nothing to draw for
    QVERIFY(draw_probe_experts(terms, weights, 64, 12, generator).empty());
    QVERIFY(torch::equal(generator.get_state(), before));
    weights[kDiversity] = 0.05;
    const auto chosen = draw_probe_experts(terms, weights, 64, 12, generator);
    QCOMPARE(chosen.size(), std::size_t{12});
    QVERIFY(std::is_sorted(chosen.begin(), chosen.end()));
    QVERIFY(std::adjacent_find(chosen.begin(), chosen.end()) == chosen.end());
    QVERIFY(!torch::equal(generator.get_state(), before));
  }

  void badSubsetsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(c10::Error, probe_experts_or_all({3}, 5));
    QVERIFY_THROWS_EXCEPTION(c10::Error, probe_experts_or_all({1, 5}, 5));
    QVERIFY_THROWS_EXCEPTION(c10::Error, probe_experts_or_all({2, 1}, 5));
    QCOMPARE(probe_experts_or_all({}, 3), (std::vector<std::int64_t>{0, 1, 2}));
  }
};

QTEST_GUILESS_MAIN(TestProbeSubset)
#include "test_probe_subset.moc"
