#include "util/version.h"

#ifndef MOELAB_VERSION
#error "MOELAB_VERSION is set by core/CMakeLists.txt"
#endif

namespace moelab {

const char* program_version() { return MOELAB_VERSION; }

}  // namespace moelab
