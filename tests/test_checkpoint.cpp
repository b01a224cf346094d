// Checkpoints in process: a run stopped at any step and continued from its written checkpoint
// ends exactly as the run left alone; schedules take effect as flips; old and foreign files are
// refused. Single-threaded so that fixed seeds give fixed runs.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <set>

#include "config/config_json.h"
#include "data/dataset_loader.h"
#include "io/atomic_file.h"
#include "io/checkpoint_file.h"
#include "io/durable_run.h"
#include "io/run_folder.h"
#include "io/run_folder_reader.h"
#include "io/run_status.h"
#include "io/run_writer.h"
#include "model/moe_model.h"
#include "report/phase_report.h"
#include "training/trainer.h"

#include "support/stop_at_step.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace moelab;

namespace {

RunConfig small_config(std::uint64_t seed = 2) {
  RunConfig c;
  c.training.seed = seed;
  c.training.threads = 1;
  c.training.seed_epochs = 3;
  c.training.growth_epochs = 7;
  c.fixes.cooldown_epochs = 2;
  return c;
}

DatasetSplit data_for(const RunConfig& c) { return load_dataset(c.data, c.training.seed); }

struct Files {
  std::string metrics, events, report, field;
};

Files files_of(const RunResult& r) {
  return {metrics_csv(r), events_csv(r), r.report ? to_json(*r.report) : std::string(),
          field_csv(r)};
}

std::string path_in(const QTemporaryDir& dir, const char* name) {
  return QDir(dir.path()).filePath(name).toStdString();
}

}  // namespace

class TestCheckpoint : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void stoppedAndContinuedRunEndsAsTheRunLeftAlone_data() {
    QTest::addColumn<int>("stop_step");
    QTest::addColumn<int>("split_mode");
    // 0 plain, 1 bias balancer, 2 pruning, 3 reviving, 4 growth by pattern, 5 growth by pattern
    // with pruning, 6 routed dispatch with the probe on a subset of experts
    QTest::addColumn<int>("variant");
    // Inside the seed phase, at an epoch's last step, just after a split, late in growth; and a
    // preserving split caught while its child is being released.
    QTest::newRow("seed phase") << 23 << 0 << 0;
    QTest::newRow("epoch boundary") << 51 << 0 << 0;
    QTest::newRow("growth") << 140 << 0 << 0;
    QTest::newRow("late growth") << 160 << 0 << 0;
    QTest::newRow("releasing a child") << 95 << 1 << 0;
    // The bias balancer's selection bias, and models that pruning shrank or reviving rewrote:
    // four experts at k = 2 without load balancing, so that one falls dormant in the first growth
    // epoch (step 68, epoch 4's end). Caught at that epoch's end, and later inside an epoch.
    QTest::newRow("bias balancer") << 140 << 0 << 1;
    QTest::newRow("pruned, at the prune") << 68 << 0 << 2;
    QTest::newRow("pruned") << 140 << 0 << 2;
    QTest::newRow("revived, at the revival") << 68 << 0 << 3;
    QTest::newRow("revived") << 140 << 0 << 3;
    // Growth by pattern: the field's u, v and ring order must come back, after a split put a
    // child beside its parent on the ring, and after a prune took a cell out of it.
    QTest::newRow("schnakenberg") << 140 << 0 << 4;
    QTest::newRow("schnakenberg, pruned") << 140 << 0 << 5;
    // Eight experts at k = 2 route, and a probe of 3 experts draws from the run's generator every
    // step: the draws after the stop must be the ones the run left alone makes.
    QTest::newRow("routed, probe subset") << 140 << 0 << 6;
  }
  void stoppedAndContinuedRunEndsAsTheRunLeftAlone() {
    QFETCH(int, stop_step);
    QFETCH(int, split_mode);
    QFETCH(int, variant);
    auto config = small_config();
    config.training.log_interval = 1;
    config.training.split_mode = split_mode ? SplitMode::Preserving : SplitMode::Seed;
    if (variant == 1) config.training.balancer = Balancer::Bias;
    const bool field = variant == 4 || variant == 5;
    if (variant >= 2 && variant <= 5) {
      config.fixes.entropy_loss = false;
      config.model.initial_experts = 4;
    }
    if (variant == 6) {
      config.model.initial_experts = 8;
      config.training.probe_experts = 3;
      QVERIFY(prefer_routed_dispatch(config.model.initial_experts, config.model.top_k));
    }
    config.training.prune_dormant = variant == 2 || variant == 5;
    config.training.revive_dormant = variant == 3;
    if (field) config.training.growth = Growth::Schnakenberg;
    const auto reference_run = Trainer(config, data_for(config)).run();
    const auto reference = files_of(reference_run);
    // The variant must have acted before the stop, or the row would test nothing new.
    const auto acted_before_stop = [&](const char* name) {
      const auto& events = reference_run.switches;
      return std::count_if(events.begin(), events.end(), [&](const SwitchEvent& e) {
        return e.name == name && e.step <= stop_step;
      });
    };
    if (variant == 2 || variant == 3 || variant == 5) {
      const char* name = variant == 3 ? kReviveEvent : kPruneEvent;
      QVERIFY2(acted_before_stop(name) > 0, name);
      QVERIFY(reference.events.find(std::string("\n") + name + ",") != std::string::npos);
    }
    if (field) {
      const auto split_before_stop =
          std::count_if(reference_run.splits.begin(), reference_run.splits.end(),
                        [&](const SplitEvent& e) { return e.step <= stop_step; });
      QVERIFY2(split_before_stop > 0, "the field split nothing before the stop");
      QVERIFY(!reference.field.empty());
    } else {
      QVERIFY(reference.field.empty());
    }

    QTemporaryDir dir;
    const auto file = path_in(dir, "stopped.pt");
    {
      TrainingControl control(config.fixes);
      StopAt stop(control, stop_step);
      Trainer first(config, data_for(config), &stop, &control);
      const auto partial = first.run();
      QVERIFY(partial.stopped);
      const auto state = first.state();
      QCOMPARE(state.step, static_cast<std::int64_t>(stop_step));
      if (variant == 1) QVERIFY(state.selection_bias.abs().max().item<double>() > 0);
      if (field) {
        // A child sits beside its parent, not at the end: the ring is not the experts in order.
        const auto& ring = state.growth.ring;
        QCOMPARE(ring.size(), static_cast<std::size_t>(state.selection_bias.numel()));
        QVERIFY(!std::is_sorted(ring.begin(), ring.end()));
      }
      write_file_atomically(file, checkpoint_bytes(config, state));
    }
    auto checkpoint = read_checkpoint(file);
    QCOMPARE(checkpoint.state.step, static_cast<std::int64_t>(stop_step));
    QVERIFY(checkpoint_mismatch(checkpoint.config, config).empty());
    Trainer second(config, data_for(config));
    second.resume_from(std::move(checkpoint.state));
    const auto resumed = files_of(second.run());
    QCOMPARE(resumed.metrics, reference.metrics);
    QCOMPARE(resumed.events, reference.events);
    QVERIFY(!reference.report.empty());
    QCOMPARE(resumed.report, reference.report);
    QCOMPARE(resumed.field, reference.field);
  }

  void checkpointCarriesTheStateExactly() {
    auto config = small_config(3);
    TrainingControl control(config.fixes);
    StopAt stop(control, 130);
    Trainer trainer(config, data_for(config), &stop, &control);
    trainer.run();
    const auto state = trainer.state();
    QTemporaryDir dir;
    const auto file = path_in(dir, "c.pt");
    write_file_atomically(file, checkpoint_bytes(config, state));
    const auto back = read_checkpoint(file).state;
    QCOMPARE(back.parameters.size(), state.parameters.size());
    for (std::size_t i = 0; i < state.parameters.size(); ++i) {
      QCOMPARE(back.parameters[i].first, state.parameters[i].first);
      QVERIFY(torch::equal(back.parameters[i].second, state.parameters[i].second));
    }
    QCOMPARE(back.adam.size(), state.parameters.size());
    for (std::size_t i = 0; i < state.adam.size(); ++i) {
      QCOMPARE(back.adam[i].second.step, state.adam[i].second.step);
      QVERIFY(torch::equal(back.adam[i].second.exp_avg_sq, state.adam[i].second.exp_avg_sq));
    }
    QVERIFY(torch::equal(back.generator_state, state.generator_state));
    QCOMPARE(back.history.epochs.size(), state.history.epochs.size());
    QCOMPARE(back.history.epochs.back().routing_matrix, state.history.epochs.back().routing_matrix);
    QCOMPARE(back.history.epochs.back().loss_terms, state.history.epochs.back().loss_terms);
    QCOMPARE(back.growth.best_accuracy, state.growth.best_accuracy);
    QCOMPARE(back.seed_test_correct, state.seed_test_correct);
    QVERIFY(back.in_progress.has_value());
    QCOMPARE(back.in_progress->position, state.in_progress->position);
    QCOMPARE(back.in_progress->epoch_sums.terms, state.in_progress->epoch_sums.terms);
  }

  void foreignAndOldCheckpointsAreRefused() {
    QTemporaryDir dir;
    const auto garbage = path_in(dir, "garbage.pt");
    write_file_atomically(garbage, "this is not a checkpoint");
    try {
      read_checkpoint(garbage);
      QFAIL("read a text file as a checkpoint");
    } catch (const CheckpointError& e) {
      QVERIFY(e.kind() == CheckpointError::Kind::Foreign);
      QVERIFY2(QString(e.what()).contains("not a checkpoint"), e.what());
    }
    // A LibTorch archive of something else: a saved tensor.
    const auto tensor_file = path_in(dir, "tensor.pt");
    {
      torch::serialize::OutputArchive archive;
      archive.write("weights", torch::ones({3}), true);
      archive.save_to(tensor_file);
    }
    try {
      read_checkpoint(tensor_file);
      QFAIL("read a tensor archive as a checkpoint");
    } catch (const CheckpointError& e) {
      QVERIFY(e.kind() == CheckpointError::Kind::Foreign);
    }
    // A moelab checkpoint of another format version.
    const auto old_file = path_in(dir, "old.pt");
    {
      torch::serialize::OutputArchive archive;
      archive.write("format", c10::IValue(std::string("moelab-checkpoint")));
      archive.write("version", c10::IValue(static_cast<std::int64_t>(kCheckpointVersion + 1)));
      archive.save_to(old_file);
    }
    try {
      read_checkpoint(old_file);
      QFAIL("read a checkpoint of another version");
    } catch (const CheckpointError& e) {
      QVERIFY(e.kind() == CheckpointError::Kind::Version);
      QVERIFY2(QString(e.what()).contains("version"), e.what());
    }
    // Another run's checkpoint: its seed differs.
    auto other = small_config(5);
    QVERIFY(!checkpoint_mismatch(other, small_config(2)).empty());
    other = small_config(2);
    other.fixes.cooldown = false;  // switches may differ (a fork changes them)
    QVERIFY(checkpoint_mismatch(other, small_config(2)).empty());
  }

  void resumeRefusesAnotherRunsCheckpoint() {
    QTemporaryDir dir;
    const auto folder = path_in(dir, "run");
    auto config = small_config();
    {
      DurableRunOptions o;
      o.dir = folder;
      TrainingControl control(config.fixes);
      StopAt stop(control, 40);
      DurableRun run(o, config);
      QVERIFY(run.run(data_for(config), &stop, &control).stopped);
    }
    QCOMPARE(read_run_status(folder)->state, RunState::Interrupted);
    // Replace the newest checkpoint by one of a run with another seed.
    const auto names = RunFolder::checkpoints_in(folder);
    QVERIFY(!names.empty());
    auto stranger = small_config(9);
    TrainingControl control(stranger.fixes);
    StopAt stop(control, 5);
    Trainer other(stranger, data_for(stranger), &stop, &control);
    other.run();
    write_file_atomically(folder + "/" + names.back().file(), checkpoint_bytes(stranger, other.state()));
    DurableRunOptions o;
    o.dir = folder;
    o.mode = FolderMode::Continue;
    try {
      DurableRun resumed(o, config);
      QFAIL("continued from another run's checkpoint");
    } catch (const RunFolderError& e) {
      QVERIFY2(QString(e.what()).contains("other settings"), e.what());
    }
  }

  void scheduleFlipsSwitchesAtTheStartOfItsEpoch() {
    auto config = config_from_json(R"({
      "training": {"seed": 2, "threads": 1, "seed_epochs": 3, "growth_epochs": 5},
      "fixes": {"cooldown": false, "entropy_loss": false},
      "schedule": [{"epoch": 5, "fixes": {"cooldown": true, "entropy_loss": true}},
                   {"epoch": 7, "learning_rate": 0.0005}]})",
                                   "lesson.json");
    QCOMPARE(config.schedule.size(), std::size_t{2});
    const auto r = Trainer(config, data_for(config)).run();
    QCOMPARE(r.switches.size(), std::size_t{3});
    const std::int64_t steps_per_epoch = r.epochs.front().step;
    for (const auto& s : r.switches) {
      const int epoch = s.name == "learning_rate" ? 7 : 5;
      QCOMPARE(s.epoch, epoch);
      QCOMPARE(s.step, (epoch - 1) * steps_per_epoch + 1);  // the epoch's first step
    }
    QCOMPARE(QString::fromStdString(r.switches[0].name), QStringLiteral("cooldown"));
    QCOMPARE(QString::fromStdString(r.switches[2].to), QStringLiteral("0.000500"));
    QVERIFY(r.final_fixes.cooldown && r.final_fixes.entropy_loss);
    // The same run with the switches flipped by hand at the same steps writes the same events.
    auto by_hand = config;
    by_hand.schedule.clear();
    class FlipAt : public TrainingObserver {
     public:
      TrainingControl* control = nullptr;
      void on_epoch(const EpochMetrics& m) override {
        if (m.epoch != 4) return;
        auto f = control->fixes();
        f.cooldown = f.entropy_loss = true;
        control->set_fixes(f);
      }
    } flip;
    TrainingControl control(by_hand.fixes);
    flip.control = &control;
    by_hand.schedule.push_back(config.schedule[1]);
    const auto h = Trainer(by_hand, data_for(by_hand), &flip, &control).run();
    QCOMPARE(events_csv(h), events_csv(r));
    QCOMPARE(metrics_csv(h), metrics_csv(r));
    // The hand flip is recorded in the result's schedule at its step, so the config replays it.
    QCOMPARE(h.config.schedule.size(), std::size_t{2});
    const auto& recorded = h.config.schedule[0];
    QCOMPARE(recorded.epoch, 5);
    QVERIFY(recorded.step.has_value());
    QCOMPARE(*recorded.step, 4 * steps_per_epoch + 1);
    const auto replay = Trainer(h.config, data_for(h.config)).run();
    QCOMPARE(metrics_csv(replay), metrics_csv(h));
    QCOMPARE(events_csv(replay), events_csv(h));
  }

  void badScheduleIsRefusedClearly_data() {
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not a list") << R"({"epoch": 3})" << "schedule must be a list";
    QTest::newRow("no epoch") << R"([{"fixes": {"cooldown": true}}])" << "schedule[0].epoch";
    QTest::newRow("after the run") << R"([{"epoch": 99, "fixes": {"cooldown": true}}])" << "schedule[0].epoch";
    QTest::newRow("unknown fix") << R"([{"epoch": 2, "fixes": {"cooldwn": true}}])" << "fixes.cooldwn";
    QTest::newRow("bad value") << R"([{"epoch": 2, "fixes": {"cooldown_epochs": -1}}])" << "cooldown_epochs";
    QTest::newRow("unknown key") << R"([{"epoch": 2, "fix": {}}])" << "schedule[0].fix";
    QTest::newRow("changes nothing") << R"([{"epoch": 2}])" << "changes nothing";
    QTest::newRow("bad rate") << R"([{"epoch": 2, "learning_rate": 0}])" << "learning_rate";
  }
  void badScheduleIsRefusedClearly() {
    QFETCH(QString, schedule);
    QFETCH(QString, mentions);
    const auto text = QStringLiteral(R"({"training": {"seed_epochs": 3, "growth_epochs": 3}, "schedule": %1})")
                          .arg(schedule);
    try {
      config_from_json(text.toStdString(), "lesson.json");
      QFAIL("accepted a bad schedule");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).startsWith("lesson.json"), e.what());
      QVERIFY2(QString(e.what()).contains(mentions), e.what());
    }
  }

  void scheduleRoundTripsThroughTheExperimentFile() {
    auto config = small_config();
    ScheduleEntry entry;
    entry.epoch = 4;
    entry.step = 70;
    entry.fixes = R"({"entropy_loss":false})";
    entry.note = "flipped by hand during the run";
    config.schedule.push_back(entry);
    config.fork = ForkOrigin{"/runs/parent", 3};
    const auto text = config_to_json(config);
    const auto back = config_from_json(text, "mem");
    QCOMPARE(config_to_json(back), text);
    QCOMPARE(back.schedule.at(0).note, entry.note);
    QCOMPARE(back.fork->at_epoch, 3);
  }

  void folderHoldsEachFinishedEpochAsItGoes() {
    QTemporaryDir dir;
    const auto folder = path_in(dir, "run");
    auto config = small_config();
    class Check : public TrainingObserver {
     public:
      std::string folder;
      int checked = 0;
      void on_epoch(const EpochMetrics& m) override {
        // The previous epoch's rows are on disk while this one is reported.
        const auto rows = RunFolder::rows(folder, RunFiles::metrics);
        if (static_cast<int>(rows.size()) == m.epoch - 1) ++checked;
        if (read_run_status(folder)->last_epoch == m.epoch - 1) ++checked;
      }
    } check;
    check.folder = folder;
    DurableRunOptions o;
    o.dir = folder;
    o.checkpoint_every = 3;
    const auto result = DurableRun(o, config).run(data_for(config), &check);
    QCOMPARE(check.checked, 2 * 10);
    const auto contents = read_run_folder(folder);
    QCOMPARE(contents.status.state, RunState::Finished);
    QCOMPARE(contents.status.last_epoch, 10);
    QCOMPARE(read_file(folder + "/metrics.csv"), metrics_csv(result));
    QCOMPARE(read_file(folder + "/events.csv"), events_csv(result));
    QCOMPARE(read_file(folder + "/report.json"), to_json(*result.report));
    // Kept: the last checkpoint and those at (and just before) every split.
    std::set<int> expected = {10};
    for (const auto& s : result.splits) {
      expected.insert(s.epoch);
    }
    std::set<int> kept;
    for (const auto& name : RunFolder::checkpoints_in(folder)) {
      QVERIFY(name.complete);
      kept.insert(name.epoch);
    }
    for (const int epoch : expected) QVERIFY2(kept.count(epoch), qPrintable(QString::number(epoch)));
    QVERIFY(!result.splits.empty());
  }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
