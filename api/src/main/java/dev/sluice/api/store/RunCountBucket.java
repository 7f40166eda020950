package dev.sluice.api.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The runs that started in one time bucket, counted by the name of their current state.
 *
 * @param start where the bucket starts; it ends where the next starts
 * @param counts how many runs are in each state, by state name ({@code Completed}, {@code Failed},
 *     {@code Running}...); states with none are absent
 */
public record RunCountBucket(Instant start, Map<String, Long> counts) {
  public RunCountBucket {
    Objects.requireNonNull(start, "start");
    counts = Map.copyOf(counts);
  }

  /** How many runs the bucket holds in all. */
  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
