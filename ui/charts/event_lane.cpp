#include "charts/event_lane.h"

#include <algorithm>
#include <numeric>

namespace moelab::ui {

namespace {

constexpr double kPadding = 6;  // around a label's text, inside its box

}  // namespace

QString EventLane::cluster_text(const std::vector<Event>& events, const std::vector<int>& members) {
  const auto is = [&](Kind kind) {
    return std::all_of(members.begin(), members.end(),
                       [&](int m) { return events[static_cast<std::size_t>(m)].kind == kind; });
  };
  const QString what = is(Kind::Split)    ? QStringLiteral("splits")
                       : is(Kind::Switch) ? QStringLiteral("switches")
                                          : QStringLiteral("events");
  return QStringLiteral("%1 \u00d7%2").arg(what).arg(members.size());
}

QString EventLane::tooltip(const std::vector<Event>& events, const Label& label) {
  QStringList lines;
  for (int m : label.members) lines << events[static_cast<std::size_t>(m)].label;
  return lines.join(QLatin1Char('\n'));
}

std::vector<EventLane::Label> EventLane::layout(const std::vector<Event>& events,
                                                const QRectF& lane, const QFontMetricsF& metrics) {
  std::vector<Label> labels;
  if (events.empty() || lane.width() <= 0) return labels;
  std::vector<int> order(events.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return events[static_cast<std::size_t>(a)].px < events[static_cast<std::size_t>(b)].px;
  });

  // Text and box for a label's members, centred on their mean x and kept inside the lane.
  const auto place = [&](Label& label) {
    double sum = 0;
    for (int m : label.members) sum += events[static_cast<std::size_t>(m)].px;
    label.anchor_px = sum / static_cast<double>(label.members.size());
    const double room = std::max(0.0, lane.width() - kPadding);
    if (label.members.size() == 1) {
      label.text = metrics.elidedText(events[static_cast<std::size_t>(label.members[0])].label,
                                      Qt::ElideRight, room);
    } else {
      label.text = cluster_text(events, label.members);
      if (metrics.horizontalAdvance(label.text) > room) {
        label.text = metrics.elidedText(QStringLiteral("\u00d7%1").arg(label.members.size()),
                                        Qt::ElideRight, room);
      }
    }
    const double width = std::min(lane.width(), metrics.horizontalAdvance(label.text) + kPadding);
    const double left = std::clamp(label.anchor_px - width / 2, lane.left(), lane.right() - width);
    label.box = QRectF(left, lane.top(), width, lane.height());
  };

  // Left to right: a label that would come within kGap of the one before joins it; the merged
  // label is centred anew and may in turn reach the one before that.
  for (int index : order) {
    Label label;
    label.members = {index};
    place(label);
    while (!labels.empty() && labels.back().box.right() + kGap > label.box.left()) {
      std::vector<int> members = std::move(labels.back().members);
      members.insert(members.end(), label.members.begin(), label.members.end());
      labels.pop_back();
      label.members = std::move(members);
      place(label);
    }
    labels.push_back(std::move(label));
  }
  return labels;
}

}  // namespace moelab::ui
