#pragma once
// The gated mixture of the routed dispatch with a hand-derived backward pass, for the fused
// training step (training/fused_step.h): each expert runs only on the samples that chose
// it, not on the whole batch.
//
// Why: the dense mixture runs every expert on every sample, so a step's expert work grows with
// the expert count E; here it grows with k. The batch's k slots per sample are grouped by expert
// (a counting sort, so the order is fixed and a run is the same byte for byte from one launch to
// the next), each expert's rows are gathered into one block, and each expert's two layers are two
// products on that block; the gated outputs are added back to their samples. An expert that no
// sample chose costs nothing but zeroing its gradient rows.
//
// Shapes, as the model stores its experts: w_in [E, H, F], b_in [E, 1, F], w_out [E, F, H],
// b_out [E, 1, H]; the mixture's input is the projected batch [B, H].

#include <cstdint>
#include <vector>

namespace moelab {

struct ExpertWeights {
  const float* w_in = nullptr;
  const float* b_in = nullptr;
  const float* w_out = nullptr;
  const float* b_out = nullptr;
};

struct ExpertGradients {
  float* w_in = nullptr;  // every entry written (=, not +=)
  float* b_in = nullptr;
  float* w_out = nullptr;
  float* b_out = nullptr;
};

class RoutedMixture {
 public:
  // mixed [B, H] = sum over each sample's k chosen experts of gate * expert(input row).
  // top_index [B, k]: the chosen experts; gate_matrix [B, E]: the gates at the chosen entries.
  void forward(const float* input, std::int64_t batch, std::int64_t hidden, std::int64_t inner,
               std::int64_t experts, std::int64_t k, const std::int64_t* top_index,
               const float* gate_matrix, const ExpertWeights& w, float* mixed);

  // From d(loss)/d(mixed) [B, H]: every expert parameter's gradient (experts without samples get
  // zeros), d(loss)/d(gate) at each sample's chosen entries of d_gate_matrix [B, E] (the other
  // entries are set to zero), and d(loss)/d(input) [B, H] (written, not added).
  void backward(const float* d_mixed, const float* gate_matrix, const ExpertWeights& w,
                const ExpertGradients& grad, float* d_gate_matrix, float* d_input);

  // Rows routed to expert e in the last forward pass.
  std::int64_t rows_of(std::int64_t expert) const { return begin_[expert + 1] - begin_[expert]; }

 private:
  std::int64_t batch_ = 0, hidden_ = 0, inner_ = 0, experts_ = 0, k_ = 0;
  std::vector<std::int64_t> begin_;     // [E + 1]: expert e's slots are begin_[e]..begin_[e+1]
  std::vector<std::int64_t> slot_row_;  // [B k]: the sample of each grouped slot
  std::vector<float> input_rows_;       // [B k, H]: gathered inputs, grouped by expert
  std::vector<float> inner_rows_;       // [B k, F]: relu(first layer)
  std::vector<float> output_rows_;      // [B k, H]: expert outputs before the gate
  std::vector<float> d_output_rows_;    // [B k, H]
  std::vector<float> d_inner_rows_;     // [B k, F]
  std::vector<float> d_input_rows_;     // [B k, H]
};

}  // namespace moelab
