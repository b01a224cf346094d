#include "cli/progress_printer.h"

#include "training/switch_events.h"
#include "util/format.h"

namespace moelab {

void ProgressPrinter::on_epoch(const EpochMetrics& m) {
  if (quiet_) return;
  out_ << "epoch " << m.epoch << (m.phase == Phase::Seed ? " [seed]  " : " [growth]")
       << " val " << percent(m.val_accuracy) << " train " << percent(m.train_accuracy)
       << " experts " << m.experts << " dormant " << m.dormant.size() << " entropy "
       << format_number(m.usage_entropy, 3) << " " << format_number(m.samples_per_second, 0)
       << " samples/s\n";
}

void ProgressPrinter::on_split(const SplitEvent& s) {
  if (quiet_) return;
  out_ << "  " << describe_split_event(s) << " at epoch " << s.epoch << "\n";
}

}  // namespace moelab
