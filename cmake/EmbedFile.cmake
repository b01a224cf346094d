# Turns a binary file into a C++ source that returns its bytes.
# Usage: cmake -DINPUT=... -DOUTPUT=... -DFUNCTION=... -DHEADER=... -P EmbedFile.cmake
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT}; do not edit.\n"
  "#include \"${HEADER}\"\n\n"
  "namespace moelab {\n"
  "namespace {\nconst std::uint8_t kBytes[] = {${bytes}};\n}  // namespace\n\n"
  "std::span<const std::uint8_t> ${FUNCTION}() { return {kBytes, sizeof(kBytes)}; }\n\n"
  "}  // namespace moelab\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
