// The fused dense training step's statistics and edges, the BLAS product it runs on, and the
// fused Adam update against LibTorch's Adam. Its losses and gradients against autograd, term by
// term, are in test_loss_terms.cpp.
#include <torch/torch.h>

#include "growth/expert_splitter.h"
#include "model/moe_model.h"
#include "training/adam_update.h"
#include "training/fused_step.h"
#include "training/loss_term.h"
#include "training/routing_losses.h"
#include "util/sgemm.h"

#include <QtTest>

using namespace moelab;

namespace {

ModelConfig model_config(int experts, int k, int hidden) {
  ModelConfig c;
  c.hidden = hidden;
  c.expert_hidden = 12;
  c.initial_experts = experts;
  c.top_k = k;
  c.max_experts = 16;
  return c;
}

const LossTerms& default_terms() {
  static const LossTerms terms = make_loss_terms({});
  return terms;
}

// The default run's weights: cross_entropy, entropy, diversity; no switch loss, no z-loss.
const StepSettings kAllFixes{{1.0, 0.1, 0.05, 0.0, 0.0}, true, false, {}};

}  // namespace

class TestFusedStep : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { torch::manual_seed(11); }

  void reportsTheStatisticsTheChartsShow() {
    MoeModel model(20, 5, model_config(4, 2, 20));
    const auto probe = torch::randn({13, 20});
    const auto x = torch::randn({40, 20});
    const auto y = torch::randint(5, {40}, torch::kLong);
    FusedStep step(probe, default_terms());
    const auto losses = step.run(*model, x, y, kAllFixes);

    torch::NoGradGuard no_grad;
    const auto out = model->forward(x, Dispatch::Dense);
    const auto share = routed_share(out.router_probs, out.topk_indices);
    QCOMPARE(static_cast<std::int64_t>(losses.slot_share.size()), std::int64_t{4});
    for (int e = 0; e < 4; ++e) {
      QVERIFY(std::abs(losses.slot_share[e] - share[e].item<double>()) < 1e-6);
    }
    QVERIFY(std::abs(losses.scalars.usage_entropy - usage_entropy_of_share(share).item<double>()) <
            1e-5);
    QVERIFY(std::abs(losses.scalars.sample_entropy -
                     mean_sample_entropy(out.router_probs).item<double>()) < 1e-5);
    QCOMPARE(losses.scalars.correct, (out.logits.argmax(1) == y).sum().item<std::int64_t>());
  }

  void labelOutsideTheClassesIsRefusedNotRead() {
    MoeModel model(20, 5, model_config(2, 2, 20));
    FusedStep step(torch::randn({13, 20}), default_terms());
    const auto y = torch::tensor({0, 5, 1}, torch::kLong);
    QVERIFY_THROWS_EXCEPTION(c10::Error, step.run(*model, torch::randn({3, 20}), y, kAllFixes));
  }

  void autogradStepAfterAFusedStepAndASplitStillWorks() {
    MoeModel model(20, 5, model_config(2, 2, 20));
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
    const auto probe = torch::randn({13, 20});
    const auto x = torch::randn({17, 20});
    const auto y = torch::randint(5, {17}, torch::kLong);
    FusedStep step(probe, default_terms());
    step.run(*model, x, y, kAllFixes);
    adam_update(adam);
    split_expert(*model, adam, 0, 0.01, c10::nullopt);
    step.run(*model, x, y, kAllFixes);  // new shapes after the split
    adam_update(adam);
    adam.zero_grad();  // detaches gradients in place: they must not be views
    const auto out = model->forward(x, Dispatch::Dense);
    const auto in = reference_inputs(*model, out, y, probe, true);
    torch::Tensor total = torch::zeros({});
    for (const auto& t : weighted_references(default_terms(), in, kAllFixes.weights, 3)) {
      total = total + t;
    }
    total.backward();
    adam.step();
    QCOMPARE(model->num_experts(), std::int64_t{3});
  }

  void sgemmMatchesMatmulForEveryTransposeAndStride_data() {
    QTest::addColumn<bool>("transposeA");
    QTest::addColumn<bool>("transposeB");
    QTest::addColumn<float>("beta");
    QTest::newRow("a b") << false << false << 0.0f;
    QTest::newRow("a' b") << true << false << 0.0f;
    QTest::newRow("a b'") << false << true << 0.0f;
    QTest::newRow("a' b' + c") << true << true << 1.0f;
  }
  void sgemmMatchesMatmulForEveryTransposeAndStride() {
    QFETCH(bool, transposeA);
    QFETCH(bool, transposeB);
    QFETCH(float, beta);
    const std::int64_t m = 5, n = 7, k = 3, pad = 4;
    // Operands stored with a wider leading dimension than they need, as blocks of a buffer.
    const auto a_store = torch::randn({transposeA ? k : m, (transposeA ? m : k) + pad});
    const auto b_store = torch::randn({transposeB ? n : k, (transposeB ? k : n) + pad});
    auto c_store = torch::randn({m, n + pad});
    const auto a = a_store.narrow(1, 0, transposeA ? m : k);
    const auto b = b_store.narrow(1, 0, transposeB ? k : n);
    const auto expected = torch::mm(transposeA ? a.t() : a, transposeB ? b.t() : b) +
                          beta * c_store.narrow(1, 0, n);
    sgemm(transposeA, transposeB, m, n, k, a_store.data_ptr<float>(), a_store.size(1),
          b_store.data_ptr<float>(), b_store.size(1), beta, c_store.data_ptr<float>(),
          c_store.size(1));
    QVERIFY(torch::allclose(c_store.narrow(1, 0, n), expected, 1e-5, 1e-5));
  }

  void adamUpdateMatchesLibTorchAdam() {
    torch::manual_seed(3);
    auto a = torch::randn({7, 5}).requires_grad_();
    auto b = a.detach().clone().requires_grad_();
    torch::optim::Adam ours({a}, torch::optim::AdamOptions(0.01).weight_decay(0.001));
    torch::optim::Adam theirs({b}, torch::optim::AdamOptions(0.01).weight_decay(0.001));
    for (int step = 0; step < 25; ++step) {
      const auto grad = torch::randn({7, 5});
      a.mutable_grad() = grad.clone();
      b.mutable_grad() = grad.clone();
      adam_update(ours);
      theirs.step();
    }
    QVERIFY(torch::allclose(a, b, 1e-5, 1e-6));
    // The state is LibTorch's own, so a split grows it like any Adam state.
    const auto& state = static_cast<torch::optim::AdamParamState&>(
        *ours.state().at(c10::guts::to_string(a.unsafeGetTensorImpl())));
    QCOMPARE(state.step(), std::int64_t{25});
  }

  void adamUpdateRefusesAmsgrad() {
    auto a = torch::randn({3}).requires_grad_();
    torch::optim::Adam adam({a}, torch::optim::AdamOptions(0.01).amsgrad(true));
    a.mutable_grad() = torch::ones({3});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, adam_update(adam));
  }
};

QTEST_GUILESS_MAIN(TestFusedStep)
#include "test_fused_step.moc"
