// The model's mechanics: shapes, gating, dispatch equivalence, splits and the optimiser's state.
#include <torch/torch.h>

#include "growth/dormant_choice.h"
#include "growth/expert_pruner.h"
#include "growth/expert_reviver.h"
#include "growth/expert_splitter.h"
#include "growth/split_release.h"
#include "growth/optimizer_state_growth.h"
#include "model/moe_model.h"
#include "training/routing_losses.h"
#include "training/selection_bias.h"

#include <QtTest>

using namespace moelab;

class TestModel : public QObject {
  Q_OBJECT

 private:
  static ModelConfig small_config(int experts = 3, int k = 2) {
    ModelConfig c;
    c.hidden = 16;
    c.expert_hidden = 8;
    c.initial_experts = experts;
    c.top_k = k;
    c.max_experts = 12;
    return c;
  }

  // A small model, its Adam and one batch to train on: the growth tests step it before and after
  // changing its experts, so that the optimiser has state to keep or lose.
  struct SmallTraining {
    explicit SmallTraining(int experts)
        : model(10, 4, small_config(experts, 2)),
          optimizer(model->parameters(), torch::optim::AdamOptions(1e-2)),
          x(torch::randn({16, 10})),
          y(torch::randint(0, 4, {16}, torch::kLong)) {}
    void step() {
      optimizer.zero_grad();
      torch::nn::functional::cross_entropy(model->forward(x).logits, y).backward();
      optimizer.step();
    }
    MoeModel model;
    torch::optim::Adam optimizer;
    torch::Tensor x, y;
  };

 private Q_SLOTS:
  void init() { torch::manual_seed(7); }

  void forwardShapesAndGates() {
    MoeModel model(10, 4, small_config());
    const auto out = model->forward(torch::randn({5, 10}));
    QCOMPARE(out.logits.sizes(), (c10::IntArrayRef{5, 4}));
    QCOMPARE(out.router_probs.sizes(), (c10::IntArrayRef{5, 3}));
    QCOMPARE(out.topk_indices.sizes(), (c10::IntArrayRef{5, 2}));
    QVERIFY(torch::allclose(out.gates.sum(1), torch::ones({5})));
    QVERIFY(torch::allclose(out.router_probs.sum(1), torch::ones({5})));
  }

  void topOneGatesByTheRawProbability() {
    // Renormalised over one expert every gate would be p / p = 1 (Switch Transformer's reason).
    MoeModel model(10, 4, small_config(3, 1));
    const auto out = model->forward(torch::randn({5, 10}));
    QVERIFY(torch::allclose(out.gates.squeeze(1), std::get<0>(out.router_probs.max(1))));
    QVERIFY((out.gates < 1.0).all().item<bool>());
  }

  void topKNeverExceedsExperts() {
    MoeModel model(10, 4, small_config(1, 2));
    const auto out = model->forward(torch::randn({3, 10}));
    QCOMPARE(out.topk_indices.size(1), 1);
    QVERIFY(torch::allclose(out.gates, torch::ones({3, 1})));
  }

  void denseAndRoutedDispatchAgree_data() {
    QTest::addColumn<int>("experts");
    QTest::addColumn<int>("k");
    QTest::newRow("2 experts k1") << 2 << 1;
    QTest::newRow("4 experts k2") << 4 << 2;
    QTest::newRow("12 experts k2") << 12 << 2;
  }
  void denseAndRoutedDispatchAgree() {
    QFETCH(int, experts);
    QFETCH(int, k);
    MoeModel model(10, 4, small_config(experts, k));
    const auto x = torch::randn({33, 10});
    const auto dense = model->forward(x, Dispatch::Dense).logits;
    const auto routed = model->forward(x, Dispatch::Routed).logits;
    QVERIFY(torch::allclose(dense, routed, 1e-5, 1e-5));
    // Gradients agree too: routed dispatch is an optimisation, not a different model.
    dense.sum().backward();
    std::vector<torch::Tensor> dense_grads;
    for (auto& p : model->parameters()) dense_grads.push_back(p.grad().clone());
    for (auto& p : model->parameters()) p.mutable_grad().zero_();
    model->forward(x, Dispatch::Routed).logits.sum().backward();
    const auto params = model->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      QVERIFY(torch::allclose(dense_grads[i], params[i].grad(), 1e-4, 1e-5));
    }
  }

  void splitWithZeroNoiseKeepsRouterMass() {
    MoeModel model(10, 4, small_config(3, 2));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    const auto x = torch::randn({50, 10});
    torch::NoGradGuard no_grad;
    const auto before = model->forward(x).router_probs;
    const auto child = split_expert(*model, optimizer, 1, 0.0);
    QCOMPARE(child, 3);
    QCOMPARE(model->num_experts(), 4);
    const auto after = model->forward(x).router_probs;
    QVERIFY(torch::allclose(after.select(1, 1) + after.select(1, 3), before.select(1, 1), 1e-6,
                            1e-6));
    QVERIFY(torch::allclose(after.select(1, 0), before.select(1, 0), 1e-6, 1e-6));
    QVERIFY(torch::allclose(after.select(1, 2), before.select(1, 2), 1e-6, 1e-6));
  }

  void preservingSplitKeepsTheOutputsAndReleasesToTheSeedSplit_data() {
    QTest::addColumn<int>("experts");
    QTest::addColumn<int>("k");
    QTest::newRow("2 experts k2: every sample chose the parent") << 2 << 2;
    QTest::newRow("3 experts k1") << 3 << 1;
    QTest::newRow("1 expert k2: the child enters the top k") << 1 << 2;
  }
  void preservingSplitKeepsTheOutputsAndReleasesToTheSeedSplit() {
    QFETCH(int, experts);
    QFETCH(int, k);
    MoeModel model(10, 4, small_config(experts, k));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    const auto x = torch::randn({200, 10});
    torch::NoGradGuard no_grad;
    const auto before = model->forward(x).logits;
    const auto parent_bias = model->router_bias()[0].item<double>();
    const auto child = split_expert(*model, optimizer, 0, 0.0, c10::nullopt, SplitMode::Preserving);
    const auto after = model->forward(x).logits;
    QVERIFY(torch::allclose(after, before, 1e-6, 1e-6));
    QVERIFY(torch::equal(after.argmax(1), before.argmax(1)));
    // Released over 4 steps: the biases end where the seed's split puts them.
    SplitRelease release(4);
    release.add(0, child);
    for (int step = 0; step < 4; ++step) release.advance(*model);
    QVERIFY(!release.pending());
    const double seed_split = parent_bias - std::log(2.0);
    QVERIFY(std::abs(model->router_bias()[0].item<double>() - seed_split) < 1e-5);
    QVERIFY(std::abs(model->router_bias()[child].item<double>() - seed_split) < 1e-5);
  }

  void seedSplitChangesTheTopKMixture() {
    // The seed's split keeps the parent + child router mass, not the mixture: at 2 experts and
    // k = 2 every sample chose the parent, and now parent and child split its slot share.
    MoeModel model(10, 4, small_config(2, 2));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    const auto x = torch::randn({200, 10});
    torch::NoGradGuard no_grad;
    const auto before = model->forward(x).logits;
    split_expert(*model, optimizer, 0, 0.0, c10::nullopt, SplitMode::Seed);
    QVERIFY(!torch::allclose(model->forward(x).logits, before, 1e-4, 1e-4));
  }

  void splitWithNoiseMakesChildDiffer() {
    MoeModel model(10, 4, small_config(2, 2));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    split_expert(*model, optimizer, 0, 0.05);
    torch::NoGradGuard no_grad;
    const auto outputs = model->all_expert_outputs(model->project(torch::randn({8, 10})));
    QVERIFY(!torch::allclose(outputs[0], outputs[2]));
    QVERIFY(torch::allclose(outputs[0], outputs[2], 0.5, 0.5));  // a close copy
  }

  // The bias balancer: the bias changes which experts are chosen, never the gates' values for a
  // given choice (they stay the router's own probabilities, renormalised over the chosen).
  void selectionBiasChoosesButNeverGates_data() {
    QTest::addColumn<int>("k");
    QTest::newRow("k1") << 1;
    QTest::newRow("k2") << 2;
  }
  void selectionBiasChoosesButNeverGates() {
    QFETCH(int, k);
    MoeModel model(10, 4, small_config(5, k));
    const auto x = torch::randn({64, 10});
    const auto plain = model->forward(x);
    model->selection_bias().copy_(torch::tensor({0.5f, 0.0f, 0.0f, 0.0f, -0.5f}));
    model->use_selection_bias(true);
    const auto biased = model->forward(x);
    // The choice moved (towards expert 0, away from expert 4) ...
    QVERIFY(!torch::equal(plain.topk_indices, biased.topk_indices));
    QVERIFY((biased.topk_indices == 0).sum().item<std::int64_t>() >
            (plain.topk_indices == 0).sum().item<std::int64_t>());
    QCOMPARE((biased.topk_indices == 4).sum().item<std::int64_t>(), std::int64_t{0});
    // ... the probabilities did not, and the gates are those probabilities at the choice.
    QVERIFY(torch::equal(plain.router_probs, biased.router_probs));
    auto chosen = biased.router_probs.gather(1, biased.topk_indices);
    if (k > 1) chosen = chosen / chosen.sum(1, true);
    QVERIFY(torch::equal(biased.gates, chosen));
    // The choice is the top k of probability + bias.
    const auto expected = std::get<1>((biased.router_probs + model->selection_bias()).topk(k, 1));
    QVERIFY(torch::equal(biased.topk_indices, expected));
    // Off, the bias is kept but not applied.
    model->use_selection_bias(false);
    QVERIFY(torch::equal(model->forward(x).topk_indices, plain.topk_indices));
  }

  void selectionBiasMovesTowardsAnEvenLoad() {
    auto bias = torch::zeros({4});
    nudge_selection_bias(bias, {0.55, 0.25, 0.2, 0.0}, 0.01);
    QVERIFY(torch::equal(bias, torch::tensor({-0.01f, 0.0f, 0.01f, 0.01f})));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, nudge_selection_bias(bias, {0.5, 0.5}, 0.01));
  }

  void splitPruneAndReviveCarryTheSelectionBias() {
    MoeModel model(10, 4, small_config(3, 2));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
    model->selection_bias().copy_(torch::tensor({0.1f, 0.2f, 0.3f}));
    split_expert(*model, optimizer, 1, 0.01);
    QVERIFY(torch::equal(model->selection_bias(), torch::tensor({0.1f, 0.2f, 0.3f, 0.2f})));
    prune_expert(*model, optimizer, 0);
    QVERIFY(torch::equal(model->selection_bias(), torch::tensor({0.2f, 0.3f, 0.2f})));
    revive_expert(*model, optimizer, 2, 1, 0.01);
    QVERIFY(torch::equal(model->selection_bias(), torch::tensor({0.2f, 0.3f, 0.3f})));
  }

  void pruneRemovesTheExpertsRowsAndOptimizerState() {
    SmallTraining t(4);
    auto& model = t.model;
    auto& optimizer = t.optimizer;
    const auto& x = t.x;
    t.step();
    std::vector<torch::Tensor> before, moments_before;
    for (const auto& p : model->expert_parameters()) {
      before.push_back(p.detach().clone());
      const auto& s = static_cast<torch::optim::AdamParamState&>(
          *optimizer.state().at(c10::guts::to_string(p.unsafeGetTensorImpl())));
      moments_before.push_back(s.exp_avg().clone());
    }
    prune_expert(*model, optimizer, 1);
    QCOMPARE(model->num_experts(), std::int64_t{3});
    const auto kept = torch::tensor({0, 2, 3}, torch::kLong);
    const auto params = model->expert_parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      QVERIFY(torch::equal(params[i], before[i].index_select(0, kept)));
      const auto& s = static_cast<torch::optim::AdamParamState&>(
          *optimizer.state().at(c10::guts::to_string(params[i].unsafeGetTensorImpl())));
      QVERIFY(torch::equal(s.exp_avg(), moments_before[i].index_select(0, kept)));
      QCOMPARE(s.exp_avg_sq().sizes(), params[i].sizes());
    }
    t.step();  // training goes on at the new shapes
    QCOMPARE(model->forward(x).router_probs.size(1), 3);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, prune_expert(*model, optimizer, 3));
  }

  void reviveCopiesTheBusiestAndSharesItsRoutingMass() {
    MoeModel model(10, 4, small_config(3, 2));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
    const auto x = torch::randn({32, 10});
    const auto probs_before = model->forward(x).router_probs.detach();
    revive_expert(*model, optimizer, 0, 2, 0.0);
    const auto probs_after = model->forward(x).router_probs.detach();
    // With zero noise the two copies share what expert 2 held, half each: against expert 1 they
    // weigh together what expert 2 weighed (the dormant expert's old share is given back to all).
    QVERIFY(torch::allclose(probs_after.select(1, 0), probs_after.select(1, 2)));
    QVERIFY(torch::allclose((probs_after.select(1, 0) + probs_after.select(1, 2)) /
                                probs_after.select(1, 1),
                            probs_before.select(1, 2) / probs_before.select(1, 1), 1e-4, 1e-6));
    for (const auto& p : model->expert_parameters()) QVERIFY(torch::equal(p[0], p[2]));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, revive_expert(*model, optimizer, 1, 1, 0.0));
  }

  void dormantChoiceTakesTheLeastUsedNotExcluded() {
    const std::vector<float> use = {0.9f, 0.01f, 0.0f, 1.09f};
    QCOMPARE(*least_used_dormant(use, 0.05, {}), std::int64_t{2});
    QCOMPARE(*least_used_dormant(use, 0.05, [](std::int64_t e) { return e == 2; }),
             std::int64_t{1});
    // Dormant means strictly under the threshold: at 0 no expert is (expert 2's 0.0 included).
    QVERIFY(!least_used_dormant(use, 0.0, {}).has_value());
    QCOMPARE(busiest_expert(use), std::int64_t{3});
  }

  void splitGrowsOptimizerStateAndKeepsSurvivors() {
    SmallTraining t(2);
    auto& model = t.model;
    auto& optimizer = t.optimizer;
    t.step();
    // A copy of the handle: expert_parameters() returns a temporary vector.
    const torch::Tensor w_in = model->expert_parameters()[2];
    const auto key = c10::guts::to_string(w_in.unsafeGetTensorImpl());
    auto& state = static_cast<torch::optim::AdamParamState&>(*optimizer.state().at(key));
    const auto survivor_moment = state.exp_avg().clone();
    split_expert(*model, optimizer, 1, 0.01);
    QCOMPARE(state.exp_avg().size(0), 3);
    QCOMPARE(state.exp_avg_sq().size(0), 3);
    QVERIFY(torch::equal(state.exp_avg().narrow(0, 0, 2), survivor_moment));
    QVERIFY(torch::equal(state.exp_avg()[2], survivor_moment[1]));  // child inherits parent's
    // Every grown parameter has state of its own shape, and training goes on.
    for (const auto& p : model->expert_parameters()) {
      const auto& s = static_cast<torch::optim::AdamParamState&>(
          *optimizer.state().at(c10::guts::to_string(p.unsafeGetTensorImpl())));
      QCOMPARE(s.exp_avg().sizes(), p.sizes());
    }
    const auto child_before = model->expert_parameters()[2][2].clone();
    t.step();
    QVERIFY(!torch::equal(model->expert_parameters()[2][2], child_before));
  }

  void diversityGradientReachesProjectionOnlyThroughIt() {
    // With the fix the probe goes through the projection, so the diversity loss trains it; with
    // the seed's bug it bypasses it and the projection gets no gradient from this loss.
    MoeModel model(16, 4, small_config(3, 2));
    const auto probe = torch::rand({12, 16});
    for (bool fix : {true, false}) {
      model->zero_grad();
      const auto hidden = fix ? model->project(probe) : bypass_projection(probe, 16);
      expert_output_similarity(model->all_expert_outputs(hidden)).backward();
      const auto grad = model->projection()->weight.grad();
      const bool reached = grad.defined() && grad.abs().sum().item<double>() > 0;
      QCOMPARE(reached, fix);
    }
  }

  void bypassProjectionPadsOrCuts() {
    const auto x = torch::ones({2, 5});
    QCOMPARE(bypass_projection(x, 5).size(1), 5);
    QCOMPARE(bypass_projection(x, 3).size(1), 3);
    const auto padded = bypass_projection(x, 8);
    QCOMPARE(padded.size(1), 8);
    QCOMPARE(padded.narrow(1, 5, 3).abs().sum().item<double>(), 0.0);
  }

  void entropyLossWakesADormantExpert() {
    // Routing where expert 2 never makes the top 2: the entropy term's gradient must raise its
    // logit, which the soft-mean entropy (already near its maximum) would barely do.
    auto logits = torch::tensor({{2.0, 1.9, 1.8}, {1.9, 2.0, 1.8}}).requires_grad_(true);
    const auto probs = torch::softmax(logits, 1);
    const auto topk = std::get<1>(probs.topk(2, 1));
    (-entropy_balance_objective(probs, topk)).backward();
    QVERIFY(logits.grad().select(1, 2).sum().item<double>() < 0);  // descent raises it
    QVERIFY(mean_usage_entropy(probs, topk).item<double>() < 0.64);  // log(2)/log(3) = 0.63
  }

  void utilisationSumsToK() {
    const auto topk = torch::tensor({{0, 1}, {0, 2}, {0, 1}, {1, 0}}, torch::kLong);
    const auto u = topk_utilization(topk, 4);
    QVERIFY(torch::allclose(u, torch::tensor({1.0, 0.75, 0.25, 0.0})));
  }
};

QTEST_APPLESS_MAIN(TestModel)
#include "test_model.moc"
