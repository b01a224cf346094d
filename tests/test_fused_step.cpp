// The fused dense training step against autograd: the same losses, the same gradients for every
// parameter, over the shapes and switches a run can reach; and the fused Adam update against
// LibTorch's Adam.
#include <torch/torch.h>

#include "growth/expert_splitter.h"
#include "model/moe_model.h"
#include "training/adam_update.h"
#include "training/fused_dense_step.h"
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

// The loss as the autograd path of the trainer builds it, from the model's own forward.
torch::Tensor reference_loss(MoeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                             const torch::Tensor& probe, const StepLossWeights& weights) {
  const auto out = model.forward(x, Dispatch::Dense);
  auto total = torch::nn::functional::cross_entropy(out.logits, y);
  if (weights.entropy != 0.0) {
    const auto share = routed_share(out.router_probs, out.topk_indices);
    total = total - weights.entropy * entropy_balance_of_share(share);
  }
  if (weights.diversity != 0.0 && model.num_experts() >= 2) {
    const auto hidden = weights.projection_fix ? model.project(probe)
                                               : bypass_projection(probe, model.hidden_dim());
    total = total + weights.diversity * expert_output_similarity(model.all_expert_outputs(hidden));
  }
  return total;
}

std::vector<torch::Tensor> gradients_of(MoeModelImpl& model) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : model.parameters()) grads.push_back(p.grad().clone());
  return grads;
}

void clear_gradients(MoeModelImpl& model) {
  for (auto& p : model.parameters()) p.mutable_grad() = torch::Tensor();
}

// Largest gradient error relative to the largest gradient entry of that parameter.
double worst_relative_error(const std::vector<torch::Tensor>& a,
                            const std::vector<torch::Tensor>& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max(b[i].abs().max().item<double>(), 1e-6);
    worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>() / scale);
  }
  return worst;
}

}  // namespace

class TestFusedStep : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { torch::manual_seed(11); }

  void matchesAutograd_data() {
    QTest::addColumn<int>("experts");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("inputs");
    QTest::addColumn<int>("hidden");
    QTest::addColumn<int>("batch");
    QTest::addColumn<double>("entropy");
    QTest::addColumn<double>("diversity");
    QTest::addColumn<bool>("projectionFix");
    QTest::newRow("default shape, all fixes") << 2 << 2 << 20 << 20 << 17 << 0.1 << 0.05 << true;
    QTest::newRow("5 experts k2") << 5 << 2 << 20 << 20 << 17 << 0.1 << 0.05 << true;
    QTest::newRow("5 experts k1") << 5 << 1 << 20 << 20 << 9 << 0.1 << 0.05 << true;
    QTest::newRow("projection bug, D == H") << 4 << 2 << 20 << 20 << 17 << 0.1 << 0.05 << false;
    QTest::newRow("projection bug, D > H (cut)") << 4 << 2 << 30 << 20 << 17 << 0.1 << 0.05 << false;
    QTest::newRow("projection bug, D < H (pad)") << 4 << 2 << 12 << 20 << 17 << 0.1 << 0.05 << false;
    QTest::newRow("no entropy term") << 3 << 2 << 20 << 20 << 17 << 0.0 << 0.05 << true;
    QTest::newRow("no diversity term") << 3 << 2 << 20 << 20 << 17 << 0.1 << 0.0 << true;
    QTest::newRow("one expert") << 1 << 2 << 20 << 20 << 17 << 0.1 << 0.05 << true;
    QTest::newRow("heavy weights") << 6 << 3 << 20 << 20 << 33 << 2.0 << 1.0 << true;
    QTest::newRow("single sample") << 3 << 2 << 20 << 20 << 1 << 0.1 << 0.05 << true;
  }
  void matchesAutograd() {
    QFETCH(int, experts);
    QFETCH(int, k);
    QFETCH(int, inputs);
    QFETCH(int, hidden);
    QFETCH(int, batch);
    QFETCH(double, entropy);
    QFETCH(double, diversity);
    QFETCH(bool, projectionFix);
    const int classes = 5;
    MoeModel model(inputs, classes, model_config(experts, k, hidden));
    const auto probe = torch::randn({13, inputs});
    const auto x = torch::randn({batch, inputs});
    const auto y = torch::randint(classes, {batch}, torch::kLong);
    const StepLossWeights weights{entropy, diversity, projectionFix};

    auto reference = reference_loss(*model, x, y, probe, weights);
    reference.backward();
    const auto expected = gradients_of(*model);
    clear_gradients(*model);

    FusedDenseStep step(probe);
    const auto losses = step.run(*model, x, y, weights);
    QVERIFY(std::abs(losses.scalars.total - reference.item<double>()) < 1e-5);
    QVERIFY2(worst_relative_error(gradients_of(*model), expected) < 1e-4,
             qPrintable(QString::number(worst_relative_error(gradients_of(*model), expected))));
  }

  void reportsTheStatisticsTheChartsShow() {
    MoeModel model(20, 5, model_config(4, 2, 20));
    const auto probe = torch::randn({13, 20});
    const auto x = torch::randn({40, 20});
    const auto y = torch::randint(5, {40}, torch::kLong);
    FusedDenseStep step(probe);
    const auto losses = step.run(*model, x, y, {0.1, 0.05, true});

    torch::NoGradGuard no_grad;
    const auto out = model->forward(x, Dispatch::Dense);
    const auto share = routed_share(out.router_probs, out.topk_indices);
    QCOMPARE(static_cast<std::int64_t>(losses.usage.size()), std::int64_t{4});
    for (int e = 0; e < 4; ++e) QVERIFY(std::abs(losses.usage[e] - share[e].item<double>()) < 1e-6);
    QVERIFY(std::abs(losses.scalars.usage_entropy - usage_entropy_of_share(share).item<double>()) <
            1e-5);
    QVERIFY(std::abs(losses.scalars.sample_entropy -
                     mean_sample_entropy(out.router_probs).item<double>()) < 1e-5);
    QCOMPARE(losses.scalars.correct, (out.logits.argmax(1) == y).sum().item<std::int64_t>());
  }

  void labelOutsideTheClassesIsRefusedNotRead() {
    MoeModel model(20, 5, model_config(2, 2, 20));
    FusedDenseStep step(torch::randn({13, 20}));
    const auto y = torch::tensor({0, 5, 1}, torch::kLong);
    QVERIFY_THROWS_EXCEPTION(c10::Error, step.run(*model, torch::randn({3, 20}), y, {0.1, 0.05, true}));
  }

  void autogradStepAfterAFusedStepAndASplitStillWorks() {
    MoeModel model(20, 5, model_config(2, 2, 20));
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
    const auto probe = torch::randn({13, 20});
    const auto x = torch::randn({17, 20});
    const auto y = torch::randint(5, {17}, torch::kLong);
    FusedDenseStep step(probe);
    step.run(*model, x, y, {0.1, 0.05, true});
    adam_update(adam);
    split_expert(*model, adam, 0, 0.01, {});
    step.run(*model, x, y, {0.1, 0.05, true});  // new shapes after the split
    adam_update(adam);
    adam.zero_grad();  // detaches gradients in place: they must not be views
    reference_loss(*model, x, y, probe, {0.1, 0.05, true}).backward();
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
