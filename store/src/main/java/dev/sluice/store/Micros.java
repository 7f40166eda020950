package dev.sluice.store;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Instants as stored: microseconds since the epoch, the finest both databases sort exactly. */
final class Micros {
  private Micros() {}

  static long of(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  /** A length of time in microseconds (sub-microsecond parts dropped). */
  static long of(Duration duration) {
    return Math.addExact(
        Math.multiplyExact(duration.getSeconds(), 1_000_000L), duration.getNano() / 1_000);
  }

  static @Nullable Long ofNullable(@Nullable Instant instant) {
    return instant == null ? null : of(instant);
  }

  static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
