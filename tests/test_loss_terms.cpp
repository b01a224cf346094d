// Every loss term's fused half against its autograd reference (training/loss_term.h), evaluated
// exactly (in double precision), term by term and combined, over the shapes a run reaches (1-24
// experts, k 1-3, D == H, D > H, D < H with the projection bug; with more experts than slots, so
// that some experts get no sample), with a fresh workspace, a reused one, after a split, a prune
// and a revival, and with the bias balancer's selection bias choosing the top k; with the dense
// and the routed mixture, and with the diversity probe on every expert or on a subset of them.
// A term is checked
// alone at weight 1, so its gradient is compared on its own scale: a small-weight term cannot hide
// under the cross-entropy's gradient.
#include <torch/torch.h>

#include <QtTest>

#include "growth/expert_pruner.h"
#include "growth/expert_reviver.h"
#include "growth/expert_splitter.h"
#include "model/moe_model.h"
#include "training/fused_step.h"
#include "training/loss_term.h"

using namespace moelab;

namespace {

constexpr int kClasses = 5;
constexpr double kValueTolerance = 1e-5;  // relative, float sums in another order
// A gradient against the exact one (the reference in double precision): relative to its scale, or
// within kRoundoffFactor times the round-off of LibTorch's own float32 autograd on the same term,
// whichever allows more (see worst_gradient_error).
constexpr double kGradientTolerance = 1e-4;
constexpr double kRoundoffFactor = 4.0;

// The state the measured step starts from: a fresh or reused workspace; after a split, after
// --prune-dormant removed an expert, after --revive-dormant rewrote one (shapes and rows the
// workspace was not made for); the bias balancer's selection bias choosing the top k.
enum class Workspace { Fresh, Reused, AfterSplit, AfterPrune, AfterRevive, SelectionBias };

struct Shape {
  int experts, k, inputs, hidden, batch;
  bool projection_fix;
  const char* name;
};

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> all = {
      {1, 1, 20, 20, 17, true, "1 expert"},
      {2, 1, 20, 20, 17, true, "2 experts k1"},
      {2, 2, 20, 20, 17, true, "2 experts k2 (default)"},
      {3, 3, 20, 20, 17, true, "3 experts k3"},
      {5, 2, 20, 20, 17, true, "5 experts k2"},
      {5, 1, 20, 20, 9, true, "5 experts k1"},
      {8, 3, 20, 20, 17, true, "8 experts k3"},
      {12, 2, 20, 20, 33, true, "12 experts k2"},
      {4, 2, 20, 20, 17, false, "projection bug D == H"},
      {4, 2, 30, 20, 17, false, "projection bug D > H (cut)"},
      {4, 1, 12, 20, 17, false, "projection bug D < H (pad)"},
      {3, 2, 20, 20, 1, true, "single sample"},
      {16, 2, 20, 20, 5, true, "16 experts k2, most without samples"},
      {24, 1, 20, 20, 7, true, "24 experts k1, most without samples"},
  };
  return all;
}

ModelConfig model_config(const Shape& s) {
  ModelConfig c;
  c.hidden = s.hidden;
  c.expert_hidden = 12;
  c.initial_experts = s.experts;
  c.top_k = s.k;
  c.max_experts = 16;
  return c;
}

std::vector<torch::Tensor> gradients_of(MoeModelImpl& model) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : model.parameters()) {
    grads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  }
  return grads;
}

void clear_gradients(MoeModelImpl& model) {
  for (auto& p : model.parameters()) p.mutable_grad() = torch::Tensor();
}

// Float32 round-off is what separates a correct fused gradient from the exact one, and its size
// follows what the backward pass adds up, not the result. A term whose gradient is exactly zero
// still sums entries of order 1 into that zero: the balance terms when every expert is in every
// top k (k = E, e.g. 3 experts at k = 2 after a prune), where the slot share is even whatever the
// router does, carry a gradient of order 1 on the router probabilities that the softmax's backward
// cancels to zero, leaving noise of order 1e-8 in float32 on a single sample (1e-9 over 17
// samples, where it averages out). A fixed floor cannot tell such noise from a small genuine
// gradient, so each parameter is allowed the larger of
//   - kGradientTolerance of its scale: its largest exact entry, or a thousandth of the term's
//     largest entry over all parameters if that is more (a parameter the term barely moves is not
//     judged alone), and
//   - kRoundoffFactor times `roundoff`, the largest deviation of LibTorch's float32 autograd
//     gradient of the same term from the exact one, over all parameters: what float32 arithmetic
//     costs on this very computation. The fused step adds up in other orders, so its round-off has
//     that size, not the same value: over the 40 cases whose exact gradient is zero, the fused
//     step's deviation was at most 1.6 times autograd's (0.5 times on the single sample).
// Returns the worst error over what is allowed: 1 or less passes.
double worst_gradient_error(const std::vector<torch::Tensor>& got,
                            const std::vector<torch::Tensor>& exact, double roundoff) {
  double overall = 0.0;
  for (const auto& e : exact) overall = std::max(overall, e.abs().max().item<double>());
  double worst = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double error = (got[i].to(torch::kDouble) - exact[i]).abs().max().item<double>();
    if (error == 0.0) continue;
    const double scale = std::max(exact[i].abs().max().item<double>(), 1e-3 * overall);
    const double allowed = std::max(kGradientTolerance * scale, kRoundoffFactor * roundoff);
    worst = std::max(worst, error / allowed);
  }
  return worst;
}

double largest_deviation(const std::vector<torch::Tensor>& got,
                         const std::vector<torch::Tensor>& exact) {
  double largest = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    largest = std::max(largest, (got[i].to(torch::kDouble) - exact[i]).abs().max().item<double>());
  }
  return largest;
}

}  // namespace

class TestLossTerms : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { torch::manual_seed(11); }

  void catalogNamesEveryTermOnce() {
    const auto& catalog = loss_term_catalog();
    QCOMPARE(catalog.size(), make_loss_terms({}).size());
    QCOMPARE(catalog.front().name, std::string("cross_entropy"));
    for (std::size_t a = 0; a < catalog.size(); ++a) {
      for (std::size_t b = a + 1; b < catalog.size(); ++b)
        QVERIFY(catalog[a].name != catalog[b].name);
    }
  }

  void fusedMatchesReference_data() {
    QTest::addColumn<int>("shape");
    QTest::addColumn<QString>("weights");  // "term:<i>" alone at weight 1, or "combined", "heavy"
    QTest::addColumn<int>("diversityLoss");
    QTest::addColumn<int>("workspace");
    QTest::addColumn<bool>("routed");
    QTest::addColumn<bool>("probeSubset");  // the probe on every other expert, not all
    const auto terms = make_loss_terms({});
    std::vector<QString> cases = {"combined", "heavy"};
    for (std::size_t t = 0; t < terms.size(); ++t) cases.push_back(QString("term:%1").arg(t));
    for (int s = 0; s < static_cast<int>(shapes().size()); ++s) {
      for (const auto& weights : cases) {
        for (const auto loss : {DiversityLoss::SignedCosine, DiversityLoss::SquaredCosine}) {
          for (const auto ws :
               {Workspace::Fresh, Workspace::Reused, Workspace::AfterSplit, Workspace::AfterPrune,
                Workspace::AfterRevive, Workspace::SelectionBias}) {
            // Pruning and reviving need a second expert.
            if ((ws == Workspace::AfterPrune || ws == Workspace::AfterRevive) &&
                shapes()[s].experts < 2) {
              continue;
            }
            const char* ws_name = ws == Workspace::Fresh         ? "fresh"
                                  : ws == Workspace::Reused      ? "reused"
                                  : ws == Workspace::AfterSplit  ? "after split"
                                  : ws == Workspace::AfterPrune  ? "after prune"
                                  : ws == Workspace::AfterRevive ? "after revive"
                                                                 : "selection bias";
            for (const bool routed : {false, true}) {
              for (const bool subset : {false, true}) {
                // A subset needs three experts (two of them on the probe) and a probe term on.
                if (subset &&
                    (shapes()[s].experts < 4 || (weights != "combined" && weights != "term:2"))) {
                  continue;
                }
                QTest::addRow("%s, %s, %s, %s, %s%s", shapes()[s].name, qPrintable(weights),
                              to_string(loss), ws_name, routed ? "routed" : "dense",
                              subset ? ", probe subset" : "")
                    << s << weights << static_cast<int>(loss) << static_cast<int>(ws) << routed
                    << subset;
              }
            }
          }
        }
      }
    }
  }

  void fusedMatchesReference() {
    QFETCH(int, shape);
    QFETCH(QString, weights);
    QFETCH(int, diversityLoss);
    QFETCH(int, workspace);
    QFETCH(bool, routed);
    QFETCH(bool, probeSubset);
    const Shape& s = shapes()[shape];
    TrainingConfig training;
    training.diversity_loss = static_cast<DiversityLoss>(diversityLoss);
    const auto terms = make_loss_terms(training);
    StepSettings settings;
    settings.projection_fix = s.projection_fix;
    settings.routed = routed;
    if (weights == "combined") {
      // cross_entropy, entropy, diversity, switch, z_loss: every term at a typical weight.
      settings.weights = {1.0, 0.1, 0.05, 0.01, 0.001};
    } else if (weights == "heavy") {
      settings.weights = {1.0, 2.0, 1.0, 1.0, 1.0};
    } else {
      settings.weights.assign(terms.size(), 0.0);
      settings.weights[weights.mid(5).toUInt()] = 1.0;
    }
    QCOMPARE(settings.weights.size(), terms.size());

    MoeModel model(s.inputs, kClasses, model_config(s));
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
    const auto probe = torch::randn({13, s.inputs});
    const auto x = torch::randn({s.batch, s.inputs});
    const auto y = torch::randint(kClasses, {s.batch}, torch::kLong);
    FusedStep step(probe, terms);
    if (workspace != static_cast<int>(Workspace::Fresh)) {
      // A larger batch first: the measured call then runs in buffers made for another batch.
      step.run(*model, torch::randn({s.batch + 8, s.inputs}),
               torch::randint(kClasses, {s.batch + 8}, torch::kLong), settings);
    }
    switch (static_cast<Workspace>(workspace)) {
      case Workspace::AfterSplit:
        split_expert(*model, adam, 0, 0.05, c10::nullopt, SplitMode::Seed);
        break;
      case Workspace::AfterPrune:
        prune_expert(*model, adam, 0);
        break;
      case Workspace::AfterRevive:
        revive_expert(*model, adam, 0, model->num_experts() - 1, 0.05, c10::nullopt);
        break;
      case Workspace::SelectionBias:
        // Large enough to overturn many samples' choice (probabilities are ~1/E apart).
        model->selection_bias().copy_(torch::randn({model->num_experts()}) * 0.3);
        model->use_selection_bias(true);
        break;
      default:
        break;
    }
    if (probeSubset) {
      // Every other expert of those the measured step has (after a prune, three).
      for (std::int64_t e = 0; e < model->num_experts(); e += 2)
        settings.probe_experts.push_back(e);
    }
    clear_gradients(*model);
    const auto losses = step.run(*model, x, y, settings);
    const auto fused = gradients_of(*model);
    clear_gradients(*model);

    const auto out = model->forward(x, Dispatch::Dense);
    const auto in =
        reference_inputs(*model, out, y, probe, s.projection_fix, settings.probe_experts);
    const auto reference = weighted_references(terms, in, settings.weights, model->num_experts());
    torch::Tensor total = torch::zeros({});
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const double expected = reference[t].item<double>();
      QVERIFY2(std::abs(losses.scalars.terms[t] - expected) <=
                   kValueTolerance * std::max(1.0, std::abs(expected)),
               qPrintable(QString("%1: fused %2, reference %3")
                              .arg(terms[t]->name())
                              .arg(losses.scalars.terms[t])
                              .arg(expected)));
      total = total + reference[t];
    }
    QVERIFY(std::abs(losses.scalars.total - total.item<double>()) <=
            kValueTolerance * std::max(1.0, std::abs(total.item<double>())));
    if (!total.requires_grad()) {
      for (const auto& g : fused) QCOMPARE(g.abs().max().item<double>(), 0.0);
      return;
    }
    total.backward();
    const auto autograd32 = gradients_of(*model);

    // The exact gradient: the same references on the same model and data in double precision.
    clear_gradients(*model);
    model->to(torch::kDouble);
    const auto x64 = x.to(torch::kDouble);
    const auto out64 = model->forward(x64, Dispatch::Dense);
    const auto in64 = reference_inputs(*model, out64, y, probe.to(torch::kDouble), s.projection_fix,
                                       settings.probe_experts);
    torch::Tensor total64 = torch::zeros({}, torch::kDouble);
    for (const auto& r : weighted_references(terms, in64, settings.weights, model->num_experts())) {
      total64 = total64 + r;
    }
    total64.backward();
    const auto exact = gradients_of(*model);

    const double roundoff = largest_deviation(autograd32, exact);
    const double error = worst_gradient_error(fused, exact, roundoff);
    double largest = 0.0;
    for (const auto& e : exact) largest = std::max(largest, e.abs().max().item<double>());
    QVERIFY2(error <= 1.0, qPrintable(QString("error %1 of what is allowed; largest exact gradient "
                                              "%2, float32 autograd round-off %3")
                                          .arg(error)
                                          .arg(largest)
                                          .arg(roundoff)));
  }

  void topOneRoutingLetsTheTaskMoveTheRouter() {
    // With k = 1 the gate is the raw probability; renormalised it would be p / p = 1 and the
    // cross-entropy would give the router no gradient at all.
    Shape s{4, 1, 20, 20, 33, true, "k1"};
    MoeModel model(s.inputs, kClasses, model_config(s));
    const auto terms = make_loss_terms({});
    FusedStep step(torch::randn({13, s.inputs}), terms);
    const auto losses = step.run(*model, torch::randn({s.batch, s.inputs}),
                                 torch::randint(kClasses, {s.batch}, torch::kLong),
                                 {{1.0, 0.0, 0.0, 0.0, 0.0}, true, false, {}});
    QVERIFY(losses.scalars.router_task_grad_norm > 1e-4);
    QVERIFY(model->router_weight().grad().abs().max().item<double>() > 1e-5);
  }

  void routerTaskGradientMatchesAutogradPerExpert() {
    Shape s{6, 2, 20, 20, 40, true, "6 experts"};
    MoeModel model(s.inputs, kClasses, model_config(s));
    const auto terms = make_loss_terms({});
    const auto probe = torch::randn({13, s.inputs});
    const auto x = torch::randn({s.batch, s.inputs});
    const auto y = torch::randint(kClasses, {s.batch}, torch::kLong);
    FusedStep step(probe, terms);
    const auto losses = step.run(*model, x, y, {{1.0, 0.1, 0.05, 0.0, 0.0}, true, false, {}});
    const auto out = model->forward(x, Dispatch::Dense);
    const auto task = torch::nn::functional::cross_entropy(out.logits, y);
    const auto grad = torch::autograd::grad({task}, {model->router_weight()})[0];
    const auto rows = grad.norm(2, {1});
    for (std::int64_t e = 0; e < 6; ++e) {
      QVERIFY(std::abs(losses.router_task_grad[e] - rows[e].item<double>()) <
              1e-5 + 1e-4 * rows[e].item<double>());
    }
    QVERIFY(std::abs(losses.scalars.router_task_grad_norm - grad.norm().item<double>()) < 1e-5);
  }
};

QTEST_GUILESS_MAIN(TestLossTerms)
#include "test_loss_terms.moc"
