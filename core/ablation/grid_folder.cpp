#include "ablation/grid_folder.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ablation/ablation_folders.h"
#include "ablation/arm_json.h"
#include "config/config_json.h"
#include "io/atomic_file.h"
#include "report/report_file.h"

namespace moelab {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kManifest = "grid.json";
constexpr const char* kFormat = "moelab-grid";
constexpr int kFormatVersion = 1;

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

// What differs between two manifests, for the message.
std::string difference(const Json& ours, const Json& theirs) {
  for (const char* key : {"arms", "seeds", "base"}) {
    if (!theirs.contains(key) || ours[key] != theirs[key]) {
      return std::string("its ") + (std::string(key) == "base" ? "settings" : key) + " differ";
    }
  }
  return "it is not this lab's grid file";
}

GridError bad_manifest(const fs::path& path, const std::string& problem) {
  return GridError(path.string() + ": " + problem);
}

}  // namespace

GridFolder::GridFolder(fs::path dir, AblationPlan plan)
    : dir_(std::move(dir)), plan_(std::move(plan)) {}

std::string GridFolder::manifest() const {
  Json j;
  j["format"] = kFormat;
  j["version"] = kFormatVersion;
  j["arms"] = arms_to_json(plan_.arms);
  j["seeds"] = plan_.seeds;
  j["base"] = Json::parse(config_to_json(plan_.base));
  return j.dump(2) + "\n";
}

GridFolder GridFolder::open(const fs::path& dir) {
  const fs::path path = dir / kManifest;
  const auto text = read_text(path);
  if (!text) {
    throw bad_manifest(path, "cannot read it (is " + dir.string() +
                                 " a grid folder written by moelab-cli ablate?)");
  }
  const auto j = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("format", "") != kFormat) {
    throw bad_manifest(path, "not a moelab grid file");
  }
  if (j.value("version", 0) != kFormatVersion) {
    throw bad_manifest(path, "grid file version " + j["version"].dump() + ", this lab reads " +
                                 std::to_string(kFormatVersion));
  }
  AblationPlan plan;
  try {
    plan.base = config_from_json(j.at("base").dump(), path.string());
    plan.arms = arms_from_json(j.at("arms"), plan.base.fixes);
    plan.seeds = j.at("seeds").get<std::vector<std::uint64_t>>();
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw bad_manifest(path, std::string("arms or seeds unreadable: ") + e.what());
  }
  if (plan.seeds.empty()) throw bad_manifest(path, "no seeds");
  return GridFolder(dir, std::move(plan));
}

fs::path GridFolder::run_folder(const RunKey& run) const {
  return ablation_run_folder(dir_.string(), plan_.arms.at(run.arm), run.seed);
}

void GridFolder::claim() const {
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error || !fs::is_directory(dir_)) {
    throw GridError(dir_.string() + ": cannot create the grid folder");
  }
  const fs::path path = dir_ / kManifest;
  const std::string ours = manifest();
  if (const auto theirs = read_text(path)) {
    if (*theirs == ours) return;
    const auto parsed = Json::parse(*theirs, nullptr, /*allow_exceptions=*/false);
    throw GridError(dir_.string() + " holds another grid (" +
                    difference(Json::parse(ours), parsed.is_object() ? parsed : Json::object()) +
                    " from " + path.string() + "): use another --out folder");
  }
  try {
    write_file_atomically(path.string(), ours);
  } catch (const std::runtime_error& e) {
    throw GridError(e.what());
  }
}

bool GridFolder::finished(const RunKey& run) const {
  const fs::path folder = run_folder(run);
  if (!read_report_scalars(folder / "report.json")) return false;
  const auto written = read_text(folder / "config.json");
  if (written && *written == config_to_json(run_config(plan_, run.arm, run.seed))) return true;
  throw GridError(folder.string() +
                  " holds a finished run made with other settings than this "
                  "grid's (see its config.json): use another --out folder, or remove that run");
}

std::vector<RunKey> GridFolder::unfinished(const std::vector<RunKey>& runs) const {
  std::vector<RunKey> left;
  for (const auto& run : runs) {
    if (!finished(run)) left.push_back(run);
  }
  return left;
}

std::vector<ArmSeedScalars> GridFolder::finished_reports(std::vector<RunKey>* missing) const {
  std::vector<ArmSeedScalars> reports;
  for (const auto& run : plan_runs(plan_)) {
    if (!finished(run)) {
      if (missing) missing->push_back(run);
      continue;
    }
    // finished() read it a moment ago; a run rewritten since is read as it is now.
    if (auto scalars = read_report_scalars(run_folder(run) / "report.json")) {
      reports.push_back({run.arm, run.seed, std::move(*scalars)});
    } else if (missing) {
      missing->push_back(run);
    }
  }
  return reports;
}

std::vector<ArmSummary> GridFolder::write_summary(std::vector<RunKey>* missing) const {
  const auto summary = summarize(plan_.arms, finished_reports(missing));
  try {
    write_file_atomically((dir_ / "summary.json").string(), summary_json(summary));
    write_file_atomically((dir_ / "summary.csv").string(), summary_csv(summary));
    write_file_atomically((dir_ / "summary.md").string(), summary_markdown(summary));
    write_ablation_comparison(plan_, dir_.string());
  } catch (const std::runtime_error& e) {
    throw GridError(e.what());
  }
  return summary;
}

}  // namespace moelab
