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
 *     the same query; null to start with the first
 * @param until only runs that started before this instant; null for all
 * @param text only runs whose name contains this text (without case) or whose id starts with it;
 *     null for all
 * @param oldestFirst list the oldest runs first instead of the newest
 */
public record FlowRunQuery(
    @Nullable String flowName,
    Set<String> states,
    @Nullable Instant since,
    @Nullable String idPrefix,
    int limit,
    Set<String> tags,
    @Nullable String cursor,
    @Nullable Instant until,
    @Nullable String text,
    boolean oldestFirst) {
  /** The most runs one query may ask for. */
  public static final int MAX_LIMIT = 10_000;

  public FlowRunQuery {
    states =
        states.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    tags = Set.copyOf(tags);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "the limit of a flow-run query must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
    if (text != null && text.isBlank()) {
      text = null;
    }
  }

  /** A query without tag filter and from the newest run. */
  public FlowRunQuery(
      @Nullable String flowName,
      Set<String> states,
      @Nullable Instant since,
      @Nullable String idPrefix,
      int limit) {
    this(flowName, states, since, idPrefix, limit, Set.of(), null, null, null, false);
  }

  /** The {@code limit} newest runs of every flow. */
  public static FlowRunQuery recent(int limit) {
    return new FlowRunQuery(null, Set.of(), null, null, limit);
  }

  /** Only runs of flow {@code name}. */
  public FlowRunQuery withFlowName(@Nullable String name) {
    return new FlowRunQuery(
        name, states, since, idPrefix, limit, tags, cursor, until, text, oldestFirst);
  }

  /** Only runs in one of these states (names or types). */
  public FlowRunQuery withStates(Set<String> names) {
    return new FlowRunQuery(
        flowName, names, since, idPrefix, limit, tags, cursor, until, text, oldestFirst);
  }

  /** Only runs started at or after {@code instant}. */
  public FlowRunQuery withSince(@Nullable Instant instant) {
    return new FlowRunQuery(
        flowName, states, instant, idPrefix, limit, tags, cursor, until, text, oldestFirst);
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
        cursor,
        until,
        text,
        oldestFirst);
  }

  /** At most {@code max} runs. */
  public FlowRunQuery withLimit(int max) {
    return new FlowRunQuery(
        flowName, states, since, idPrefix, max, tags, cursor, until, text, oldestFirst);
  }

  /** Only runs carrying every one of {@code required}. */
  public FlowRunQuery withTags(Set<String> required) {
    return new FlowRunQuery(
        flowName, states, since, idPrefix, limit, required, cursor, until, text, oldestFirst);
  }

  /** The page after {@code next}, a {@link FlowRunPage#nextCursor()}; null for the first page. */
  public FlowRunQuery withCursor(@Nullable String next) {
    return new FlowRunQuery(
        flowName, states, since, idPrefix, limit, tags, next, until, text, oldestFirst);
  }

  /** Only runs started before {@code instant}. */
  public FlowRunQuery withUntil(@Nullable Instant instant) {
    return new FlowRunQuery(
        flowName, states, since, idPrefix, limit, tags, cursor, instant, text, oldestFirst);
  }

  /** Only runs whose name contains {@code search} or whose id starts with it. */
  public FlowRunQuery withText(@Nullable String search) {
    return new FlowRunQuery(
        flowName, states, since, idPrefix, limit, tags, cursor, until, search, oldestFirst);
  }

  /** The oldest runs first ({@code true}) or the newest (the default). */
  public FlowRunQuery withOldestFirst(boolean oldest) {
    return new FlowRunQuery(
        flowName, states, since, idPrefix, limit, tags, cursor, until, text, oldest);
  }
}
