package dev.sluice.api.internal;

import java.time.Duration;
import java.util.Locale;

/** Formats durations the way people read them, for summaries, logs and the command line. */
public final class Durations {
  private Durations() {}

  /** {@code d} as 850 µs, 12.3 ms, 4.02 s or 3 min 5 s. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    // Each bound is where rounding would print the next unit's first value (1000.0 ms, 60.00 s).
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%d µs", nanos / 1_000);
    }
    if (nanos < 999_950_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    if (nanos < 59_995_000_000L) {
      return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
    long seconds = Math.round(nanos / 1e9);
    return String.format(Locale.ROOT, "%d min %d s", seconds / 60, seconds % 60);
  }

  /** {@code d} in whole seconds, for a clock that ticks: 0 s, 42 s, 3 min 5 s or 2 h 3 min. */
  public static String formatSeconds(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%d min %d s", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%d h %d min", seconds / 3600, seconds % 3600 / 60);
  }
}
