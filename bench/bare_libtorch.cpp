// The floor under the lab's start-up: a program that loads LibTorch, makes one tensor and exits.
// bench/run_all.sh times it beside a 1-epoch moelab-cli run; the difference is what the lab itself
// adds (its data, its model, one epoch, its files).

#include <torch/torch.h>

#include <cstdio>

int main() {
  const auto ones = torch::ones({2, 2});
  std::printf("%g\n", ones.sum().item<double>());
  return 0;
}
