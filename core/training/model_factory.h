#pragma once
// The model a run starts from. Depends only on the seed, the model settings and the data's shape,
// never on the fixes, so that the arms of an ablation start from the same weights.

#include "config/run_config.h"
#include "model/moe_model.h"

namespace moelab {

// Thread-safe: LibTorch's layers draw from the global generator, so seeding it and building the
// model happen under one lock.
MoeModel make_initial_model(std::int64_t input_dim, std::int64_t num_classes,
                            const ModelConfig& model, std::uint64_t seed);

}  // namespace moelab
