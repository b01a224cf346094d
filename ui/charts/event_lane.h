#pragma once
// The event lane's layout: a time chart's splits and switch changes as short ticks on a strip
// above its plot, each labelled once, the labels never overlapping. Events whose labels would
// touch are one cluster with one label, "splits ×3", anchored at their mean x; the tooltip of a
// cluster lists its events. Pure geometry, so that a test can check it at any width.

#include <QFontMetricsF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <vector>

namespace moelab::ui {

class EventLane {
 public:
  enum class Kind { Split, Switch };
  struct Event {
    double px = 0;  // the event's x in pixels
    QString label;  // "split e2 -> e7", "Cooldown off"
    Kind kind = Kind::Split;
  };
  struct Label {
    QRectF box;                // where the text goes, inside the lane
    QString text;              // the event's label, or the cluster's
    std::vector<int> members;  // indices into the events given, left to right
    double anchor_px = 0;      // the members' mean x, where the label is centred if it can be
  };

  // The horizontal gap kept between two labels.
  static constexpr double kGap = 6;

  // Labels for `events` (any order) in `lane`: inside it, left to right, none within kGap of
  // another. A label too long for the lane is elided; a cluster keeps at least its count.
  static std::vector<Label> layout(const std::vector<Event>& events, const QRectF& lane,
                                   const QFontMetricsF& metrics);
  // "splits ×3", "switches ×2", "events ×5" (mixed): a cluster's label.
  static QString cluster_text(const std::vector<Event>& events, const std::vector<int>& members);
  // The tooltip of a label: its events' labels, one a line.
  static QString tooltip(const std::vector<Event>& events, const Label& label);
};

}  // namespace moelab::ui
