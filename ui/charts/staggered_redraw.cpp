#include "charts/staggered_redraw.h"

namespace moelab::ui {

StaggeredRedraw::StaggeredRedraw(int interval_ms, QObject* parent) : QObject(parent) {
  timer_.setSingleShot(true);
  timer_.setInterval(interval_ms);
  connect(&timer_, &QTimer::timeout, this, &StaggeredRedraw::redraw_next_part);
}

void StaggeredRedraw::set_parts(std::function<void()> before_round, std::vector<Part> parts) {
  before_round_ = std::move(before_round);
  parts_ = std::move(parts);
  cancel();
}

void StaggeredRedraw::schedule() {
  if (!timer_.isActive()) timer_.start();
}

void StaggeredRedraw::cancel() {
  timer_.stop();
  cursor_ = 0;
  round_changed_ = false;
}

void StaggeredRedraw::flush() {
  cancel();
  if (before_round_) before_round_();
  bool changed = false;
  for (const Part& part : parts_) changed = part() || changed;
  if (changed) ++count_;
}

void StaggeredRedraw::redraw_next_part() {
  if (cursor_ == 0 && before_round_) before_round_();
  while (cursor_ < parts_.size()) {
    if (parts_[cursor_++]()) {
      round_changed_ = true;
      timer_.start();
      return;
    }
  }
  cursor_ = 0;
  if (round_changed_) {
    ++count_;
    // Data that came in during the round may sit in a part already passed: one more round.
    round_changed_ = false;
    timer_.start();
  }
}

}  // namespace moelab::ui
