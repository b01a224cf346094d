#pragma once
// A labelled data set held once in memory as tensors, already scaled for training.

#include <torch/torch.h>

#include "data/data_error.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace moelab {

struct Dataset {
  torch::Tensor features;  // float32 [N, D], scaled once at load
  torch::Tensor labels;    // int64 [N], values in [0, num_classes)
  int num_classes = 0;
  std::string name;        // "digits", "synthetic", or the IDX folder
  std::vector<std::string> class_names;

  std::int64_t size() const { return features.defined() ? features.size(0) : 0; }
  std::int64_t dimension() const { return features.defined() ? features.size(1) : 0; }
};

struct DatasetSplit {
  Dataset train;
  Dataset validation;  // drives growth decisions
  Dataset test;        // held out: judged once, by the verdict
};

}  // namespace moelab
