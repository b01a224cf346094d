#include "flops.h"

#include <algorithm>
#include <chrono>

#include <torch/torch.h>

#include "util/blas_check.h"

namespace moelab::bench {

double step_flops(std::int64_t batch, std::int64_t d, std::int64_t h, std::int64_t f,
                  std::int64_t c, std::int64_t experts, std::int64_t probe) {
  const double B = batch, D = d, H = h, F = f, C = c, E = experts, P = probe;
  const double rows = P + B;  // the probe goes through the projection and the first layer too
  const double projection = 2 * rows * D * H * 2;           // forward, weight gradient
  const double router = 2 * B * H * E * 3;                  // forward, weight and input gradients
  const double first_layer = 2 * rows * H * E * F * 3;
  const double mixture = (2 * B * E * F * H + 2 * B * E * H) * 3;
  const double probe_second_layer = 2 * P * E * F * H * 3;
  const double classifier = 2 * B * H * C * 3;
  return projection + router + first_layer + mixture + probe_second_layer + classifier;
}

double sgemm_gflops(int threads, int repeats, std::int64_t n) {
  torch::set_num_threads(threads);
  set_blas_threads(threads);
  auto a = torch::randn({n, n});
  auto b = torch::randn({n, n});
  auto out = torch::empty({n, n});
  torch::mm_out(out, a, b);  // warm-up
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    torch::mm_out(out, a, b);
    const auto seconds = std::chrono::steady_clock::now() - start;
    best = std::min(best, std::chrono::duration<double>(seconds).count());
  }
  return 2.0 * n * n * n / best / 1e9;
}

}  // namespace moelab::bench
