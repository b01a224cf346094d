#pragma once
// An ablation grid on disk, the way a cluster runs it: DIR/grid.json describes the grid (arms in
// order, seeds, base settings) and every run has its own folder, DIR/<code>/seed-<n>, with that
// run's files. Any process may run any run: a run is finished when its folder holds a complete
// report.json (written last), and its config.json says which settings made it. So a grid can be
// split over processes, machines and resubmissions, and summarised from the folders alone.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ablation/ablation_plan.h"
#include "ablation/ablation_summary.h"

namespace moelab {

class GridError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GridFolder {
 public:
  GridFolder(std::filesystem::path dir, AblationPlan plan);

  // The grid that DIR/grid.json describes. Throws GridError (one sentence naming the file) when
  // there is none or it is not a grid.
  static GridFolder open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  const AblationPlan& plan() const { return plan_; }

  // Where a run's files go: DIR/<code>/seed-<n>.
  std::filesystem::path run_folder(const RunKey& run) const;

  // Creates DIR and writes grid.json, or checks that the grid.json there describes this grid.
  // Throws GridError when DIR holds another grid (its runs would be mixed with this one's).
  void claim() const;

  // True when the run's folder holds a complete report.json from this run's settings. Throws
  // GridError when it holds a finished run made with other settings.
  bool finished(const RunKey& run) const;

  // The runs of `runs` that are not finished, in the same order.
  std::vector<RunKey> unfinished(const std::vector<RunKey>& runs) const;

  // Every finished run's report figures, in plan order; the plan's other runs go to `missing`.
  std::vector<ArmSeedScalars> finished_reports(std::vector<RunKey>* missing) const;

  // Reads every finished run and writes DIR/summary.json, summary.csv, summary.md and
  // comparison.json (the file the window's comparison opens): the files one `ablate` call writes. Returns the summary; `missing` as above.
  std::vector<ArmSummary> write_summary(std::vector<RunKey>* missing) const;

  // grid.json's text for this grid.
  std::string manifest() const;

 private:
  std::filesystem::path dir_;
  AblationPlan plan_;
};

}  // namespace moelab
