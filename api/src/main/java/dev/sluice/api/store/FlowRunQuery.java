package dev.sluice.api.store;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Which flow runs to list. Build one from {@link #recent(int)} and the {@code with...} methods.
 *
 * @param flowName only runs of this flow; null for all
 * @param states only runs whose current state has one of these names ({@code Failed}) or types
 *     ({@code FAILED}), compared without case; empty for all
 * @param since only runs that started at or after this instant; null for all
 * @param idPrefix only runs whose id starts with this text (lower-case hex with dashes); null for
 *     all
 * @param limit the most runs to return, newest first
 * @param tags only runs that carry every one of these tags; empty for all
 * @param cursor only runs after this place in the listing: a {@link FlowRunPage#nextCursor()} of
 *     the same query; null to start with the newest
 */
public record FlowRunQuery(
    @Nullable String flowName,
    Set<String> states,
    @Nullable Instant since,
    @Nullable String idPrefix,
    int limit,
    Set<String> tags,
    @Nullable String cursor) {
  public FlowRunQuery {
    states =
        states.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    tags = Set.copyOf(tags);
    if (limit < 1) {
      throw new IllegalArgumentException(
          "the limit of a flow-run query must be >= 1, was " + limit);
    }
  }

  /** A query without tag filter and from the newest run. */
  public FlowRunQuery(
      @Nullable String flowName,
      Set<String> states,
      @Nullable Instant since,
      @Nullable String idPrefix,
      int limit) {
    this(flowName, states, since, idPrefix, limit, Set.of(), null);
  }

  /** The {@code limit} newest runs of every flow. */
  public static FlowRunQuery recent(int limit) {
    return new FlowRunQuery(null, Set.of(), null, null, limit);
  }

  /** Only runs of flow {@code name}. */
  public FlowRunQuery withFlowName(@Nullable String name) {
    return new FlowRunQuery(name, states, since, idPrefix, limit, tags, cursor);
  }

  /** Only runs in one of these states (names or types). */
  public FlowRunQuery withStates(Set<String> names) {
    return new FlowRunQuery(flowName, names, since, idPrefix, limit, tags, cursor);
  }

  /** Only runs started at or after {@code instant}. */
  public FlowRunQuery withSince(@Nullable Instant instant) {
    return new FlowRunQuery(flowName, states, instant, idPrefix, limit, tags, cursor);
  }

  /** Only runs whose id starts with {@code prefix}. */
  public FlowRunQuery withIdPrefix(@Nullable String prefix) {
    return new FlowRunQuery(
        flowName,
        states,
        since,
        prefix == null ? null : prefix.toLowerCase(Locale.ROOT),
        limit,
        tags,
        cursor);
  }

  /** At most {@code max} runs. */
  public FlowRunQuery withLimit(int max) {
    return new FlowRunQuery(flowName, states, since, idPrefix, max, tags, cursor);
  }

  /** Only runs carrying every one of {@code required}. */
  public FlowRunQuery withTags(Set<String> required) {
    return new FlowRunQuery(flowName, states, since, idPrefix, limit, required, cursor);
  }

  /** The page after {@code next}, a {@link FlowRunPage#nextCursor()}; null for the first page. */
  public FlowRunQuery withCursor(@Nullable String next) {
    return new FlowRunQuery(flowName, states, since, idPrefix, limit, tags, next);
  }
}
