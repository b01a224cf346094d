#pragma once
// The program's version, as the build names it (the project version in CMakeLists.txt).

namespace moelab {

const char* program_version();

}  // namespace moelab
