// How late does the GUI thread answer while a run trains at full speed on the worker thread?
//
// A feeder thread posts a timestamped event to the GUI thread every 5 ms; the GUI thread records
// how long each one waited in the queue. A 5 ms precise QTimer on the GUI thread measures timer
// lateness the same way. Both are measured idle (window shown, no run) and while the default
// digits run trains over and over, with the real window (charts, status bar, report) taking
// every signal. The long run is drawn with the expert river shown (the dashboard's default) and
// three earlier runs overlaid on the time charts, as a lesson comparing runs would have it.
// Prints a Markdown table. Target: p99 under 16 ms (one frame at 60 Hz).
//
// Usage: gui_latency_bench [seconds of training, default 10]   (offscreen unless a display is set)

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QEventLoop>
#include <QSettings>
#include <QString>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>
#include <vector>

#include "charts/chart_panel.h"
#include "control_panel.h"
#include "discard_question.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_controls.h"
#include "util/blas_check.h"
#include "util/openblas_kernels.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPeriod = std::chrono::milliseconds(5);
const QEvent::Type kProbeType = static_cast<QEvent::Type>(QEvent::registerEventType());

class ProbeEvent : public QEvent {
 public:
  explicit ProbeEvent(Clock::time_point posted) : QEvent(kProbeType), posted_(posted) {}
  Clock::time_point posted() const { return posted_; }

 private:
  Clock::time_point posted_;
};

// Lives on the GUI thread; records how long each probe waited.
class ProbeReceiver : public QObject {
 public:
  std::vector<double> waits_ms;

 protected:
  bool event(QEvent* e) override {
    if (e->type() != kProbeType) return QObject::event(e);
    const auto waited = Clock::now() - static_cast<ProbeEvent*>(e)->posted();
    waits_ms.push_back(std::chrono::duration<double, std::milli>(waited).count());
    return true;
  }
};

// Times every top-level event delivery on the GUI thread, by receiver class: who holds the
// event loop when a probe has to wait.
class TimingApplication : public QApplication {
 public:
  using QApplication::QApplication;

  struct Cost {
    double total_ms = 0;
    double max_ms = 0;
    int events = 0;
  };
  std::map<QString, Cost> costs;
  bool recording = false;

  bool notify(QObject* receiver, QEvent* event) override {
    // notify() also runs on the training thread; only the GUI thread is measured.
    if (!recording || depth_ > 0 || QThread::currentThread() != thread()) {
      return QApplication::notify(receiver, event);
    }
    // Named before delivery: a DeferredDelete destroys its receiver.
    const QString name = QString::fromLatin1(receiver->metaObject()->className());
    ++depth_;
    const auto start = Clock::now();
    const bool handled = QApplication::notify(receiver, event);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    --depth_;
    Cost& cost = costs[name];
    cost.total_ms += ms;
    cost.max_ms = std::max(cost.max_ms, ms);
    ++cost.events;
    return handled;
  }

 private:
  int depth_ = 0;
};

struct Stats {
  std::size_t samples = 0;
  double median = 0, p99 = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  s.samples = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
  };
  s.median = at(0.5);
  s.p99 = at(0.99);
  s.max = v.back();
  return s;
}

struct Measurement {
  Stats posted;  // cross-thread event wait
  Stats timer;   // 5 ms QTimer lateness
};

// Runs the GUI event loop for `duration` while probing it.
Measurement measure(std::chrono::milliseconds duration) {
  ProbeReceiver receiver;
  std::atomic<bool> done{false};
  std::thread feeder([&] {
    auto next = Clock::now();
    while (!done.load()) {
      QCoreApplication::postEvent(&receiver, new ProbeEvent(Clock::now()));
      next += kPeriod;
      std::this_thread::sleep_until(next);
    }
  });

  std::vector<double> lateness;
  QTimer timer;
  timer.setTimerType(Qt::PreciseTimer);
  timer.setInterval(kPeriod);
  auto last = Clock::now();
  QObject::connect(&timer, &QTimer::timeout, [&] {
    const auto now = Clock::now();
    const double late = std::chrono::duration<double, std::milli>(now - last - kPeriod).count();
    lateness.push_back(std::max(0.0, late));
    last = now;
  });
  timer.start();

  QEventLoop loop;
  QTimer::singleShot(duration, &loop, &QEventLoop::quit);
  loop.exec();
  timer.stop();
  done = true;
  feeder.join();
  QCoreApplication::sendPostedEvents(&receiver, kProbeType);  // the last few, so none leak
  return {stats(receiver.waits_ms), stats(lateness)};
}

void print_row(const char* condition, const char* probe, const Stats& s) {
  std::printf("| %s | %s | %zu | %.2f | %.2f | %.2f |\n", condition, probe, s.samples, s.median,
              s.p99, s.max);
}

}  // namespace

int main(int argc, char** argv) {
  // The kernels the window runs on (the same call as the top of moelab's main()).
  moelab::report_kernel_choice(moelab::choose_openblas_kernels());
  if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM") && !qEnvironmentVariableIsSet("DISPLAY")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  TimingApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("MoE Growth Lab Bench"));
  // Runs back to back replace a finished run hundreds of times: as after "Don't ask again".
  QSettings().setValue(QLatin1String(moelab::ui::DiscardQuestion::kSettingsKey), false);
  const int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;

  moelab::ui::MainWindow window;
  window.control_panel()->set_config(moelab::RunConfig{});  // the default digits run
  window.run_controls()->set_step_delay_ms(0);              // full speed
  // Hundreds of back-to-back runs: kept in memory, not as folders, as the benchmark always did.
  window.set_runs_folder(QString());
  window.show();
  // Let the first layout and paint happen before anything is measured.
  QEventLoop warm_up;
  QTimer::singleShot(1000, &warm_up, &QEventLoop::quit);
  warm_up.exec();

  const Measurement idle = measure(std::chrono::seconds(3));

  int runs = 0;
  int epochs = 0;
  double samples_per_second = 0;
  // The back-to-back runs' epochs, run by run: three of them are overlaid during the long run.
  std::vector<std::vector<moelab::EpochMetrics>> finished(1);
  auto* controller = window.controller();
  QObject::connect(controller, &moelab::ui::RunController::epochReported,
                   [&](const moelab::EpochMetrics& m) {
                     ++epochs;
                     samples_per_second = m.samples_per_second;
                     finished.back().push_back(m);
                   });
  // (a) Default runs back to back: a default run now lasts under a second, so this load is mostly
  // run boundaries (charts reset, phase report rendered, result shown) several times a second.
  const auto restart = QObject::connect(&window, &moelab::ui::MainWindow::runEnded, &window, [&] {
    ++runs;
    finished.emplace_back();
    window.start_run();
  });
  window.start_run();
  const Measurement back_to_back = measure(std::chrono::seconds(seconds));
  QObject::disconnect(restart);
  controller->stop();
  while (controller->state() == moelab::ui::RunController::State::Running ||
         controller->state() == moelab::ui::RunController::State::Paused) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }

  // (b) One long run at full speed: the steady state a user watches (steps, epochs, splits).
  moelab::RunConfig long_run;
  long_run.training.seed_epochs = 200;
  long_run.training.growth_epochs = 200;
  window.control_panel()->set_config(long_run);
  int overlays = 0;
  const QColor overlay_colors[] = {QColor(0x0072b2), QColor(0xe69f00), QColor(0x009e73)};
  for (const auto& run : finished) {
    if (overlays == 3 || run.empty()) continue;
    window.chart_panel()->set_overlay_run(QStringLiteral("bench-%1").arg(overlays),
                                          QStringLiteral("run %1").arg(overlays + 1),
                                          overlay_colors[overlays], run);
    ++overlays;
  }
  window.start_run();
  app.recording = true;
  const Measurement busy = measure(std::chrono::seconds(seconds));
  app.recording = false;
  // The same load with the dashboard hidden: what is left is the cost of the signals, the status
  // bar and sharing the CPU with the training threads; the difference is the charts' redraws.
  window.chart_panel()->hide();
  const Measurement no_charts = measure(std::chrono::seconds(std::max(2, seconds / 2)));
  controller->shutdown();

  const auto blas = moelab::detect_blas();
  std::printf("## GUI event-loop latency while training (digits, full speed)\n\n");
  std::printf(
      "Back to back: %d s of default runs (%d completed). Long run: one 400-epoch run with the "
      "expert river shown and %d earlier runs overlaid, %d s measured, then %d s with the charts "
      "hidden. %d epochs reported in all, last epoch %.0f samples/s; %u hardware threads; BLAS "
      "%s.\n\n",
      seconds, runs, overlays, seconds, std::max(2, seconds / 2), epochs, samples_per_second,
      std::thread::hardware_concurrency(), blas.library.empty() ? "unknown" : blas.library.c_str());
  std::printf("| condition | probe | samples | median ms | p99 ms | max ms |\n");
  std::printf("| --- | --- | ---: | ---: | ---: | ---: |\n");
  print_row("idle", "posted event wait", idle.posted);
  print_row("idle", "5 ms timer lateness", idle.timer);
  print_row("default runs back to back", "posted event wait", back_to_back.posted);
  print_row("default runs back to back", "5 ms timer lateness", back_to_back.timer);
  print_row("long run", "posted event wait", busy.posted);
  print_row("long run", "5 ms timer lateness", busy.timer);
  print_row("long run, charts hidden", "posted event wait", no_charts.posted);
  print_row("long run, charts hidden", "5 ms timer lateness", no_charts.timer);
  std::vector<std::pair<QString, TimingApplication::Cost>> costs(app.costs.begin(),
                                                                 app.costs.end());
  std::sort(costs.begin(), costs.end(),
            [](const auto& a, const auto& b) { return a.second.max_ms > b.second.max_ms; });
  std::printf(
      "\nWho held the GUI thread during the long run (top-level event deliveries, by "
      "receiver):\n\n");
  std::printf("| receiver | events | total ms | longest ms |\n| --- | ---: | ---: | ---: |\n");
  for (std::size_t i = 0; i < std::min<std::size_t>(6, costs.size()); ++i) {
    const auto& [name, cost] = costs[i];
    std::printf("| %s | %d | %.1f | %.2f |\n", qPrintable(name), cost.events, cost.total_ms,
                cost.max_ms);
  }
  auto verdict = [](const Measurement& m) {
    return m.posted.p99 < 16.0 && m.timer.p99 < 16.0 ? "met" : "NOT met";
  };
  std::printf("\nTarget p99 < 16 ms: long run %s; default runs back to back %s.\n",
              verdict(busy), verdict(back_to_back));
  return 0;
}
