#pragma once
// The rows of a run's CSV files, each described once: metrics.csv (one row per epoch,
// deterministic), events.csv (splits, switch changes, prunes and revivals), timing.csv (wall time
// and samples/s, which vary between runs), and with growth by pattern field.csv. The run folder
// appends an epoch's rows as it finishes; run_writer.h writes whole files from the same rows.

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

// The step reports (StepMetrics), for the window's export: a run folder keeps epochs only.
std::string steps_header();
std::string steps_row(const StepMetrics& metrics);

std::string timing_header();
std::string timing_row(const EpochMetrics& metrics);

// field.csv, written with growth by pattern: one row per growth epoch, the epoch, then u and v of
// experts 0 .. max_experts - 1 by index (the field as it decided after the epoch,
// EpochMetrics::field_u / field_v); an expert not born yet, or gone, has empty cells.
std::string field_header(int max_experts);
std::string field_row(const EpochMetrics& metrics, int max_experts);

// The epoch a row of any of the run's CSV files belongs to (events.csv's second column, the
// others' first), or -1 when the line is not a complete row of that file. `header` is the file's
// first line (with its newline); empty: the header this program writes (field.csv's depends on
// the run's settings, so it is read from the file).
int epoch_of_row(const std::string& file_name, const std::string& line,
                 const std::string& header = {});

}  // namespace moelab
