#pragma once
// Reports made by hand for the chart suites (test_ui_charts, test_ui_chart_contents,
// test_ui_curve_processing): steps and epochs as a run would report them, fed to a ChartPanel.

#include <QStringList>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "charts/chart_panel.h"
#include "training/loss_term_catalog.h"

namespace chart_test {

using moelab::EpochMetrics;
using moelab::StepMetrics;
using moelab::ui::ChartPanel;

constexpr int kStepsPerEpoch = 20;
constexpr int kLogInterval = 5;

inline StepMetrics make_step(std::int64_t step, int experts = 4) {
  StepMetrics m;
  m.step = step;
  m.epoch = static_cast<int>((step - 1) / kStepsPerEpoch) + 1;
  m.wall_seconds = 0.1 * static_cast<double>(step);
  // Term i of the catalog: a falling first term (the task), small constants after it.
  const std::size_t terms = moelab::loss_term_catalog().size();
  for (std::size_t i = 0; i < terms; ++i) {
    m.loss_terms.push_back(i == 0 ? 2.0 / (1.0 + 0.01 * static_cast<double>(step))
                                  : 0.01 * static_cast<double>(i + 1));
    m.loss_total += m.loss_terms.back();
  }
  m.usage_entropy = 0.9;
  m.sample_entropy = 0.6;
  m.train_accuracy = 0.5;
  m.slot_share.assign(static_cast<std::size_t>(experts), 1.0f / static_cast<float>(experts));
  return m;
}

inline EpochMetrics make_epoch(int epoch, int experts = 4, std::vector<int> dormant = {}) {
  EpochMetrics m;
  m.epoch = epoch;
  m.step = static_cast<std::int64_t>(epoch) * kStepsPerEpoch;
  m.wall_seconds = 0.1 * static_cast<double>(m.step) + 0.05;
  m.train_accuracy = 0.5 + 0.01 * epoch;
  m.val_accuracy = 0.45 + 0.01 * epoch;
  m.experts = experts;
  double squares = 0;
  for (int e = 0; e < experts; ++e) {
    const bool is_dormant = std::find(dormant.begin(), dormant.end(), e) != dormant.end();
    m.utilization.push_back(is_dormant ? 0.01f : 0.4f);
    // A dormant expert is in no sample's top-k: the task no longer reaches its router row.
    m.router_task_grad.push_back(is_dormant ? 0.0f : 0.01f * static_cast<float>(e + 1));
    squares += m.router_task_grad.back() * m.router_task_grad.back();
  }
  m.router_task_grad_norm = std::sqrt(squares);
  m.effective_experts = experts - static_cast<double>(dormant.size()) * 0.9;
  m.load_violation = 0.1 * epoch;
  m.dormant = dormant;
  for (int c = 0; c < 10; ++c) {
    std::vector<float> row(static_cast<std::size_t>(experts), 0.0f);
    row[static_cast<std::size_t>(c % experts)] = 1.0f;
    m.routing_matrix.push_back(row);
  }
  return m;
}

// Feeds whole epochs the way the trainer reports them: a step report every kLogInterval steps,
// then the epoch.
inline void feed_epochs(ChartPanel& panel, int first_epoch, int last_epoch, int experts = 4) {
  for (int epoch = first_epoch; epoch <= last_epoch; ++epoch) {
    const std::int64_t start = static_cast<std::int64_t>(epoch - 1) * kStepsPerEpoch;
    for (std::int64_t s = start + kLogInterval; s <= start + kStepsPerEpoch; s += kLogInterval) {
      panel.add_step(make_step(s, experts));
    }
    panel.add_epoch(make_epoch(epoch, experts));
  }
}

inline QStringList digit_names() {
  QStringList names;
  for (int i = 0; i < 10; ++i) names << QString::number(i);
  return names;
}

}  // namespace chart_test
