#pragma once
// A data file or buffer that is not what it claims. what() names the source and the problem.
// Apart from dataset.h so that code without LibTorch (the window) can catch it.

#include <stdexcept>

namespace moelab {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace moelab
