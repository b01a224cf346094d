#pragma once
// A run's history so far (the RunResult a checkpoint carries: every epoch's metrics, the splits,
// the switch events, the seed model's accuracies) as JSON that reads back to the same bits:
// doubles are written with every digit they need, and NaN and infinities as strings, which JSON
// numbers cannot hold. Used by io/checkpoint_file.cpp.

#include <nlohmann/json.hpp>
#include <vector>

#include "training/run_result.h"
#include "training/step_accumulator.h"

namespace moelab {

using HistoryJson = nlohmann::ordered_json;

HistoryJson exact_number(double value);
double exact_number_from(const HistoryJson& j);

HistoryJson history_to_json(const RunResult& history);
// Throws std::invalid_argument when a key is missing or of the wrong type.
RunResult history_from_json(const HistoryJson& j);

HistoryJson accumulator_to_json(const StepAccumulator& acc);
StepAccumulator accumulator_from_json(const HistoryJson& j);

}  // namespace moelab
