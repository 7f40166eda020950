package dev.sluice.api.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which runs to count, per time bucket ({@link RunHistory#runCounts}): the flow runs (sub-flow runs
 * included) that started in {@code [from, until)}, by the bucket their start falls in.
 *
 * @param from the start of the first bucket
 * @param until the end of the counted time; the last bucket may end after it
 * @param bucket each bucket's length, at least one second
 * @param flowName only runs of this flow; null for all
 * @param tags only runs carrying every one of these tags; empty for all
 */
public record RunCountQuery(
    Instant from, Instant until, Duration bucket, @Nullable String flowName, Set<String> tags) {
  /** The most buckets one query may ask for. */
  public static final int MAX_BUCKETS = 10_000;

  public RunCountQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(bucket, "bucket");
    tags = Set.copyOf(tags);
    if (!until.isAfter(from)) {
      throw new IllegalArgumentException(
          "the end of a run count (" + until + ") must be after its start (" + from + ")");
    }
    if (bucket.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "a run count's bucket must be at least 1 s, was " + bucket);
    }
    long buckets = Duration.between(from, until).dividedBy(bucket) + 1;
    if (buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException(
          "a run count of "
              + Duration.between(from, until)
              + " in buckets of "
              + bucket
              + " has "
              + buckets
              + " buckets, more than "
              + MAX_BUCKETS
              + "; use longer buckets");
    }
  }

  /** How many buckets the count has. */
  public int buckets() {
    Duration span = Duration.between(from, until);
    long whole = span.dividedBy(bucket);
    return (int) (bucket.multipliedBy(whole).equals(span) ? whole : whole + 1);
  }
}
