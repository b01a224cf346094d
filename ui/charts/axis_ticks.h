#pragma once
// Round tick intervals and the x axis's title, shared by the Qt Charts time charts and the
// painted ones, so that every chart of the dashboard labels its axes alike.

#include <QString>

#include "charts/x_clock.h"

namespace moelab::ui::axis_ticks {

// The x axis's title under every chart: "step", "epoch", "wall time (s)".
QString title(XAxis axis);

// A 1, 2, 2.5 or 5 times a power of ten that cuts `span` into about `ticks` intervals; a whole
// number of at least 1 when `integer_steps` (steps and epochs are whole numbers).
double nice_interval(double span, int ticks, bool integer_steps);
// The decimals a label needs to show multiples of `interval` exactly.
int decimals_for(double interval);

}  // namespace moelab::ui::axis_ticks
