#pragma once
// The rows of a run's three CSV files, each described once: metrics.csv (one row per epoch,
// deterministic), events.csv (splits and switch changes), timing.csv (wall time and samples/s,
// which vary between runs). The run folder appends an epoch's rows as it finishes; run_writer.h
// writes whole files from the same rows.

#include <optional>
#include <string>
#include <vector>

#include "training/run_metrics.h"

namespace moelab {

std::string metrics_header();
std::string metrics_row(const EpochMetrics& metrics);

std::string events_header();
// One epoch's events in time order: the switches that took effect during it, then its split.
std::string epoch_event_rows(const std::vector<SwitchEvent>& switches,
                             const std::optional<SplitEvent>& split);
std::string switch_row(const SwitchEvent& event);
std::string split_row(const SplitEvent& event);

std::string timing_header();
std::string timing_row(const EpochMetrics& metrics);

// The epoch a row of any of the three files belongs to (events.csv's second column, the others'
// first), or -1 when the line is not a complete row of that file.
int epoch_of_row(const std::string& file_name, const std::string& line);

}  // namespace moelab
